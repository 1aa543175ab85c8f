# A throwaway Docker engine for end-to-end tests: Debian's dockerd with vfs storage, no
# iptables and no default bridge, its data, exec root, pidfile and socket under a directory the
# caller owns, in a network namespace of its own. Source it (after services.sh).
#
# Why a network namespace: Compose files publish fixed host ports ("8000:8000") and tests run
# beside other tests on one machine; inside its own namespace the engine's published ports, the
# registry it pulls from (always 127.0.0.1:5000 there) and its containers reach nothing outside
# and collide with nothing. The docker CLI talks to the engine through the socket (a file, so it
# works across namespaces); `in_docker_net CMD...` runs a host command (curl, a push, the
# registry) inside the namespace, where the published ports and the registry are.
#
#   start_dockerd DIR || { rc=$?; ((rc == 2)) && { echo "SKIP: ..."; exit 0; }; exit 1; }
#   trap 'stop_dockerd' EXIT        # or call it from the caller's cleanup
#
# DOCKERD_TMPFS_SIZE=SIZE (e.g. 6g) puts the engine's data root on a tmpfs of that size: vfs
# copies an image's whole file system for every layer it pulls and every container it creates
# (and deletes as much again), which on a shared disk costs tens of seconds each; in memory it
# is the same driver doing the same copies, only fast, and stop_dockerd's unmount frees it all
# at once. When the mount is refused the data root stays on disk (with a note).
#
# start_dockerd returns 2 only when the kernel refuses (no network namespaces, no cgroups, no
# overlay of privileges): the message is in DOCKERD_SKIP_REASON. Any other failure returns 1
# with the engine's log tail printed. It sets DOCKERD_PID, DOCKERD_DIR, DOCKER_HOST (exported)
# and DOCKER (Debian's client, /usr/bin/docker: the CLI the package under test ships with).

DOCKER=/usr/bin/docker
DOCKERD_PID=
DOCKERD_DIR=
DOCKER_REGISTRY_PID=
DOCKERD_SKIP_REASON=

_dockerd_kernel_refused() {  # the log says the kernel (not our flags) stopped the engine
  grep -qiE "operation not permitted|permission denied|not supported|cgroup|kernel|unshare failed" "$1"
}

start_dockerd() {
  local dir=$1 i
  DOCKERD_DIR=$dir
  mkdir -p "$dir"
  if [[ $(id -u) -ne 0 ]]; then
    DOCKERD_SKIP_REASON="dockerd needs root (running as uid $(id -u))"
    return 2
  fi
  if [[ -n "${DOCKERD_TMPFS_SIZE:-}" ]]; then
    mkdir -p "$dir/data"
    mount -t tmpfs -o "size=$DOCKERD_TMPFS_SIZE,mode=0711" stowage-dockerd "$dir/data" ||
      echo "   (no tmpfs of $DOCKERD_TMPFS_SIZE for the engine's data: it stays on disk)" >&2
  fi
  # unshare without --fork execs in the new namespace, and sh execs dockerd: $! is dockerd.
  unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh \
    dockerd --storage-driver vfs --iptables=false --ip-masq=false --bridge=none \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    -H "unix://$dir/docker.sock" >"$dir/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  export DOCKER_HOST="unix://$dir/docker.sock"
  for ((i = 0; i < 300; i++)); do  # 60 s at most
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    if "$DOCKER" version >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  if kill -0 "$DOCKERD_PID" 2>/dev/null; then
    echo "dockerd did not answer on $DOCKER_HOST within 60s; last lines of its log:" >&2
    tail -n 10 "$dir/dockerd.log" | sed 's/^/   | /' >&2
    return 1
  fi
  DOCKERD_PID=
  if _dockerd_kernel_refused "$dir/dockerd.log"; then
    DOCKERD_SKIP_REASON="the kernel refused to run dockerd here: $(grep -iE "operation not permitted|permission denied|not supported|cgroup|kernel|unshare failed" "$dir/dockerd.log" | tail -n 1)"
    return 2
  fi
  echo "dockerd exited for a reason other than the kernel refusing it; last lines of its log:" >&2
  tail -n 10 "$dir/dockerd.log" | sed 's/^/   | /' >&2
  return 1
}

