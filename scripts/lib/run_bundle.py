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


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: run_bundle.py BUNDLE_DIR [KEY=VALUE...] [-- ARGS...]")
    bundle = sys.argv[1]
    rest = sys.argv[2:]
    extra_args = None
    if "--" in rest:
        i = rest.index("--")
        rest, extra_args = rest[:i], rest[i + 1:]
    spec = json.load(open(os.path.join(bundle, "config.json")))
    proc = spec["process"]
    args = proc["args"]
    image_config = {}
    # umoci keeps the image config beside the bundle; it says which args are Entrypoint vs Cmd.
    umoci_meta = os.path.join(bundle, "umoci.json")
    if extra_args is not None:
        entry_len = 0
        if os.path.exists(umoci_meta):
            meta = json.load(open(umoci_meta))
            image_config = meta.get("config", {}) or {}
        entry = (image_config.get("config") or {}).get("Entrypoint") or []
        entry_len = len(entry)
        args = args[:entry_len] + extra_args
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
