#!/usr/bin/env python3
"""Writes the hostile registry JSON fixtures in this directory (run it after editing a case).

Each file is a manifest, index or config a hostile registry could serve. pull_test.cc pulls
every one from an OCI layout and expects a clear error naming the field; pull_hostile_test.sh
serves them over HTTP to the real binary; the fuzz targets seed their corpora from them.
Config cases come as two files: config_<case>.json and manifest_config_<case>.json (which
names that config and one layer whose bytes are LAYER)."""
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
LAYER = b"layer-bytes\n"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def dump(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


CONFIG_OK = {"architecture": "amd64", "os": "linux",
             "rootfs": {"type": "layers", "diff_ids": [digest(b"diff")]}}


def layer():
    return {"mediaType": GZIP_LAYER, "digest": digest(LAYER), "size": len(LAYER)}


def manifest(config=CONFIG_OK):
    data = dump(config)
    return {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": digest(data), "size": len(data)},
            "layers": [layer()]}


def manifest_case(name, edit):
    m = manifest()
    edit(m)
    write("manifest_%s.json" % name, dump(m))


def set_path(path, value):
    def edit(m):
        target = m
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return edit


manifest_case("schema_version_string", set_path(["schemaVersion"], "2"))
manifest_case("layer_media_type_number", set_path(["layers", 0, "mediaType"], 5))
manifest_case("layer_not_tar", set_path(["layers", 0, "mediaType"], "application/vnd.example.x"))
manifest_case("layers_object", set_path(["layers"], {"0": layer()}))
manifest_case("config_string", set_path(["config"], digest(b"x")))
manifest_case("size_string", set_path(["layers", 0, "size"], "12"))
manifest_case("size_negative", set_path(["layers", 0, "size"], -1))
manifest_case("size_float", set_path(["layers", 0, "size"], 12.0))
manifest_case("config_too_large", set_path(["config", "size"], 1 << 40))
manifest_case("urls_not_strings", set_path(["layers", 0, "urls"], [1]))
manifest_case("annotation_nul", set_path(["layers", 0, "annotations"], {"a": "b\u0000c"}))
manifest_case("digest_escape", set_path(["layers", 0, "digest"], "sha256:\u001b[31mred"))
manifest_case("duplicate_digest_sizes",
              set_path(["layers"], [layer(), dict(layer(), size=len(LAYER) + 1)]))
write("manifest_not_object.json", b"[]")
nested = "[" * 1000 + "]" * 1000
write("manifest_deeply_nested.json",
      dump(manifest())[:-1] + b',"annotations":{"x":' + nested.encode() + b"}}")
write("manifest_truncated.json", dump(manifest())[:40])

CHILD = dump(manifest())
write("manifest_valid.json", CHILD)


def index_case(name, entries):
    write("index_%s.json" % name,
          dump({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}))


ENTRY = {"mediaType": OCI_MANIFEST, "digest": digest(CHILD), "size": len(CHILD)}
index_case("platform_string", [dict(ENTRY, platform="linux/amd64")])
index_case("platform_os_number", [dict(ENTRY, platform={"os": 1, "architecture": "amd64"})])
index_case("entry_not_object", [digest(CHILD)])
index_case("entry_size_string",
           [dict(ENTRY, size=str(len(CHILD)), platform={"os": "linux", "architecture": "amd64"})])
index_case("child_too_large",
           [dict(ENTRY, size=1 << 30, platform={"os": "linux", "architecture": "amd64"})])
write("index_manifests_object.json",
      dump({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": {"a": ENTRY}}))


def config_case(name, edit):
    c = json.loads(json.dumps(CONFIG_OK))
    edit(c)
    data = dump(c)
    write("config_%s.json" % name, data)
    write("manifest_config_%s.json" % name, dump(manifest(c)))


config_case("diff_ids_object", set_path(["rootfs", "diff_ids"], {"0": digest(b"diff")}))
config_case("rootfs_string", set_path(["rootfs"], "layers"))
config_case("diff_id_number", set_path(["rootfs", "diff_ids"], [1]))
config_case("diff_ids_missing_one", set_path(["rootfs", "diff_ids"], []))
config_case("architecture_list", set_path(["architecture"], ["amd64"]))
write("layer.bin", LAYER)
write("config_valid.json", dump(CONFIG_OK))
