"""`cxgov drift check` against real evidence bundles written by `cxgov audit`, re-running the audit the
bundle's recorded cxgov.yaml describes on the current checkout.

The changes here are in files (descriptor, policy data, config, waivers): the approved example's config
leaves the live registry and widget out, with its reason (test_drift_live.py and test_drift_ui.py drift
those). The test run's shared non-compliant bundle read them live; its drift re-runs read the same ones."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from drift_support import WebhookReceiver, add_us_log_sink, skip_source
from evidence_bundles import AUDIT_TIMEOUT, live_args


@pytest.fixture(scope="module")
def approved(tmp_path_factory):
    """The compliant example with a data override, audited: the approved bundle and the live checkout."""
    base = tmp_path_factory.mktemp("drift-audit")
    system = base / "acme-cx"
    shutil.copytree(ROOT / "examples" / "acme-cx" / "compliant", system)
    (system / "overrides.json").write_text(json.dumps({"cxgov": {"config": {"allowed_registries": []}}}))
    config = (system / "cxgov.yaml").read_text()
    config = config.replace("  builtin: true\n", "  builtin: true\n  data: [overrides.json]\n")
    (system / "cxgov.yaml").write_text(config)
    for source in ("models", "ui"):
        skip_source(system, source, "files only: the live sources drift in their own tests")
    run = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(base / "approved"), "--unsigned",
                    cwd=system, timeout=AUDIT_TIMEOUT)
    assert run.code in (0, 1), run.stderr  # approved as it is: drift is measured from here
    return system, base / "approved.tar.gz"


def drift(system, baseline, *args, date=EVALUATION_DATE, trust=("--allow-unsigned",)):
    # the trust of the baseline is stated, not assumed: the approved bundle was audited --unsigned
    return run_cxgov("drift", "check", "--baseline", str(baseline), *trust, "--state", "state.db",
                     "--evaluation-date", date, *args, cwd=system, timeout=AUDIT_TIMEOUT)


def test_us_log_sink_in_the_checkout_drifts_from_the_approved_bundle_and_restoring_resolves_it(approved):
    system, bundle = approved
    with WebhookReceiver() as hook:
        clean = drift(system, bundle, "--webhook", hook.url)
        assert clean.code == 0 and "NO DRIFT" in clean.stdout, clean.stdout + clean.stderr
        original = add_us_log_sink(system)
        try:
            drifted = drift(system, bundle, "--webhook", hook.url, "-o", "json=drift.json")
        finally:
            (system / "cxgov" / "descriptor.yaml").write_text(original)
        assert drifted.code == 1, drifted.stderr
        report = json.loads((system / "drift.json").read_text())["drift"]
        [res003] = [c for c in report["findings"] if c["rule_id"] == "RES-003"]
        assert res003["change"] == "new" and res003["fails_gate"] and "debug-logs" in res003["messages"][0]
        assert report["inputs"] == [{"subject": "cxgov/descriptor.yaml", "kind": "descriptor", "change": "changed"}]
        assert report["digests"] == []  # same policies, data and config as approved
        restored = drift(system, bundle, "--webhook", hook.url)
        assert restored.code == 0 and "NO DRIFT" in restored.stdout
        assert [b["status"] for b in hook.bodies] == ["drift", "resolved"]


def test_changed_policy_data_and_config_are_named(approved, tmp_path):
    system, bundle = approved
    live = tmp_path / "acme-cx"
    shutil.copytree(system, live)
    (live / "overrides.json").write_text(json.dumps({"cxgov": {"config": {"allowed_registries": []}},
                                                     "team": {"owner": "cx-platform"}}))  # read by no rule
    (live / "cxgov.yaml").write_text((live / "cxgov.yaml").read_text() + "# reviewed again\n")
    run = drift(live, bundle, "-o", "json=drift.json")
    assert run.code == 0, run.stderr
    report = json.loads((live / "drift.json").read_text())["drift"]
    # the policy digest names the Rego sources and the data evaluated (one function everywhere), so a
    # data change moves it too; "data" says which part changed, and the sources alone are unchanged
    assert [d["name"] for d in report["digests"]] == ["config", "data", "policy"]


def test_expired_waiver_is_reported_by_date(noncompliant_bundle, acme_registry, acme_ui, tmp_path):
    live = tmp_path / "live"
    shutil.copytree(noncompliant_bundle.variant, live)
    acme_registry.noncompliant()  # the registry as the bundle saw it, whatever other tests did since
    run = drift(live, noncompliant_bundle.archive, "-o", "text", "-o", "json=drift.json",
                *live_args(acme_registry, acme_ui, "noncompliant"), date="2027-02-01",
                trust=("--public-key", str(noncompliant_bundle.public_key)))  # signed: its own key
    assert run.code == 1, run.stderr
    report = json.loads((live / "drift.json").read_text())["drift"]
    [expired] = [c for c in report["findings"] if c["change"] == "waiver-expired"]
    assert (expired["rule_id"], expired["waiver_expired_on"], expired["after"]) == ("SOC2-CC7.1-01", "2027-01-31",
                                                                                    "deny")
    assert "(waiver expired 2027-01-31)  FAILS GATE" in run.stdout


def test_an_unreadable_bundle_is_an_errored_run(approved, tmp_path):
    system, _ = approved
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tarball")
    run = drift(system, broken, "--state", str(tmp_path / "s.db"))
    assert run.code == 2 and "broken.tar.gz" in run.stderr
    history = json.loads(run_cxgov("drift", "history", "--state", str(tmp_path / "s.db"), "-o", "json").stdout)
    assert [r["status"] for r in history["runs"]] == ["errored"]
