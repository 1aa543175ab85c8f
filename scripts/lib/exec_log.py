#!/usr/bin/env python3
"""Reads Bazel's --execution_log_json_file (a stream of JSON spawn objects) for the
reproducibility check.

  exec_log.py cache-hits LOG          every stowage action was a remote cache hit (else exit 1)
  exec_log.py cache-bytes LOG IMAGES  bytes the cache holds for stowage's image actions, next to
                                      what copying every blob into every image would hold
                                      (IMAGES: collected examples_bookstore_* layout outputs)"""
import json
import os
import sys


def spawns(path):
    text, dec, out, i = open(path).read(), json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        obj, i = dec.raw_decode(text, i)
        out.append(obj)


def ours(all_spawns):
    return [s for s in all_spawns if s.get("mnemonic", "").startswith("Stowage")]


def cache_hits(log):
    all_spawns = spawns(log)
    stowage = ours(all_spawns)
    ran = [s for s in all_spawns if not s.get("remoteCacheHit")]
    print(f"   {len(all_spawns)} spawns, {len(stowage)} of them stowage actions; executed (not cache hits): {len(ran)}")
    for s in ran[:20]:
        print("   executed:", s.get("mnemonic"), s.get("progressMessage", ""))
    if not stowage:
        sys.exit("no stowage action was seen in the execution log")
    if any(not s.get("remoteCacheHit") for s in stowage):
        sys.exit("some stowage actions ran instead of hitting the remote cache")


def cache_bytes(log, images):
    # The distinct outputs of stowage's image actions (layers, configs, manifests). Layouts are
    # left out: they are views for readers, rebuilt from those outputs.
    held = {}
    for s in ours(spawns(log)):
        if s["mnemonic"] == "StowageLayout":
            continue
        for out in s.get("actualOutputs", []):
            d = out.get("digest") or {}
            held[d.get("hash")] = int(d.get("sizeBytes", 0))
    # What copying every blob into every image (as a layout-per-image rule does) would hold.
    copied = 0
    for name in sorted(os.listdir(images)):
        if not name.startswith("examples_bookstore_"):
            continue
        blobs = os.path.join(images, name, name.split("_bookstore_")[1], "blobs", "sha256")
        copied += sum(os.path.getsize(os.path.join(blobs, b)) for b in os.listdir(blobs))
    print(f"   stowage image actions' outputs in the cache: {sum(held.values()):,} bytes in {len(held)} entries")
    print(f"   every blob copied into every image:           {copied:,} bytes")
    if copied:
        print(f"   ratio: {sum(held.values()) / copied:.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "cache-hits":
        cache_hits(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "cache-bytes":
        cache_bytes(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
