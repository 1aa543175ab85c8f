#!/usr/bin/env python3
"""Explains how two builds of the same image target differ: which blob, which layer (by
position and, when the build trees are given, by the oci_layer target whose descriptor names
the digest) and which files inside the layer.

  explain_diff.py DIR_A DIR_B [--names-a BAZEL_BIN_A] [--names-b BAZEL_BIN_B]

DIR_A and DIR_B hold one target's outputs from each build (an OCI layout directory, or an
image's config/manifest/descriptor files, or a tarball). Layouts are compared manifest by
manifest and layer by layer (a changed blob has another name in a layout, so comparing file
names alone says nothing); other files are compared byte for byte, and tar blobs entry by entry.
Runs diffoscope on the first differing layer pair when it is installed. Exit status: 0 when
the two are identical, 1 when they differ (after printing why)."""
import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

LIMIT = 20  # lines of detail per differing blob


def find_layouts(root):
    return sorted(d for d, _, files in os.walk(root) if "index.json" in files and "oci-layout" in files)


def blob(layout, digest):
    return os.path.join(layout, "blobs", *digest.split(":", 1))


def manifests(layout):
    """(name, manifest JSON) for every image manifest reachable from index.json."""
    out, todo = [], [("index", json.load(open(os.path.join(layout, "index.json"))))]
    while todo:
        name, doc = todo.pop(0)
        for i, m in enumerate(doc.get("manifests", [])):
            child = json.load(open(blob(layout, m["digest"])))
            platform = m.get("platform", {})
            label = f"{name}[{i}]" + (f" {platform.get('os')}/{platform.get('architecture')}" if platform else "")
            (todo if "manifests" in child else out).append((label, child))
    return out


def target_names(bazel_bin):
    """digest -> oci_layer target path, from the *.descriptor.json files under bazel-bin."""
    names = {}
    if not bazel_bin or not os.path.isdir(bazel_bin):
        return names
    for d, _, files in os.walk(bazel_bin):
        for f in files:
            if f.endswith(".descriptor.json"):
                try:
                    desc = json.load(open(os.path.join(d, f)))
                except (OSError, ValueError):
                    continue
                if isinstance(desc, dict) and "digest" in desc:
                    rel = os.path.relpath(os.path.join(d, f[: -len(".descriptor.json")]), bazel_bin)
                    names.setdefault(desc["digest"], "//" + os.path.dirname(rel) + ":" + os.path.basename(rel))
    return names


def untar(data):
    """name -> (type, mode, uid, gid, mtime, linkname, sha256 of contents) for a tar blob."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    elif data[:4] == b"\x28\xb5\x2f\xfd":
        data = subprocess.run(["zstd", "-dc"], input=data, capture_output=True, check=True).stdout
    entries = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for m in tar:
            content = tar.extractfile(m).read() if m.isfile() else b""
            entries[m.name] = (m.type, oct(m.mode), m.uid, m.gid, m.mtime, m.linkname,
                               hashlib.sha256(content).hexdigest()[:12])
    return entries


def explain_tar(path_a, path_b):
    try:
        a, b = untar(open(path_a, "rb").read()), untar(open(path_b, "rb").read())
    except (tarfile.TarError, OSError, subprocess.CalledProcessError, EOFError) as e:
        print(f"     (not comparable as tar archives: {e})")
        return
    fields = ("type", "mode", "uid", "gid", "mtime", "link", "sha256")
    lines = [f"     only in A: {n}" for n in sorted(set(a) - set(b))]
    lines += [f"     only in B: {n}" for n in sorted(set(b) - set(a))]
    if list(a) != list(b) and set(a) == set(b):
        lines.append("     same entries in another order")
    for n in sorted(set(a) & set(b)):
        if a[n] != b[n]:
            diffs = [f"{f} {x!r} -> {y!r}" for f, x, y in zip(fields, a[n], b[n]) if x != y]
            lines.append(f"     file {n}: " + ", ".join(diffs))
    if not lines:
        lines.append("     same entries, attributes and contents: the difference is in the "
                     "compression or the tar headers' encoding")
    for line in lines[:LIMIT]:
        print(line)
    if len(lines) > LIMIT:
        print(f"     ... {len(lines) - LIMIT} more")


def json_differences(a, b, path=""):
    """Paths (like config.Env[0] or rootfs.diff_ids[3]) where two JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            yield from json_differences(a.get(key), b.get(key), f"{path}.{key}" if path else key)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from json_differences(x, y, f"{path}[{i}]")
    elif a != b:
        yield f"{path}: {json.dumps(a)[:120]} -> {json.dumps(b)[:120]}"


