"""Test-only rule: a tree artifact (a directory output), to check oci_layer walks one."""

def _tree_fixture_impl(ctx):
    out = ctx.actions.declare_directory(ctx.label.name)
    ctx.actions.run_shell(
        outputs = [out],
        command = "mkdir -p {o}/css {o}/js && echo 'body{{}}' > {o}/css/site.css && echo 'let x;' > {o}/js/app.js".format(o = out.path),
    )
    return [DefaultInfo(files = depset([out]))]

tree_fixture = rule(implementation = _tree_fixture_impl)
