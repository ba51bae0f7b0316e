#!/usr/bin/env bash
# Set up, then run the whole test suite (real Rego engine, real files; see tests/).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# one worker per core (pytest-xdist); pass -n 0 to run in this process, e.g. under a debugger
exec .venv/bin/python -m pytest -n "${CXGOV_TEST_WORKERS:-auto}" "$@"
