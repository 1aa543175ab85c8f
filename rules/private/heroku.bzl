"""heroku_app: heroku.yml + a FROM-by-digest Dockerfile; heroku_release: push and release.

Both read the image's ImageInfo, so the digest that was built and tested is the one deployed.
See docs/deploy.md."""

load("//rules:providers.bzl", "ImageInfo", "StaticAssetsInfo")
load("//rules/private:make_vars.bzl", "expand_defines", "fail_action", "missing_define_message")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage", "stowage_tool")

HerokuAppInfo = provider(
    doc = "Generated Heroku files, for deploy_check_test.",
    fields = {
        "heroku_yml": "File: heroku.yml",
        "dockerfile": "File: the Dockerfile heroku.yml builds",
    },
)

def _require_docker_format(rule_name, ctx):
    image = ctx.attr.image[ImageInfo]
    if image.format != "docker":
        fail(("%s: %s has format \"%s\"; Heroku's registry accepts only Docker v2 schema 2 " +
              "manifests: build it with oci_image(..., format = \"docker\")") % (rule_name, ctx.attr.image.label, image.format))
    return image

def _heroku_app_impl(ctx):
    image = _require_docker_format("heroku_app", ctx)
    heroku_yml = ctx.actions.declare_file(ctx.label.name + "/heroku.yml")
    dockerfile = ctx.actions.declare_file(ctx.label.name + "/Dockerfile")
    repository, missing = expand_defines(ctx.attr.repository, ctx.var)
    if missing:
        # Only building this target fails, with the fix; the rest of the workspace builds.
        fail_action(ctx, [heroku_yml, dockerfile], missing_define_message("heroku_app", ctx.label, "repository", ctx.attr.repository, missing))
        return [
            DefaultInfo(files = depset([heroku_yml, dockerfile])),
            HerokuAppInfo(heroku_yml = heroku_yml, dockerfile = dockerfile),
        ]
    spec = ctx.actions.declare_file(ctx.label.name + ".heroku_spec.json")
    static = {}
    if ctx.attr.static_assets:
        static = {
            "static_assets_label": str(ctx.attr.static_assets.label),
            "static_root": ctx.attr.static_assets[StaticAssetsInfo].root_path,
        }
    ctx.actions.write(spec, json.encode(struct(
        label = str(ctx.label),
        repository = repository,
        addons = ctx.attr.addons,
        addon_attachments = ctx.attr.addon_attachments,
        config = ctx.attr.config,
        release_command = ctx.attr.release_command,
        processes = ctx.attr.processes,
        dockerfile_path = ctx.attr.dockerfile_path,
        **static
    )))
    args = ctx.actions.args()
    args.add("heroku")
    args.add("--spec", spec)
    args.add("--descriptor", image.descriptor)
    args.add("--heroku-yml", heroku_yml)
    args.add("--dockerfile", dockerfile)
    run_stowage(
        ctx,
        arguments = [args],
        inputs = [spec, image.descriptor],
        outputs = [heroku_yml, dockerfile],
        mnemonic = "StowageHeroku",
        progress_message = "Writing heroku.yml for %s" % ctx.label,
    )
    return [
        DefaultInfo(
            files = depset([heroku_yml, dockerfile]),
            runfiles = ctx.runfiles(files = [heroku_yml, dockerfile]),
        ),
        HerokuAppInfo(heroku_yml = heroku_yml, dockerfile = dockerfile),
    ]

heroku_app = rule(
    implementation = _heroku_app_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    doc = """Writes <name>/heroku.yml and <name>/Dockerfile (FROM repository@manifest-digest).

Copy both to the root of the app's git repository and `git push heroku`: Heroku builds the
one-line Dockerfile, i.e. runs exactly the image Bazel built. Secrets are refused in `config`.""",
    attrs = {
        "image": attr.label(providers = [ImageInfo], mandatory = True, doc = "The image to deploy; it must have format = \"docker\"."),
        "repository": attr.string(
            mandatory = True,
            doc = "$(VAR) expands --define values. Where the image is pushed, [host[:port]/]name, readable by Heroku's builder.",
        ),
        "addons": attr.string_list(
            doc = "\"plan\" or \"plan:ATTACHMENT\", e.g. \"heroku-postgresql:DATABASE\" or " +
                  "\"heroku-postgresql:essential-0:DATABASE\" (the last part, when upper-case, is `as`).",
        ),
        "addon_attachments": attr.string_dict(
            doc = "ATTACHMENT -> plan, e.g. {\"DATABASE\": \"heroku-postgresql:essential-0\"}.",
        ),
        "config": attr.string_dict(
            doc = "setup.config: non-secret config vars. Secret-looking names or values are refused.",
        ),
        "release_command": attr.string_list(
            doc = "release.command, run in the image before each release, e.g. [\"/app/bin/bookstore\", \"migrate\"].",
        ),
        "processes": attr.string_dict(
            doc = "run: process type -> command. `web` must bind $PORT.",
        ),
        "static_assets": attr.label(
            providers = [StaticAssetsInfo],
            doc = "The static_assets target the image carries: heroku.yml's header says collectstatic ran at build time (and where), and a release_command that runs collectstatic is refused.",
        ),
        "dockerfile_path": attr.string(
            default = "Dockerfile",
            doc = "build.docker.web: where the Dockerfile sits relative to heroku.yml in the app repository.",
        ),
    },
)

