#!/usr/bin/env bash
# Set up govkg on a fresh Debian machine: system packages, a virtual environment in
# .venv, and the package with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Java runs HermiT, the OWL reasoner bundled with owlready2.
if ! command -v java >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq default-jre-headless >/dev/null
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[dev]'
# The local FalkorDB server (Bolt) that the Neo4j tests start; see docs/neo4j.md.
scripts/setup_falkordb.sh .venv
