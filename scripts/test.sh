#!/usr/bin/env bash
# Set up, then run the whole test suite (real Rego engine, real files; see tests/).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# one worker per core (pytest-xdist); pass -n 0 to run in this process, e.g. under a debugger.
# Markers (pyproject.toml; applied by tests/conftest.py from tests/marker_support.py) pick a subset:
#   browser     starts headless Chromium or serves the example widget for it
#   mlflow      starts a real mlflow server, or runs the full mlflow package in the test process
#   opa_server  starts an OPA server (opa, or tests/opa_test_server.py)
#   slow        3 s or more without either (limits and retries waited out on purpose)
# The edit-test loop, about a minute on two cores (CI runs everything):
#   ./scripts/test.sh -n 2 -m "not browser and not mlflow and not slow"
# In that loop a test that starts Chromium, MLflow or an OPA server without its marker fails.
# CLI calls run in the test process unless a test checks the process itself (tests/cli_support.py);
# CXGOV_TEST_CLI=subprocess runs every one as `python -m cxgov`.
exec .venv/bin/python -m pytest -n "${CXGOV_TEST_WORKERS:-auto}" "$@"
