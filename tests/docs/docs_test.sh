#!/usr/bin/env bash
# Runs in the runfiles tree of the workspace: docs/rules.md must be what scripts/gen_rule_docs.py
# makes of rules/*.bzl now, and each "docs/NAME.md" mentioned in README.md, docs/ or rules/ must
# exist.
set -euo pipefail
python3 scripts/gen_rule_docs.py --root . --check docs/rules.md
missing=0
while read -r ref; do
  [[ -f "$ref" ]] || { echo "FAIL: $ref is mentioned but does not exist:"; grep -Rn --include='*.md' --include='*.bzl' -F "$ref" README.md docs rules | head -3; missing=1; }
done < <(grep -RhoE --include='*.md' --include='*.bzl' 'docs/[a-z0-9_-]+\.md' README.md docs rules | sort -u)
((missing == 0)) || exit 1
echo "ok: every docs/*.md that is mentioned exists"
