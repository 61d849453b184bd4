#!/usr/bin/env bash
# A PostgreSQL server for the tests (test/helpers/postgres.ts): one that answers on the local
# socket as it is; else the installed cluster, started; else Debian's postgresql, installed and
# started. Then a superuser role for whoever runs the tests (peer auth on the socket).
set -euo pipefail
me=$(id -un)
answers() { psql -h /var/run/postgresql -d postgres -Atc 'select 1' >/dev/null 2>&1 || su postgres -c "psql -h /var/run/postgresql -d postgres -Atc 'select 1'" >/dev/null 2>&1; }
if ! answers; then
  if ! command -v pg_lsclusters >/dev/null || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    echo "ci-postgres: installing postgresql from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  read -r version cluster _ < <(pg_lsclusters -h | head -n 1)
  echo "ci-postgres: starting cluster $version/$cluster"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
  for _ in $(seq 1 30); do answers && break; sleep 1; done
fi
answers || { echo "ci-postgres: no PostgreSQL server answers on /var/run/postgresql" >&2; exit 1; }
if [ "$me" != postgres ] && ! su postgres -c "psql -h /var/run/postgresql -d postgres -Atc \"select 1 from pg_roles where rolname = '$me'\"" | grep -q 1; then
  su postgres -c "createuser -h /var/run/postgresql -s '$me'"
fi
psql -h /var/run/postgresql -d postgres -Atc 'select version()'
