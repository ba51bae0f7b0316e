#!/usr/bin/env bash
# Set up, then run the main job on the bundled example: the policy gate over a chatbot's
# Kubernetes manifests and Terraform plan, with every report written to ./out.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
CXGOV="$PWD/.venv/bin/cxgov"
OUT="$PWD/out"
mkdir -p "$OUT"

cd examples/chatbot
echo
echo "== cxgov policy test (the example's own Rego unit tests)"
"$CXGOV" policy test policy
echo
echo "== cxgov check k8s terraform/plan.json"
set +e
"$CXGOV" check k8s terraform/plan.json --no-builtin --evaluation-date 2026-11-22 \
  -o text -o "sarif=$OUT/cxgov.sarif" -o "junit=$OUT/cxgov-junit.xml" -o "json=$OUT/cxgov.json" \
  -o "markdown=$OUT/cxgov.md"
code=$?
set -e
echo
echo "exit code $code (0 pass, 1 gate failed, 2 could not check); reports in $OUT/"
# the example is deliberately non-compliant: a failed gate (1) is the expected outcome
[ "$code" -eq 1 ]
