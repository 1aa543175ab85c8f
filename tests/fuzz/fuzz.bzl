"""stowage_fuzz_test: one libFuzzer target that is also a corpus-replay test.

In the normal build (gcc, and gcc with --config=asan) the target links a small main that runs
LLVMFuzzerTestOneInput on every file of its checked-in corpus, so `bazel test //...` replays the
corpus on every run. With --config=fuzz (clang-14, see .bazelrc) the same sources link
libFuzzer's main instead: `bazel test --config=fuzz` replays the corpus through libFuzzer, and
scripts/fuzz.sh runs the binary as a fuzzer. See docs/fuzzing.md.
"""

load("@rules_cc//cc:defs.bzl", "cc_test")

def stowage_fuzz_test(name, srcs, deps = [], dict = None, **kwargs):
    """A fuzz target `name` with its seed corpus in corpus/<name>/ and an optional dictionary.

    Args:
      name: target name, by convention <what>_fuzzer.
      srcs: the harness (defines LLVMFuzzerTestOneInput).
      deps: the libraries under test.
      dict: a libFuzzer dictionary file (scripts/fuzz.sh passes it as -dict=).
      **kwargs: passed to cc_test.
    """
    corpus = native.glob(["corpus/%s/**" % name])
    if not corpus:
        fail("fuzz target %s has no seed corpus in corpus/%s/" % (name, name))
    native.filegroup(
        name = name + "_corpus",
        srcs = corpus,
    )
    data = [":" + name + "_corpus"]
    if dict:
        data.append(dict)
    cc_test(
        name = name,
        srcs = srcs,
        args = ["$(locations :%s_corpus)" % name],
        data = data,
        linkopts = select({
            "//tests/fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        deps = deps + ["//tests/fuzz:fuzz_input"] + select({
            "//tests/fuzz:libfuzzer": [],
            "//conditions:default": ["//tests/fuzz:replay_main"],
        }),
        # Static, like the tool: the pinned libraries are archives (docs/hermetic.md).
        linkstatic = True,
        tags = kwargs.pop("tags", []) + ["fuzz_target"],
        **kwargs
    )
