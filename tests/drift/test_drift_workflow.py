"""The scheduled drift workflow: what it restores, runs, keeps and reports, read from the file itself."""

from __future__ import annotations

import re

from conftest import ROOT
from cxgov.sources.readers import read_one

WORKFLOW = ROOT / ".github" / "workflows" / "drift.yml"


def workflow() -> dict:
    return read_one(WORKFLOW).value  # YAML 1.2: the `on` key stays a string


def steps() -> list[dict]:
    [job] = workflow()["jobs"].values()
    return job["steps"]


def step(name_part: str) -> dict:
    [found] = [s for s in steps() if name_part in s.get("name", "")]
    return found


def test_runs_on_a_schedule_with_only_the_permissions_it_needs():
    w = workflow()
    assert w["on"]["schedule"][0]["cron"] and "workflow_dispatch" in w["on"]
    assert w["permissions"] == {"contents": "read", "issues": "write"}
    assert w["concurrency"]["cancel-in-progress"] is False  # a run never cuts another's history write


def test_restores_baseline_and_state_before_the_check_and_saves_state_after():
    names = [s.get("name", s.get("uses", "")) for s in steps()]
    order = [next(i for i, n in enumerate(names) if part in n) for part in
             ("Restore the approved baseline", "Restore the drift history", "Check for drift",
              "Save the drift history", "Upload the report", "drift issue", "Fail on drift")]
    assert order == sorted(order)
    restore, save = step("Restore the drift history"), step("Save the drift history")
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    assert restore["with"]["path"] == save["with"]["path"] == ".cxgov-drift"
    assert save["if"] == "always()"  # an errored or failing run is history too
    assert "gh release download" in step("Restore the approved baseline")["run"]


def test_the_check_writes_every_report_and_never_hides_its_exit_code():
    run = step("Check for drift")["run"]
    command = " ".join(line.strip().rstrip("\\") for line in run.splitlines())
    assert re.search(r"cxgov drift check --baseline \"\$BASELINE\" --state \.cxgov-drift/state\.db", command)
    # the baseline is trusted only through the key pinned in the repository, never by the bundle's own
    assert '--public-key "$BASELINE_KEY"' in command
    assert "--allow-untrusted" not in command and "--allow-unsigned" not in command
    restore = step("Restore the approved baseline")
    assert restore["env"]["BASELINE_PUBLIC_KEY"] == "${{ secrets.CXGOV_BASELINE_PUBLIC_KEY }}"
    assert 'if [ -z "$BASELINE_PUBLIC_KEY" ]' in restore["run"] and "exit 2" in restore["run"]  # fails closed
    assert 'echo "BASELINE_KEY=' in restore["run"]
    for part in ("markdown=drift-report/drift.md", "json=drift-report/drift.json", "--metrics", "--report-url"):
        assert part in command
    assert 'echo "exit-code=$code" >> "$GITHUB_OUTPUT"' in run
    fail = step("Fail on drift")
    assert fail["if"] == "steps.drift.outputs.exit-code != '0'" and "exit 1" in fail["run"]
    upload = step("Upload the report")
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["if"] == "always()"


def test_opens_updates_or_closes_one_labelled_issue_per_drift():
    issue = step("drift issue")
    assert issue["uses"].startswith("actions/github-script@")
    script = issue["with"]["script"]
    for call in ("issues.create(", "issues.update(", "issues.createComment(", "listForRepo"):
        assert call in script
    assert "cxgov-drift-fingerprint" in script  # the same drift never posts twice
    assert script.count("{") == script.count("}") and script.count("(") == script.count(")")
