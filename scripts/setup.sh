#!/usr/bin/env bash
# Installs the system packages Workbench needs (Debian/Ubuntu). Idempotent: does nothing when all are present.
# Usage: scripts/setup.sh [--test]
set -euo pipefail
packages=(libsqlite3-dev sqlite3 libcurl4-openssl-dev zlib1g-dev gnuplot-nox)
# --test (scripts/test.sh): also the tools the test suite checks the reports with — tidy validates each shipped
# index.html, headless chromium screenshots it. Workbench itself needs neither.
# r-base-core: Rscript for the `r` scripted cells' tests (WORKBENCH_REQUIRE_ORACLES=1 makes them mandatory).
# prometheus: promtool checks `workbench serve`'s /metrics; wrk: bench/serve's load generator; curl: the serving tests' client.
if [ "${1:-}" = "--test" ]; then packages+=(tidy chromium r-base-core prometheus wrk curl); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
