#!/usr/bin/env bash
# Set up, then run the main job on the bundled examples, with every report written to ./out:
#   1. acme-cx: cxgov's builtin packs (EU residency, GDPR, SOC 2, AI Act, accessibility) over a CX
#      assistant's descriptor, Kubernetes manifests and Terraform plan, in a non-compliant and a
#      compliant variant;
#   2. chatbot: a team's own conftest-style policies, with their unit tests.
# acme-cx's model comes from an MLflow registry: the demo starts a local `mlflow server` (sqlite, in a
# temporary directory), seeds it with model_registry/seed_registry.py and stops it on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
CXGOV="$PWD/.venv/bin/cxgov"
OUT="$PWD/out"
DATE=2026-11-22  # the examples' evidence is dated relative to this evaluation date
mkdir -p "$OUT"

# run "expected exit code" "title" cxgov-args...
run() {
  local want=$1 title=$2
  shift 2
  echo
  echo "== $title"
  echo "   cxgov $*"
  set +e
  "$CXGOV" "$@"
  local code=$?
  set -e
  echo "   exit code $code (0 pass, 1 gate failed, 2 could not check)"
  if [ "$code" -ne "$want" ]; then
    echo "demo: expected exit code $want" >&2
    exit 1
  fi
}

# --- a local model registry for acme-cx (and the model-registry contract's sample versions)
REGISTRY_DIR="$(mktemp -d)"
PY="$PWD/.venv/bin/python"
stop_registry() {  # the server's whole process group, then wait for it before removing its files
  if [ -f "$REGISTRY_DIR/pid" ]; then
    local pid
    pid="$(cat "$REGISTRY_DIR/pid")"
    kill -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$REGISTRY_DIR"
}
trap stop_registry EXIT
echo "== starting a local MLflow registry"
export MLFLOW_TRACKING_URI
MLFLOW_TRACKING_URI="$("$PY" model_registry/local_server.py --workdir "$REGISTRY_DIR" --detach --pid-file "$REGISTRY_DIR/pid")"
"$PY" model_registry/seed_registry.py --tracking-uri "$MLFLOW_TRACKING_URI" --scenario acme-compliant
"$PY" model_registry/seed_registry.py --tracking-uri "$MLFLOW_TRACKING_URI" --scenario contract
echo "   $MLFLOW_TRACKING_URI (overrides the descriptor's models[].tracking_uri)"

cd examples/acme-cx/compliant
run 0 "acme-cx, compliant: production points at the approved model version 14" \
  check cxgov k8s terraform/plan.json --evaluation-date "$DATE"
echo
echo "== someone promotes an unapproved model version to production"
"$PY" ../../../model_registry/seed_registry.py --tracking-uri "$MLFLOW_TRACKING_URI" --scenario acme-promote-unapproved
cd ../noncompliant
run 1 "acme-cx, non-compliant: the builtin packs find what is wrong (the moved alias included)" \
  check cxgov k8s terraform/plan.json --evaluation-date "$DATE" --waivers waivers.yaml \
  -o text -o "sarif=$OUT/acme-cx.sarif" -o "junit=$OUT/acme-cx-junit.xml" -o "json=$OUT/acme-cx.json" \
  -o "markdown=$OUT/acme-cx.md"
run 1 "model registry: a version meeting the contract and one breaking every rule" \
  models check cx-intent-router@production cx-intent-router@challenger --evaluation-date "$DATE" \
  -o text -o "sarif=$OUT/models.sarif"

cd ../../chatbot
run 0 "chatbot: the team's own conftest-style policy tests" policy test policy
run 1 "chatbot: the team's own policies over its manifests and plan" \
  check k8s terraform/plan.json --no-builtin --evaluation-date "$DATE" -o text -o "sarif=$OUT/chatbot.sarif"

echo
echo "reports in $OUT/ (SARIF for code scanning, JUnit, JSON, Markdown); the control catalog: cxgov controls"
