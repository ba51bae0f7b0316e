#!/usr/bin/env bash
# Set up, then run the main job on the bundled examples, with every report written to ./out:
#   1. acme-cx: cxgov's builtin packs (EU residency, GDPR, SOC 2, AI Act, accessibility) over a CX
#      assistant's descriptor, Kubernetes manifests and Terraform plan, in a non-compliant and a
#      compliant variant;
#      then `cxgov audit` of both variants into evidence bundles signed with the demo's key,
#      verified, replayed and diffed as an auditor would, trusting only that key's public half;
#   2. acme-cx's chat widget scanned with axe-core in headless Chromium (cxgov wcag), served locally;
#   3. chatbot: a team's own conftest-style policies, with their unit tests;
#   4. cxgov drift: the fixed bundle as the approved baseline, against the live registry (its
#      production alias moved since) and against the non-compliant audit's signed bundle.
# acme-cx's model comes from an MLflow registry: the demo starts a local `mlflow server` (sqlite, in a
# temporary directory), seeds it with model_registry/seed_registry.py and stops it on exit. Its chat
# widget, declared at https://www.acme-shop.eu/help, is served from examples/acme-cx/ui on 127.0.0.1
# (broken/ for the non-compliant variant, fixed/ for the compliant one) and scanned there
# (--ui-base-url). `check` and `audit` read both alike; each variant's audit runs while the registry
# is in that variant's state (the compliant one before the unapproved promotion).
# Set-up installs only what the demo runs: cxgov with its runtime dependencies and the `demo` extra
# (a full mlflow, for the local registry), not the test suite's extras.
# The test suite runs it too, with CXGOV_DEMO_NO_SETUP=1, CXGOV (the command) and CXGOV_DEMO_OUT set.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${CXGOV_DEMO_NO_SETUP:-}" ] || CXGOV_EXTRAS=demo ./scripts/setup.sh
CXGOV="${CXGOV:-$PWD/.venv/bin/cxgov}"
OUT="${CXGOV_DEMO_OUT:-$PWD/out}"
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
KEYS="$(mktemp -d)"  # a throwaway signing key for the demo's audit; a real one lives in a CI secret
UI_LOG="$(mktemp)"
UI_PID=""
cleanup() {
  stop_registry
  [ -z "$UI_PID" ] || kill "$UI_PID" 2>/dev/null || true
  rm -rf "$KEYS" "$UI_LOG"
}
trap cleanup EXIT
echo "== starting a local MLflow registry"
export MLFLOW_TRACKING_URI
MLFLOW_TRACKING_URI="$("$PY" model_registry/local_server.py --workdir "$REGISTRY_DIR" --detach --pid-file "$REGISTRY_DIR/pid")"
"$PY" model_registry/seed_registry.py --tracking-uri "$MLFLOW_TRACKING_URI" --scenario acme-compliant
"$PY" model_registry/seed_registry.py --tracking-uri "$MLFLOW_TRACKING_URI" --scenario contract
echo "   $MLFLOW_TRACKING_URI (overrides the descriptor's models[].tracking_uri)"

# the launch owner's signing key; every bundle reader below trusts only its public half (--public-key),
# published beside the reports as an auditor would receive it (never the key a bundle names)
"$CXGOV" evidence keygen --out "$KEYS/demo-signing.key" >/dev/null
PUB="$OUT/demo-signing.key.pub"
cp "$KEYS/demo-signing.key.pub" "$PUB"

echo "== serving the example chat widget"
"$PY" examples/acme-cx/ui/serve.py >"$UI_LOG" &
UI_PID=$!
for _ in $(seq 50); do [ -s "$UI_LOG" ] && break; sleep 0.1; done
UI_URL="$(head -n1 "$UI_LOG")"
[ -n "$UI_URL" ] || { echo "demo: the example UI server did not start" >&2; exit 1; }
echo "   $UI_URL (the UI scans' --ui-base-url)"

cd examples/acme-cx/compliant
run 0 "acme-cx, compliant: production points at the approved model version 14, the widget is fixed" \
  check cxgov k8s terraform/plan.json --evaluation-date "$DATE" --ui-base-url "${UI_URL}fixed"
# the launch owner's audit of the fixed system, while the registry is in its compliant state: the
# model versions come from the local registry (MLFLOW_TRACKING_URI), the widget from the local copy
run 0 "acme-cx, compliant: cxgov audit writes the fixed system's evidence bundle" \
  audit cxgov.yaml --evaluation-date "$DATE" --key "$KEYS/demo-signing.key" --out "$OUT/acme-cx-fixed-bundle" \
  --overwrite \
  --ui-base-url "${UI_URL}fixed"
