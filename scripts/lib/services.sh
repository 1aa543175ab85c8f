# Shell helpers to start throwaway services on loopback for the main job, tests and benchmarks.
# Source it; every service writes under a directory the caller owns and cleans up.

# A free TCP port on 127.0.0.1.
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_http URL [SECONDS]: polls until the URL answers (any HTTP status), bounded.
wait_for_http() {
  local url=$1 limit=${2:-30} i
  for ((i = 0; i < limit * 10; i++)); do
    if curl -s -o /dev/null "$url"; then return 0; fi
    sleep 0.1
  done
  echo "service at $url did not answer within ${limit}s" >&2
  return 1
}

# start_registry DIR: runs Debian's docker-registry on 127.0.0.1:<free port> with storage in
# DIR; sets REGISTRY_ADDR (host:port) and REGISTRY_PID.
start_registry() {
  local dir=$1 port
  port=$(free_port)
  mkdir -p "$dir/storage"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  REGISTRY_PID=$!
  REGISTRY_ADDR=127.0.0.1:$port
  wait_for_http "http://$REGISTRY_ADDR/v2/" 30
}

# start_nginx_cache DIR: nginx with WebDAV PUT on 127.0.0.1:<free port> as a Bazel HTTP
# remote cache; sets CACHE_URL and CACHE_PID; the cache's bytes live in DIR/cache.
start_nginx_cache() {
  local dir=$1 port
  port=$(free_port)
  mkdir -p "$dir/cache" "$dir/tmp"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
user $(id -un) $(id -gn);
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events {}
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp;
  scgi_temp_path $dir/tmp;
  server {
    listen 127.0.0.1:$port;
    root $dir/cache;
    client_max_body_size 0;
    location / {
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }
  }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir" >"$dir/nginx.out" 2>&1 &
  CACHE_PID=$!
  CACHE_URL=http://127.0.0.1:$port
  wait_for_http "$CACHE_URL/" 30
}

# copy_tree SRC DEST: the repository's files (tracked and new, not ignored) without .git, so a
# test can build "another clone" that includes uncommitted work.
copy_tree() {
  local src=$1 dest=$2
  mkdir -p "$dest"
  (cd "$src" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' | tar --null -T - -cf -) | tar -C "$dest" -xf -
}

# bazel_outputs TARGET [BAZEL_FLAGS...]: the paths (relative to the workspace) of a target's
# output files. Bazel 4.2 has no `cquery --output=files`, so ask Starlark for them.
bazel_outputs() {
  local target=$1
  shift
  bazel cquery "$@" --output=starlark \
    --starlark:expr='"\n".join([f.path for f in target.files.to_list()])' "$target" 2>/dev/null
}

# start_postgres DIR: Debian's PostgreSQL 15 on 127.0.0.1:<free port>, data in DIR, a database
# and trusted user named "bookstore"; sets PG_PORT and PG_URL. As root it runs the server as the
# postgres system user (PostgreSQL refuses to run as root). stop_postgres DIR stops it.
start_postgres() {
  local dir=$1 bin=/usr/lib/postgresql/15/bin
  local run=()
  PG_PORT=$(free_port)
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$dir/data" -U bookstore --auth=trust >"$dir/initdb.log" 2>&1
  "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
    -o "-k $dir -p $PG_PORT -c listen_addresses=127.0.0.1" start >/dev/null
  "${run[@]}" "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U bookstore bookstore
  PG_URL="postgres://bookstore@127.0.0.1:$PG_PORT/bookstore"
}

stop_postgres() {
  local dir=$1 run=()
  [[ $(id -u) -eq 0 ]] && run=(runuser -u postgres --)
  "${run[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}
