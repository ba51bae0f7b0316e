#!/usr/bin/env bash
# Set up, then run the main job on the bundled examples, with every report written to ./out:
#   1. acme-cx: cxgov's builtin packs (EU residency, GDPR, SOC 2, AI Act, accessibility) over a CX
#      assistant's descriptor, Kubernetes manifests and Terraform plan, in a non-compliant and a
#      compliant variant;
#   2. acme-cx's chat widget scanned with axe-core in headless Chromium (cxgov wcag), served locally;
#   3. chatbot: a team's own conftest-style policies, with their unit tests.
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

# The acme-cx descriptors declare their chat widget at https://www.acme-shop.eu/help; the demo serves
# a copy of it on 127.0.0.1 (broken/ for the non-compliant variant, fixed/ for the compliant one)
# and points the UI scans there with --ui-base-url.
UI_LOG="$(mktemp)"
.venv/bin/python examples/acme-cx/ui/serve.py >"$UI_LOG" &
UI_PID=$!
trap 'kill "$UI_PID" 2>/dev/null || true; rm -f "$UI_LOG"' EXIT
for _ in $(seq 50); do [ -s "$UI_LOG" ] && break; sleep 0.1; done
UI_URL="$(head -n1 "$UI_LOG")"
[ -n "$UI_URL" ] || { echo "demo: the example UI server did not start" >&2; exit 1; }

cd examples/acme-cx/noncompliant
run 1 "acme-cx, non-compliant: the builtin packs find what is wrong (UI scanned on ${UI_URL}broken)" \
  check cxgov k8s terraform/plan.json --evaluation-date "$DATE" --waivers waivers.yaml \
  --ui-base-url "${UI_URL}broken" --ui-artifacts "$OUT/acme-cx-ui" \
  -o text -o "sarif=$OUT/acme-cx.sarif" -o "junit=$OUT/acme-cx-junit.xml" -o "json=$OUT/acme-cx.json" \
  -o "markdown=$OUT/acme-cx.md"
cd ../compliant
run 0 "acme-cx, compliant: the same system, fixed" check cxgov k8s terraform/plan.json --evaluation-date "$DATE" \
  --ui-base-url "${UI_URL}fixed"

cd ../ui
run 1 "acme-cx chat widget: cxgov wcag on the broken page, closed and open (screenshots in out/wcag)" \
  wcag "${UI_URL}broken/help/" --states demo-states.yaml --artifacts "$OUT/wcag" --evaluation-date "$DATE" \
  -o text -o "sarif=$OUT/wcag.sarif"

cd ../../chatbot
run 0 "chatbot: the team's own conftest-style policy tests" policy test policy
run 1 "chatbot: the team's own policies over its manifests and plan" \
  check k8s terraform/plan.json --no-builtin --evaluation-date "$DATE" -o text -o "sarif=$OUT/chatbot.sarif"

echo
echo "reports in $OUT/ (SARIF for code scanning, JUnit, JSON, Markdown; UI screenshots and axe JSON in"
echo "acme-cx-ui/ and wcag/); the control catalog: cxgov controls"
