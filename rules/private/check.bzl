"""deploy_check_test: runs `stowage check` on an image and its generated manifests at test time.

The test fails when a finding at or above `fail_on` is reported (unless its ID is in `allow`
or `expect`), or when an ID in `expect` is not reported. See docs/deploy.md for the rules."""

load("//rules:providers.bzl", "ImageInfo")
load("//rules/private:compose.bzl", "ComposeInfo")
load("//rules/private:heroku.bzl", "HerokuAppInfo")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "stowage_tool")

def _runfile_path(f):
    # Relative to the test's working directory (the workspace's runfiles root).
    return f.short_path

def _shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

def _deploy_check_test_impl(ctx):
    args = ["check"]
    files = []
    if ctx.attr.image:
        image = ctx.attr.image[ImageInfo]
        args += ["--config", _runfile_path(image.config), "--manifest", _runfile_path(image.manifest)]
        files += [image.config, image.manifest]
    if ctx.attr.heroku:
        heroku = ctx.attr.heroku[HerokuAppInfo]
        args += ["--heroku-yml", _runfile_path(heroku.heroku_yml)]
        files.append(heroku.heroku_yml)
    if ctx.attr.compose:
        compose = ctx.attr.compose[ComposeInfo]
        for f in [compose.development, compose.production]:
            args += ["--compose", _runfile_path(f)]
            files.append(f)
    if not files:
        fail("deploy_check_test: give at least one of image, heroku, compose")
    if ctx.attr.production:
        args.append("--production")
    if ctx.attr.platform:
        args += ["--platform", ctx.attr.platform]
    args += ["--fail-on", ctx.attr.fail_on]
    for id in ctx.attr.allow:
        args += ["--allow", id]
    for id in ctx.attr.expect:
        args += ["--expect", id]

    tool = stowage_tool(ctx)
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        script,
        # The paths are relative to the runfiles tree this runs in; under `bazel run` the tool
        # would resolve them against BUILD_WORKING_DIRECTORY instead.
        "#!/usr/bin/env bash\n# deploy_check_test %s\nset -euo pipefail\nunset BUILD_WORKING_DIRECTORY\nexec %s %s\n" % (
            str(ctx.label),
            _shell_quote(_runfile_path(tool.executable)),
            " ".join([_shell_quote(a) for a in args]),
        ),
        is_executable = True,
    )
    runfiles = ctx.runfiles(files = files + [tool.executable]).merge(tool.runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

deploy_check_test = rule(
    implementation = _deploy_check_test_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    test = True,
    doc = "Fails when `stowage check` reports a finding at or above fail_on for the image and manifests.",
    attrs = {
        "image": attr.label(providers = [ImageInfo], doc = "The image: its config and manifest are checked."),
        "heroku": attr.label(providers = [HerokuAppInfo], doc = "A heroku_app target: its heroku.yml is checked (implies Heroku checks)."),
        "compose": attr.label(providers = [ComposeInfo], doc = "A compose_file target: both Compose files are checked."),
        "production": attr.bool(default = False, doc = "Treat the image as production whatever its Env says."),
        "platform": attr.string(default = "", values = ["", "heroku"], doc = "\"heroku\": Heroku-only checks (EXPOSE, HEALTHCHECK, Docker manifest)."),
        "fail_on": attr.string(default = "error", values = ["error", "warning", "info", "never"], doc = "Lowest finding severity that fails the test; never: report only."),
        "allow": attr.string_list(doc = "Finding IDs accepted (reported, never failing)."),
        "expect": attr.string_list(doc = "Finding IDs that must be reported (for testing the checker, or pinning known debt)."),
    },
)
