#!/bin/sh
# Entrypoint of the PostgreSQL image stowage builds from Debian's pinned postgresql-15 package.
# It follows the official postgres image's contract, the one Compose files (and stowage's
# compose_file) are written against:
#   POSTGRES_USER (default postgres), POSTGRES_DB (default POSTGRES_USER), POSTGRES_PASSWORD,
#   POSTGRES_HOST_AUTH_METHOD (default scram-sha-256; "trust" needs no password), PGDATA
#   (default /var/lib/postgresql/data, the volume). An empty PGDATA is initialised once; a
#   PGDATA that holds a cluster is used as it is. Arguments go to the postgres server.
# It runs as the image's postgres user (never root) and execs the server, so the container's
# stop signal reaches PostgreSQL itself.
set -eu

PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo "postgres image: set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust to allow connections without one" >&2
    exit 1
  fi
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  fi
  # The C locale (UTF-8 encoding, bytewise collation): no locales package is needed.
  initdb --username="$user" --encoding=UTF8 --locale=C --auth-local=trust \
    --auth-host="$auth" ${pwfile:+--pwfile="$pwfile"} >/dev/null
  [ -n "$pwfile" ] && rm -f "$pwfile"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    echo "CREATE DATABASE \"$db\";" | postgres --single -j -D "$PGDATA" postgres >/dev/null
  fi
  echo "postgres image: initialised $PGDATA (user $user, database $db, host auth $auth)"
fi

exec postgres -D "$PGDATA" "$@"