echo
echo "== someone promotes an unapproved model version to production"
"$PY" ../../../model_registry/seed_registry.py --tracking-uri "$MLFLOW_TRACKING_URI" --scenario acme-promote-unapproved
cd ../noncompliant
run 1 "acme-cx, non-compliant: the builtin packs find what is wrong (the moved alias and the broken widget included)" \
  check cxgov k8s terraform/plan.json --evaluation-date "$DATE" --waivers waivers.yaml \
  --ui-base-url "${UI_URL}broken" --ui-artifacts "$OUT/acme-cx-ui" \
  -o text -o "sarif=$OUT/acme-cx.sarif" -o "junit=$OUT/acme-cx-junit.xml" -o "json=$OUT/acme-cx.json" \
  -o "markdown=$OUT/acme-cx.md"
run 1 "model registry: a version meeting the contract and one breaking every rule" \
  models check cx-intent-router@production cx-intent-router@challenger --evaluation-date "$DATE" \
  -o text -o "sarif=$OUT/models.sarif"

# the launch owner's audit: a signed evidence bundle, then what an auditor does with it offline
run 1 "acme-cx, non-compliant: cxgov audit writes a signed evidence bundle (and fails the gate)" \
  audit cxgov.yaml --evaluation-date "$DATE" --key "$KEYS/demo-signing.key" --out "$OUT/acme-cx-bundle" \
  --overwrite --ui-base-url "${UI_URL}broken" -o "text=$OUT/acme-cx-audit.txt"
run 0 "auditor: the bundle is intact and signed by the published key" \
  evidence verify "$OUT/acme-cx-bundle.tar.gz" --public-key "$PUB"
run 0 "auditor: re-evaluating the bundled inputs reproduces findings.json byte for byte" \
  evidence replay "$OUT/acme-cx-bundle.tar.gz" --public-key "$PUB"
run 1 "auditor: what the fix resolved, control by control" \
  evidence diff "$OUT/acme-cx-bundle.tar.gz" "$OUT/acme-cx-fixed-bundle.tar.gz" --public-key "$PUB"

cd ../ui
run 1 "acme-cx chat widget: cxgov wcag on the broken page, closed and open (screenshots in out/wcag)" \
  wcag "${UI_URL}broken/help/" --states demo-states.yaml --artifacts "$OUT/wcag" --evaluation-date "$DATE" \
  -o text -o "sarif=$OUT/wcag.sarif"

# the non-compliant run again, split as two CI matrix jobs would split it, then merged into one verdict
cd ../noncompliant
for i in 1 2; do
  run 0 "acme-cx, shard $i/2 (fail-on never: the merge gates)" \
    check cxgov k8s terraform/plan.json --evaluation-date "$DATE" --waivers waivers.yaml \
    --ui-base-url "${UI_URL}broken" --shard "$i/2" --fail-on never -o "json=$OUT/acme-cx-shard-$i.json" -o text
done
run 1 "acme-cx, the shards merged: the same verdict as one run" \
  merge "$OUT/acme-cx-shard-1.json" "$OUT/acme-cx-shard-2.json" --fail-on deny -o text

cd ../../chatbot
run 0 "chatbot: the team's own conftest-style policy tests" policy test policy
run 1 "chatbot: the team's own policies over its manifests and plan" \
  check k8s terraform/plan.json --no-builtin --evaluation-date "$DATE" -o text -o "sarif=$OUT/chatbot.sarif"

# drift: the compliant bundle is the approved baseline; first the live system re-audited as that bundle
# records it (the registry's production alias has moved since), then the non-compliant audit's signed bundle
cd ../acme-cx/compliant
rm -f "$OUT"/drift.db*
run 1 "drift: the approved audit re-run on the live registry and widget names the moved production alias" \
  drift check --baseline "$OUT/acme-cx-fixed-bundle.tar.gz" --public-key "$PUB" --state "$OUT/drift.db" \
  --evaluation-date "$DATE" --ui-base-url "${UI_URL}fixed" -o text
run 1 "drift: what changed since the approved baseline, recorded in a history" \
  drift check --baseline "$OUT/acme-cx-fixed-bundle.tar.gz" --public-key "$PUB" --current "$OUT/acme-cx-bundle.tar.gz" \
  --state "$OUT/drift.db" -o text -o "markdown=$OUT/drift.md" -o "json=$OUT/drift.json" --metrics "$OUT/drift.prom"
run 0 "drift: the history and time to remediate" drift history --state "$OUT/drift.db" --limit 5

echo
echo "reports in $OUT/ (SARIF for code scanning, JUnit, JSON, Markdown; UI screenshots and axe JSON in"
echo "acme-cx-ui/ and wcag/) and the evidence bundles ($OUT/acme-cx-bundle/ and .tar.gz; how to check"
echo "one without cxgov: evidence/FORMAT.md)"
