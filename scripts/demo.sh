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

# the non-compliant run again, split as two CI matrix jobs would split it, then merged into one verdict
cd ../noncompliant
for i in 1 2; do
  run 0 "acme-cx, shard $i/2 (fail-on never: the merge gates)" check cxgov k8s terraform/plan.json --evaluation-date "$DATE" --waivers waivers.yaml \
    --shard "$i/2" --fail-on never -o "json=$OUT/acme-cx-shard-$i.json" -o text
done
run 1 "acme-cx, the shards merged: the same verdict as one run" \
  merge "$OUT/acme-cx-shard-1.json" "$OUT/acme-cx-shard-2.json" --fail-on deny -o text
cd ../compliant

cd ../../chatbot
run 0 "chatbot: the team's own conftest-style policy tests" policy test policy
run 1 "chatbot: the team's own policies over its manifests and plan" \
  check k8s terraform/plan.json --no-builtin --evaluation-date "$DATE" -o text -o "sarif=$OUT/chatbot.sarif"

echo
echo "reports in $OUT/ (SARIF for code scanning, JUnit, JSON, Markdown); the control catalog: cxgov controls"
