#!/usr/bin/python3
"""Runs an unpacked OCI bundle (umoci unpack) under bubblewrap, as a container runtime would.

It follows the bundle's runtime spec (config.json), which umoci derives from the image config:
process.args (Entrypoint + Cmd), process.env, process.cwd and process.user (uid/gid). The (throwaway)
root filesystem is bound writable (as a container layer would be), with fresh /proc, /dev and /tmp, every namespace unshared except
the network (so the app can be reached on loopback). Extra environment: KEY=VALUE arguments
after the bundle directory. Extra args after "--" replace Cmd (like `docker run IMAGE ARGS`)."""
import json
import os
import sys


def image_config(layout):
    """The image config of LAYOUT_DIR:TAG (an OCI layout), needed to replace Cmd."""
    if not layout:
        sys.exit("run_bundle.py: replacing Cmd needs --layout=DIR:TAG")
    root, tag = layout.rsplit(":", 1)
    blob = lambda d: os.path.join(root, "blobs", *d.split(":", 1))
    index = json.load(open(os.path.join(root, "index.json")))
    for m in index["manifests"]:
        if (m.get("annotations") or {}).get("org.opencontainers.image.ref.name") == tag:
            manifest = json.load(open(blob(m["digest"])))
            return json.load(open(blob(manifest["config"]["digest"])))
    sys.exit(f"run_bundle.py: no tag {tag} in {root}")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: run_bundle.py [--layout=DIR:TAG] BUNDLE_DIR [KEY=VALUE...] [-- ARGS...]")
    argv = sys.argv[1:]
    layout = None
    if argv and argv[0].startswith("--layout="):
        layout = argv.pop(0)[len("--layout="):]
    bundle = argv[0]
    rest = argv[1:]
    extra_args = None
    if "--" in rest:
        i = rest.index("--")
        rest, extra_args = rest[:i], rest[i + 1:]
    spec = json.load(open(os.path.join(bundle, "config.json")))
    proc = spec["process"]
    args = proc["args"]
    if extra_args is not None:
        # The runtime spec joins Entrypoint and Cmd; the image config says where one ends.
        entry = (image_config(layout).get("config") or {}).get("Entrypoint") or []
        args = args[:len(entry)] + extra_args
    env = dict(e.split("=", 1) for e in proc.get("env", []))
    for kv in rest:
        k, v = kv.split("=", 1)
        env[k] = v
    user = proc.get("user", {})
    cmd = [
        "bwrap",
        "--bind", os.path.join(bundle, "rootfs"), "/",
        "--proc", "/proc",
        "--dev", "/dev",
        "--tmpfs", "/tmp",
        "--unshare-all", "--share-net", "--unshare-user",
        "--uid", str(user.get("uid", 0)),
        "--gid", str(user.get("gid", 0)),
        "--chdir", proc.get("cwd", "/"),
        "--die-with-parent",
        "--clearenv",
    ]
    for k, v in sorted(env.items()):
        cmd += ["--setenv", k, v]
    cmd += ["--"] + args
    os.execvp("bwrap", cmd)


if __name__ == "__main__":
    main()
