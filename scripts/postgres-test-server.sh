#!/usr/bin/env bash
# Start a PostgreSQL server on loopback for the store's tests, idempotently, on a Debian machine (as root),
# and print its SQLAlchemy URL on stdout (everything else goes to stderr), e.g.
#   export GEOBRIEF_TEST_POSTGRES_URL="$(scripts/postgres-test-server.sh)"
# The role, password, database and port can be changed with PGUSER_TEST, PGPASSWORD_TEST, PGDATABASE_TEST
# and PGPORT_TEST. Running it again reuses the cluster, role and database.
set -euo pipefail

user="${PGUSER_TEST:-geobrief}"
password="${PGPASSWORD_TEST:-geobrief}"
database="${PGDATABASE_TEST:-geobrief_test}"
port="${PGPORT_TEST:-5432}"

if ! command -v pg_lsclusters >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "installing Debian's postgresql ..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
# Debian's package creates the "main" cluster; create it if this machine has none.
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster --port="$port" "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  pg_ctlcluster "$version" main start >&2
fi
cluster_port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"

psql_() { su postgres -c "psql --no-psqlrc -p $cluster_port -v ON_ERROR_STOP=1 -qtA $*"; }
for _ in $(seq 1 30); do  # the server may take a moment to accept connections after a start
  psql_ "-c 'select 1'" >/dev/null 2>&1 && break
  sleep 0.5
done

# Names and password are the script's own (or the caller's) and contain no quotes.
if [ "$(psql_ "-c \"select 1 from pg_roles where rolname = '$user'\"")" != "1" ]; then
  psql_ "-c \"create role \\\"$user\\\" login password '$password'\"" >&2
fi
if [ "$(psql_ "-c \"select 1 from pg_database where datname = '$database'\"")" != "1" ]; then
  psql_ "-c \"create database \\\"$database\\\" owner \\\"$user\\\"\"" >&2
fi

echo "postgresql+psycopg://$user:$password@127.0.0.1:$cluster_port/$database"
