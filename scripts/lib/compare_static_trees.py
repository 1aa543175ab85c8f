#!/usr/bin/env python3
"""compare_static_trees.py DJANGO_ROOT OURS_ROOT [OUR_MANIFEST_COPY]

Compares a STATIC_ROOT written by Django's collectstatic (+ WhiteNoise's
CompressedManifestStaticFilesStorage) with one stowage's static_assets wrote: the same names,
the same staticfiles.json, the same bytes in every file (a .gz written by libdeflate instead of
zlib must hold the same contents), and .gz/.br variants that decompress to their originals.
Exits 1 with the differences. Used by tests/e2e/static_django_compat_test.sh (Debian's Django
on the host) and tests/e2e/django_bookstore_test.sh (Django inside the built image)."""
import brotli, gzip, json, os, sys
django_root, ours_root = sys.argv[1:3]
manifest_copy = sys.argv[3] if len(sys.argv) > 3 else None
def tree(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            out[os.path.relpath(p, root)] = open(p, "rb").read()
    return out
theirs, ours = tree(django_root), tree(ours_root)
problems = []
only_theirs, only_ours = sorted(set(theirs) - set(ours)), sorted(set(ours) - set(theirs))
if only_theirs: problems.append("only in Django's tree: %s" % only_theirs[:20])
if only_ours: problems.append("only in ours: %s" % only_ours[:20])
m_theirs = json.loads(theirs["staticfiles.json"])
m_ours = json.loads(ours["staticfiles.json"])
if m_theirs != m_ours:
    a, b = m_theirs["paths"], m_ours["paths"]
    diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
    problems.append("staticfiles.json differs: version %r vs %r; paths %r" % (
        m_theirs.get("version"), m_ours.get("version"), dict(list(diff.items())[:10])))
if manifest_copy and open(manifest_copy, "rb").read() != ours["staticfiles.json"]:
    problems.append("the separate manifest output differs from the tree's staticfiles.json")
fast_gz = 0
for name in sorted(set(theirs) & set(ours)):
    if name == "staticfiles.json" or theirs[name] == ours[name]:
        continue
    # A .gz may come from libdeflate instead of zlib 9 (faster; the keep-or-drop decision is
    # still zlib's, which the equal name sets above prove): it must hold the same contents.
    if name.endswith(".gz") and gzip.decompress(theirs[name]) == gzip.decompress(ours[name]):
        fast_gz += 1
        continue
    problems.append("bytes differ: %s (%d vs %d bytes)" % (name, len(theirs[name]), len(ours[name])))
for name, data in ours.items():
    base = name[:-3]
    if name.endswith(".gz") and base in ours and gzip.decompress(data) != ours[base]:
        problems.append("%s does not decompress to %s" % (name, base))
    if name.endswith(".br") and base in ours and brotli.decompress(data) != ours[base]:
        problems.append("%s does not decompress to %s" % (name, base))
compressed = sum(1 for n in ours if n.endswith((".gz", ".br")))
if problems:
    print("FAIL: stowage static differs from Django collectstatic + WhiteNoise:")
    for p in problems[:40]: print("  " + p)
    sys.exit(1)
print("  same %d files (%d compressed variants), same manifest (%d paths), same bytes "
      "(%d .gz written by libdeflate: same contents)" % (
    len(ours), compressed, len(m_ours["paths"]), fast_gz))
