"""compose_file: compose.yaml (development) and compose.prod.yaml (production override).

The web service runs the image from ImageInfo by digest (or by tag in development); secrets
are written as ${NAME:?NAME must be set}, never as values. See docs/deploy.md."""

load("//rules:providers.bzl", "ImageInfo")
load("//rules/private:make_vars.bzl", "expand_defines", "fail_action", "missing_define_message")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage")

ComposeInfo = provider(
    doc = "Generated Compose files, for deploy_check_test.",
    fields = {
        "development": "File: compose.yaml",
        "production": "File: compose.prod.yaml (an override of compose.yaml)",
    },
)

def _compose_file_impl(ctx):
    image = ctx.attr.image[ImageInfo]
    dev = ctx.actions.declare_file(ctx.label.name + "/compose.yaml")
    prod = ctx.actions.declare_file(ctx.label.name + "/compose.prod.yaml")
    repository, missing = expand_defines(ctx.attr.repository, ctx.var)
    if missing:
        # Only building this target fails, with the fix; the rest of the workspace builds.
        fail_action(ctx, [dev, prod], missing_define_message("compose_file", ctx.label, "repository", ctx.attr.repository, missing))
        return [
            DefaultInfo(files = depset([dev, prod])),
            ComposeInfo(development = dev, production = prod),
        ]
    spec = ctx.actions.declare_file(ctx.label.name + ".compose_spec.json")
    ctx.actions.write(spec, json.encode(struct(
        label = str(ctx.label),
        repository = repository,
        tag = ctx.attr.tag,
        service = ctx.attr.service,
        command = ctx.attr.command,
        ports = ctx.attr.ports,
        env_file = ctx.attr.env_file,
        environment = ctx.attr.environment,
        secret_env = ctx.attr.secret_env,
        prod_environment = ctx.attr.prod_environment,
        restart = ctx.attr.restart,
        prod_restart = ctx.attr.prod_restart,
        prod_debug = ctx.attr.prod_debug,
        postgres_image = ctx.attr.postgres_image,
        db_service = ctx.attr.db_service,
        db_volume = ctx.attr.db_volume,
        db_user = ctx.attr.db_user,
        db_name = ctx.attr.db_name,
        db_secret_env = ctx.attr.db_secret_env,
    )))
    args = ctx.actions.args()
    args.add("compose")
    args.add("--spec", spec)
    args.add("--descriptor", image.descriptor)
    args.add("--out", dev)
    args.add("--prod-out", prod)
    run_stowage(
        ctx,
        arguments = [args],
        inputs = [spec, image.descriptor],
        outputs = [dev, prod],
        mnemonic = "StowageCompose",
        progress_message = "Writing Compose files for %s" % ctx.label,
    )
    return [
        DefaultInfo(
            files = depset([dev, prod]),
            runfiles = ctx.runfiles(files = [dev, prod]),
        ),
        ComposeInfo(development = dev, production = prod),
    ]

compose_file = rule(
    implementation = _compose_file_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    doc = """Writes <name>/compose.yaml and <name>/compose.prod.yaml.

Development: `docker compose -f compose.yaml up`; production:
`docker compose -f compose.yaml -f compose.prod.yaml up -d`.""",
    attrs = {
        "image": attr.label(providers = [ImageInfo], mandatory = True, doc = "The web service's image (pinned by digest in production)."),
        "repository": attr.string(mandatory = True, doc = "$(VAR) expands --define values. [host[:port]/]name the image is pushed to."),
        "tag": attr.string(doc = "Development uses repository:tag when set; production always pins the digest."),
        "service": attr.string(default = "web", doc = "Name of the application service."),
        "command": attr.string_list(doc = "command (exec form); empty: the image's."),
        "ports": attr.string_list(doc = "e.g. [\"8000:8000\"]."),
        "env_file": attr.string_list(doc = "env_file entries, relative to the Compose file (they must exist)."),
        "environment": attr.string_dict(doc = "Non-secret variables (ENVIRONMENT and DEBUG default to development and 1)."),
        "secret_env": attr.string_list(doc = "Secret variables, written as NAME: ${NAME:?NAME must be set}."),
        "prod_environment": attr.string_dict(doc = "Extra non-secret variables in the production override."),
        "restart": attr.string(doc = "Development restart policy; empty: Compose's default (\"no\")."),
        "prod_restart": attr.string(default = "unless-stopped", doc = "Production restart policy."),
        "prod_debug": attr.string(default = "0", doc = "DEBUG in production: \"0\" or \"False\"."),
        "postgres_image": attr.string(doc = "e.g. \"postgres:15\"; empty: no database service."),
        "db_service": attr.string(default = "db", doc = "Name of the database service."),
        "db_volume": attr.string(default = "postgres_data", doc = "Named volume that keeps the database's data."),
        "db_user": attr.string(default = "postgres", doc = "POSTGRES_USER of the database service."),
        "db_name": attr.string(default = "postgres", doc = "POSTGRES_DB of the database service."),
        "db_secret_env": attr.string_list(doc = "e.g. [\"POSTGRES_PASSWORD\"]; without it the database trusts the Compose network."),
    },
)
