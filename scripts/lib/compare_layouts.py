#!/usr/bin/env python3
"""compare_layouts.py HOST_LAYOUT OTHER_LAYOUT: are two OCI layouts of one index the same bytes?

Walks HOST_LAYOUT's index.json down to every platform's manifest, config and layers, and says
for each whether OTHER_LAYOUT holds the same descriptor at the same place (same digest, so the
same bytes: both layouts' blobs are checked against their digests). Exit 1 on any difference.
"""
import hashlib
import json
import os
import sys


def blob(layout, digest):
    algo, hexdigest = digest.split(":", 1)
    path = os.path.join(layout, "blobs", algo, hexdigest)
    data = open(path, "rb").read()
    if hashlib.sha256(data).hexdigest() != hexdigest:
        raise SystemExit("%s: blob %s does not match its digest" % (layout, digest))
    return data


def walk(layout):
    """[(where, descriptor)] in order, from the layout's single top-level entry down."""
    top = json.load(open(os.path.join(layout, "index.json")))["manifests"]
    out = [("index", top[0]["digest"])]
    index = json.loads(blob(layout, top[0]["digest"]))
    for m in index.get("manifests", []):
        plat = "%s/%s" % (m["platform"]["os"], m["platform"]["architecture"])
        manifest = json.loads(blob(layout, m["digest"]))
        out.append((plat + " manifest", m["digest"]))
        out.append((plat + " config", manifest["config"]["digest"]))
        for i, layer in enumerate(manifest["layers"]):
            blob(layout, layer["digest"])
            out.append(("%s layer %d (%d bytes)" % (plat, i, layer["size"]), layer["digest"]))
    return out


def main():
    host, other = sys.argv[1], sys.argv[2]
    mine, theirs = walk(host), walk(other)
    same = 0
    if [w for w, _ in mine] != [w for w, _ in theirs]:
        print("the two layouts differ in shape:\n  %s\n  %s" % ([w for w, _ in mine], [w for w, _ in theirs]))
        return 1
    for (where, a), (_, b) in zip(mine, theirs):
        if a == b:
            same += 1
            print("same     %-40s %s" % (where, a[:19]))
        else:
            print("DIFFERS  %-40s %s vs %s" % (where, a[:19], b[:19]))
    print("%d of %d blobs byte-identical" % (same, len(mine)))
    return 0 if same == len(mine) else 1


if __name__ == "__main__":
    sys.exit(main())
