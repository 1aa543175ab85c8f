"""$(VAR) in repository attributes, expanded from --define without failing the whole build.

ctx.expand_make_variables fails the analysis of every target that has an undefined $(VAR),
so one `oci_push(repository = "$(REPO)")` broke `bazel build //...` until a --define default
existed. expand_defines reports what is missing instead: run targets can still take the
value at run time (`-- --repository`), and generating rules fail only their own action, with
the fix in the message."""

def expand_defines(value, variables):
    """Expands $(NAME) from `variables` (ctx.var); "$$" is a literal "$".

    Args:
      value: the attribute's text.
      variables: ctx.var (--define values and make variables).
    Returns:
      (expanded text, list of names that had no value)
    """
    out = ""
    missing = []
    i = 0
    for _ in range(len(value) + 1):  # every round consumes at least one character
        if i >= len(value):
            break
        j = value.find("$", i)
        if j < 0:
            out += value[i:]
            break
        out += value[i:j]
        after = value[j + 1:j + 2]
        if after == "$":
            out += "$"
            i = j + 2
        elif after == "(" and value.find(")", j) > 0:
            k = value.find(")", j)
            name = value[j + 2:k]
            if name in variables:
                out += variables[name]
            else:
                missing.append(name)
                out += value[j:k + 1]
            i = k + 1
        else:
            out += "$"
            i = j + 1
    return out, missing

def missing_define_message(rule_name, label, attr_name, value, missing):
    """The one-line error for a $(VAR) without a value."""
    return "%s(%s): %s \"%s\" needs %s (e.g. in .bazelrc: build %s)" % (
        rule_name,
        label,
        attr_name,
        value,
        " ".join(["--define=%s=..." % name for name in missing]),
        " ".join(["--define=%s=VALUE" % name for name in missing]),
    )

def fail_action(ctx, outputs, message):
    """An action that fails with `message` when (and only when) its outputs are built."""
    ctx.actions.run_shell(
        outputs = outputs,
        command = "echo \"$1\" >&2; exit 1",
        arguments = [message],
        mnemonic = "StowageMissingDefine",
        progress_message = "Checking the --define values of %s" % ctx.label,
    )
