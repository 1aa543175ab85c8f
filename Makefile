# The two commands of the README's quick start, plus fuzzing, benchmarks and formatting.
.PHONY: run test verify fuzz bench fmt

run:  ## build the example image, push it, write deploy manifests, run it locally
	bash scripts/run_example.sh

test:  ## every test: Bazel units and end-to-end checks; ends with "N passed, N failed"
	bash scripts/test.sh

verify:  ## Debian 13 root (debootstrap): tool builds there, bazel test //... passes, the index's blobs = this host's
	bash scripts/verify_debian13.sh

fuzz:  ## every libFuzzer target for $FUZZ_SECONDS (default 60) each; see docs/fuzzing.md
	bash scripts/setup.sh
	bash scripts/fuzz.sh

bench:  ## benchmarks against peer tools, side by side (not part of `make test`)
	bash bench/run

fmt:  ## buildifier (from npm) for Starlark, clang-format for C++
	git ls-files '*.bzl' '*BUILD*' 'WORKSPACE' | xargs npx --yes @bazel/buildifier
	find builder tests examples bench -name '*.cc' -o -name '*.h' | xargs clang-format -i
