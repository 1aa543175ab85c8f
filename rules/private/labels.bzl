"""Labels written into files that repository rules generate (BUILD files of other repositories)."""

def absolute_label(label):
    """`label` as text that means the same in any repository's BUILD file.

    str(Label) names stowage's repository however the user called it ("@my_stowage//...",
    "@@stowage+//..." under Bzlmod), but in Bazel 4 gives "//rules:defs.bzl" when stowage is the
    main repository, which inside another repository would mean that repository: "@//" then.

    Args:
      label: a Label.
    Returns:
      the label as a string.
    """
    text = str(label)
    return "@" + text if text.startswith("//") else text
