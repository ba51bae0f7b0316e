#!/usr/bin/env bash
# Set up, then run the main job on the bundled examples, with every report written to ./out:
#   1. acme-cx: cxgov's builtin packs (EU residency, GDPR, SOC 2, AI Act, accessibility) over a CX
#      assistant's descriptor, Kubernetes manifests and Terraform plan, in a non-compliant and a
#      compliant variant;
#   2. chatbot: a team's own conftest-style policies, with their unit tests.
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

cd examples/acme-cx/noncompliant
run 1 "acme-cx, non-compliant: the builtin packs find what is wrong" \
  check cxgov k8s terraform/plan.json --evaluation-date "$DATE" --waivers waivers.yaml \
  -o text -o "sarif=$OUT/acme-cx.sarif" -o "junit=$OUT/acme-cx-junit.xml" -o "json=$OUT/acme-cx.json" \
  -o "markdown=$OUT/acme-cx.md"
cd ../compliant
run 0 "acme-cx, compliant: the same system, fixed" check cxgov k8s terraform/plan.json --evaluation-date "$DATE"

cd ../../chatbot
run 0 "chatbot: the team's own conftest-style policy tests" policy test policy
run 1 "chatbot: the team's own policies over its manifests and plan" \
  check k8s terraform/plan.json --no-builtin --evaluation-date "$DATE" -o text -o "sarif=$OUT/chatbot.sarif"

# drift: the compliant variant is the approved baseline, the non-compliant one the live system
cd ../acme-cx/compliant
run 0 "drift: record the approved baseline" check cxgov k8s terraform/plan.json --evaluation-date "$DATE" \
  -o "json=$OUT/drift-baseline.json"
rm -f "$OUT"/drift.db*
run 1 "drift: what changed since the approved baseline, recorded in a history" \
  drift check --baseline "$OUT/drift-baseline.json" --current "$OUT/acme-cx.json" --state "$OUT/drift.db" \
  -o text -o "markdown=$OUT/drift.md" -o "json=$OUT/drift.json" --metrics "$OUT/drift.prom"
run 0 "drift: the history and time to remediate" drift history --state "$OUT/drift.db" --limit 5

echo
echo "reports in $OUT/ (SARIF for code scanning, JUnit, JSON, Markdown); the control catalog: cxgov controls"