# in_docker_net CMD...: runs CMD in the engine's network namespace (nsenter joins it and execs:
# the pid of a backgrounded in_docker_net is CMD's own).
in_docker_net() {
  nsenter --net="/proc/$DOCKERD_PID/ns/net" -- "$@"
}

# start_docker_registry: Debian's docker-registry on 127.0.0.1:5000 inside the engine's
# namespace (dockerd treats 127.0.0.0/8 as an insecure registry, so plain HTTP works there).
# Sets DOCKER_REGISTRY (host:port as the engine and in_docker_net commands see it).
start_docker_registry() {
  local dir=$DOCKERD_DIR/registry i
  mkdir -p "$dir/storage"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
http:
  addr: 127.0.0.1:5000
YAML
  nsenter --net="/proc/$DOCKERD_PID/ns/net" -- docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  DOCKER_REGISTRY_PID=$!
  DOCKER_REGISTRY=127.0.0.1:5000
  for ((i = 0; i < 300; i++)); do
    if in_docker_net curl -s -o /dev/null "http://$DOCKER_REGISTRY/v2/"; then return 0; fi
    kill -0 "$DOCKER_REGISTRY_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "docker-registry did not start in the engine's namespace:" >&2
  tail -n 5 "$dir/registry.log" >&2
  return 1
}

# wait_for_docker_net_http URL [SECONDS]: like wait_for_http, from inside the engine's namespace.
wait_for_docker_net_http() {
  local url=$1 limit=${2:-30} i
  for ((i = 0; i < limit * 10; i++)); do
    if in_docker_net curl -s -o /dev/null "$url"; then return 0; fi
    sleep 0.1
  done
  echo "service at $url (engine namespace) did not answer within ${limit}s" >&2
  return 1
}

# stop_dockerd: removes every container, stops the engine by its pid (SIGTERM, then SIGKILL
# after 30 s), stops the registry, then checks that no process of this engine is left (a
# containerd shim names the engine's exec root on its command line) and removes the directory.
stop_dockerd() {
  local dir=$DOCKERD_DIR p left i
  [[ -n "$DOCKER_REGISTRY_PID" ]] && kill "$DOCKER_REGISTRY_PID" 2>/dev/null || true
  DOCKER_REGISTRY_PID=
  if [[ -n "$DOCKERD_PID" ]]; then
    local ids
    ids=$(timeout 30 "$DOCKER" ps -aq 2>/dev/null || true)
    [[ -n "$ids" ]] && timeout 60 "$DOCKER" rm -f $ids >/dev/null 2>&1 || true
    kill "$DOCKERD_PID" 2>/dev/null || true
    timeout 30 tail --pid="$DOCKERD_PID" -f /dev/null 2>/dev/null || kill -9 "$DOCKERD_PID" 2>/dev/null || true
    DOCKERD_PID=
  fi
  [[ -n "$dir" && -d "$dir" ]] || return 0
  for ((i = 0; i < 50; i++)); do
    left=$(pgrep -f -- "$(sed 's/[.[\*^$]/\\&/g' <<<"$dir")/" || true)
    [[ -z "$left" ]] && break
    sleep 0.2
  done
  if [[ -n "$left" ]]; then
    echo "stop_dockerd: processes of the engine outlived it, killing them: $(echo $left)" >&2
    for p in $left; do kill -9 "$p" 2>/dev/null || true; done
  fi
  # Mounts a container left behind (shm, netns files) would keep rm -rf from the directory.
  awk -v d="$dir" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$dir"
  DOCKERD_DIR=
}