def explain_json(path_a, path_b):
    lines = list(json_differences(json.load(open(path_a)), json.load(open(path_b))))
    for line in lines[:LIMIT]:
        print("     " + line)
    if len(lines) > LIMIT:
        print(f"     ... {len(lines) - LIMIT} more")


def diffoscope(path_a, path_b):
    if shutil.which("diffoscope"):
        out = subprocess.run(["diffoscope", path_a, path_b], capture_output=True, text=True).stdout
        for line in out.splitlines()[:60]:
            print("     | " + line)


def compare_layouts(la, lb, names_a, names_b):
    ma, mb = manifests(la), manifests(lb)
    if len(ma) != len(mb):
        print(f"   {len(ma)} manifests in A, {len(mb)} in B")
        return False
    same, explained = True, False
    for (label, a), (_, b) in zip(ma, mb):
        if a.get("config", {}).get("digest") != b.get("config", {}).get("digest"):
            same = False
            print(f"   {label}: config differs")
            explain_json(blob(la, a["config"]["digest"]), blob(lb, b["config"]["digest"]))
        la_, lb_ = a.get("layers", []), b.get("layers", [])
        if len(la_) != len(lb_):
            same = False
            print(f"   {label}: {len(la_)} layers in A, {len(lb_)} in B")
        for i, (x, y) in enumerate(zip(la_, lb_)):
            if x["digest"] == y["digest"]:
                continue
            same = False
            print(f"   {label}: layer {i} differs: A {x['digest'][:19]} ({names_a.get(x['digest'], '?')}), "
                  f"B {y['digest'][:19]} ({names_b.get(y['digest'], '?')})")
            explain_tar(blob(la, x["digest"]), blob(lb, y["digest"]))
            if not explained:
                diffoscope(blob(la, x["digest"]), blob(lb, y["digest"]))
                explained = True
        if same and a != b:
            same = False
            print(f"   {label}: manifests differ outside config and layers")
    return same


def compare_files(a, b):
    same = True
    files = sorted({os.path.relpath(os.path.join(d, f), a) for d, _, fs in os.walk(a) for f in fs} |
                   {os.path.relpath(os.path.join(d, f), b) for d, _, fs in os.walk(b) for f in fs})
    for rel in files:
        pa, pb = os.path.join(a, rel), os.path.join(b, rel)
        if not (os.path.isfile(pa) and os.path.isfile(pb)):
            same = False
            print(f"   {rel}: only in {'A' if os.path.isfile(pa) else 'B'}")
            continue
        if open(pa, "rb").read() == open(pb, "rb").read():
            continue
        same = False
        print(f"   {rel} differs")
        if rel.endswith(".json"):
            explain_json(pa, pb)
        else:
            explain_tar(pa, pb)
    return same


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--names-a", default="")
    p.add_argument("--names-b", default="")
    args = p.parse_args()
    layouts_a, layouts_b = find_layouts(args.a), find_layouts(args.b)
    if layouts_a and len(layouts_a) == len(layouts_b):
        names_a, names_b = target_names(args.names_a), target_names(args.names_b)
        same = all([compare_layouts(x, y, names_a, names_b) for x, y in zip(layouts_a, layouts_b)])
    else:
        same = compare_files(args.a, args.b)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
