#!/usr/bin/env bash
# Set up govkg on a fresh Debian machine: system packages, a virtual environment in
# .venv, and the package with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages, each only if missing: Java runs HermiT, the OWL reasoner bundled with
# owlready2; Chromium (Debian's, never a download) runs the browser tests of the web pages,
# with a Chinese font so that their screenshots are legible; procps (ps, pgrep, pmap) lets
# the streamed validation's tests see its worker processes, and the benchmarks measure them.
missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
command -v pgrep >/dev/null 2>&1 && command -v ps >/dev/null 2>&1 \
  && command -v pmap >/dev/null 2>&1 || missing+=(procps)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[dev]'
# The local FalkorDB server (Bolt) that the Neo4j tests start; see docs/neo4j.md.
scripts/setup_falkordb.sh .venv