def _runfile(ctx, f):
    # Path of a runfile below the runfiles root.
    path = f.short_path
    if path.startswith("../"):
        return path[3:]
    return ctx.workspace_name + "/" + path

def _shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

# The launcher `bazel run` executes; %{...} are filled in by _heroku_release_impl.
_LAUNCHER = """#!/usr/bin/env bash
# Generated by heroku_release (%{label}): push the image, then release it on Heroku.
#
# Flags (all optional): --app NAME, --registry HOST, --process-type TYPE, --api-url URL,
# --skip-push; anything else goes to `stowage heroku-release` (e.g. --max-polls N).
# HEROKU_API_KEY comes from the environment and is never printed.
set -euo pipefail

if [[ -n "${RUNFILES_DIR:-}" ]]; then
  r="$RUNFILES_DIR"
elif [[ -d "$0.runfiles" ]]; then
  r="$0.runfiles"
else
  echo "heroku_release: cannot find runfiles for $0" >&2
  exit 1
fi

stowage="$r/%{stowage}"
app=%{app}
registry=%{registry}
process_type=%{process_type}
api_url=%{api_url}
skip_push=0
release_args=()
while (($#)); do
  case "$1" in
    --app) app="$2"; shift 2 ;;
    --app=*) app="${1#*=}"; shift ;;
    --registry) registry="$2"; shift 2 ;;
    --registry=*) registry="${1#*=}"; shift ;;
    --process-type) process_type="$2"; shift 2 ;;
    --process-type=*) process_type="${1#*=}"; shift ;;
    --api-url) api_url="$2"; shift 2 ;;
    --api-url=*) api_url="${1#*=}"; shift ;;
    --skip-push) skip_push=1; shift ;;
    *) release_args+=("$1"); shift ;;
  esac
done

# The push runs as its own process, `stowage push` (STOWAGE_PUSH_TOOL may name another binary
# taking the same flags, e.g. a recorder in tests). Heroku's registry wants Docker v2 schema 2,
# which the rule checked at analysis time.
push_image() {
  "${STOWAGE_PUSH_TOOL:-$stowage}" push \\
    --manifest "$r/%{manifest}" \\
    --config "$r/%{config}" \\
    %{layers} \\
    --repository "$registry/$app/$process_type" \\
    --tag latest
}

if ((skip_push)); then
  echo "heroku_release: --skip-push: not pushing $registry/$app/$process_type"
else
  push_image
fi

api_flags=()
if [[ -n "$api_url" ]]; then api_flags=(--api-url "$api_url"); fi
exec "$stowage" heroku-release \\
  --app "$app" \\
  --process-type "$process_type" \\
  --manifest "$r/%{manifest}" \\
  --config "$r/%{config}" \\
  "${api_flags[@]}" \\
  "${release_args[@]}"
"""

def _heroku_release_impl(ctx):
    image = _require_docker_format("heroku_release", ctx)
    tool = stowage_tool(ctx)
    layer_args = []
    for layer in image.layers:
        layer_args.append("--layer")
        layer_args.append("\"$r/%s=$r/%s\"" % (_runfile(ctx, layer.descriptor), _runfile(ctx, layer.blob)))
    substitutions = {
        "%{label}": str(ctx.label),
        "%{stowage}": _runfile(ctx, tool.executable),
        "%{manifest}": _runfile(ctx, image.manifest),
        "%{config}": _runfile(ctx, image.config),
        "%{layers}": " ".join(layer_args),
        "%{app}": _shell_quote(ctx.attr.app),
        "%{registry}": _shell_quote(ctx.attr.registry),
        "%{process_type}": _shell_quote(ctx.attr.process_type),
        "%{api_url}": _shell_quote(ctx.attr.api_url),
    }
    text = _LAUNCHER
    for key, value in substitutions.items():
        text = text.replace(key, value)
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(script, text, is_executable = True)
    files = [image.config, image.manifest, image.descriptor]
    for layer in image.layers:
        files.append(layer.blob)
        files.append(layer.descriptor)
    runfiles = ctx.runfiles(files = files + [tool.executable]).merge(tool.runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

heroku_release = rule(
    implementation = _heroku_release_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    executable = True,
    doc = """`bazel run` target: pushes the image to <registry>/<app>/<process_type>:latest with
`stowage push`, then releases it through the Heroku Platform API (`stowage heroku-release`,
HEROKU_API_KEY from the environment). The image must have format = "docker".""",
    attrs = {
        "image": attr.label(providers = [ImageInfo], mandatory = True, doc = "The image to deploy; it must have format = \"docker\"."),
        "app": attr.string(mandatory = True, doc = "Heroku app name."),
        "registry": attr.string(
            mandatory = True,
            doc = "Heroku's container registry host (see Heroku's Container Registry docs).",
        ),
        "process_type": attr.string(default = "web", doc = "The Heroku process type to release, e.g. web or worker."),
        "api_url": attr.string(doc = "Platform API base URL; empty: the real Heroku API."),
    },
)
