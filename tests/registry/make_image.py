#!/usr/bin/env python3
"""Writes a small OCI image as stowage's push takes it: layer blobs (tar+gzip of one file of
seeded random bytes each), layer descriptor JSON (docs/formats.md), a config and a manifest.

  make_image.py OUT --layer-size N --seeds 1,2,3 [--docker] [--source HOST/REPO]

Layer i holds /data/layer<i> with N bytes from random.Random(seed_i); the same seeds always
give the same blobs, so changing one seed changes exactly one layer (and the config).
Prints the --layer DESCRIPTOR=BLOB flags, one per line, to OUT/layers.flags."""
import argparse
import gzip
import hashlib
import io
import json
import os
import random
import tarfile


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def layer_tar(index, data):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        d = tarfile.TarInfo("data")
        d.type = tarfile.DIRTYPE
        d.mode = 0o755
        tar.addfile(d)
        info = tarfile.TarInfo("data/layer%d" % index)
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--layer-size", type=int, default=4096)
    p.add_argument("--seeds", default="1,2")
    p.add_argument("--docker", action="store_true")
    p.add_argument("--source", default="")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.docker:
        layer_type = "application/vnd.docker.image.rootfs.diff.tar.gzip"
        config_type = "application/vnd.docker.container.image.v1+json"
        manifest_type = "application/vnd.docker.distribution.manifest.v2+json"
    else:
        layer_type = "application/vnd.oci.image.layer.v1.tar+gzip"
        config_type = "application/vnd.oci.image.config.v1+json"
        manifest_type = "application/vnd.oci.image.manifest.v1+json"
    layers, diff_ids, flags = [], [], []
    for i, seed in enumerate(a.seeds.split(",")):
        data = random.Random(int(seed)).randbytes(a.layer_size)
        tar = layer_tar(i, data)
        blob = gzip.compress(tar, compresslevel=1, mtime=0)
        digest = "sha256:" + hashlib.sha256(blob).hexdigest()
        diff_id = "sha256:" + hashlib.sha256(tar).hexdigest()
        blob_path = os.path.join(a.out, "layer%d.tar.gz" % i)
        with open(blob_path, "wb") as f:
            f.write(blob)
        desc = {"compression": "gzip", "diffId": diff_id, "digest": digest,
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": len(blob),
                "uncompressedSize": len(tar)}
        if a.source:
            desc["source"] = a.source
        desc_path = os.path.join(a.out, "layer%d.json" % i)
        with open(desc_path, "wb") as f:
            f.write(canonical(desc))
        layers.append({"digest": digest, "mediaType": layer_type, "size": len(blob)})
        diff_ids.append(diff_id)
        flags.append("%s=%s" % (desc_path, blob_path))
    config = canonical({"architecture": "amd64", "os": "linux",
                        "config": {"Cmd": ["/bin/true"]},
                        "rootfs": {"type": "layers", "diff_ids": diff_ids}})
    with open(os.path.join(a.out, "config.json"), "wb") as f:
        f.write(config)
    manifest = {"schemaVersion": 2, "mediaType": manifest_type,
                "config": {"mediaType": config_type, "size": len(config),
                           "digest": "sha256:" + hashlib.sha256(config).hexdigest()},
                "layers": layers}
    mbytes = canonical(manifest)
    with open(os.path.join(a.out, "manifest.json"), "wb") as f:
        f.write(mbytes)
    with open(os.path.join(a.out, "layers.flags"), "w") as f:
        f.write("\n".join(flags) + "\n")
    with open(os.path.join(a.out, "digest"), "w") as f:
        f.write("sha256:" + hashlib.sha256(mbytes).hexdigest() + "\n")


if __name__ == "__main__":
    main()
