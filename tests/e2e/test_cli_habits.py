"""The habits of conftest, checkov and trivy users, through the real `cxgov check`: choosing rules and
packs, a severity threshold, a baseline, --quiet and --compact, conftest's tap, table and JSON outputs,
the versioned JSON result and its schema, config keys checked and found up to the repository root,
and --version."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import DATA, EVALUATION_DATE, ROOT

BASE = ("check", "--evaluation-date", EVALUATION_DATE)
CONFTEST = ("check", "--no-builtin", "--evaluation-date", EVALUATION_DATE, "files", "-d", "data")


@pytest.fixture
def case(tmp_path):
    """tests/data/conftest: a team's conftest policies (3 deny: 2 high, 1 medium; 2 warn: medium)."""
    target = tmp_path / "case"
    shutil.copytree(DATA / "conftest", target)
    return target


@pytest.fixture
def acme(tmp_path):
    """The non-compliant example's manifests and plan, without a descriptor (no live sources)."""
    target = tmp_path / "acme"
    for part in ("k8s", "terraform"):
        shutil.copytree(ROOT / "examples" / "acme-cx" / "noncompliant" / part, target / part)
    return target


def as_json(run):
    assert run.code in (0, 1), run.stderr
    return json.loads(run.stdout)


def rule_ids(doc) -> set[str]:
    return {f["rule_id"] for f in doc["findings"]}


# --- choosing rules and packs --------------------------------------------------------------------

def test_rule_and_skip_rule_take_ids_and_globs(acme, cxgov):
    everything = as_json(cxgov(*BASE, "k8s", "terraform", "-o", "json", cwd=acme))
    assert {"RES-020", "SOC2-CC6.1-01", "GDPR-5E-01"} <= rule_ids(everything)
    soc2 = as_json(cxgov(*BASE, "k8s", "terraform", "--rule", "SOC2-*", "-o", "json", cwd=acme))
    assert rule_ids(soc2) and all(r.startswith("SOC2-") for r in rule_ids(soc2))
    assert rule_ids(soc2) == {r for r in rule_ids(everything) if r.startswith("SOC2-")}
    # a builtin rule not selected is not evaluated at all: fewer conftest-style tests, not just fewer findings
    assert soc2["verdict"]["counts"]["tests"] < everything["verdict"]["counts"]["tests"]
    assert all(r.startswith("SOC2-") for r in soc2["rules"])
    skipped = as_json(cxgov(*BASE, "k8s", "terraform", "--skip-rule", "RES-020", "--skip-rule", "GDPR-*",
                            "-o", "json", cwd=acme))
    assert rule_ids(skipped) == {r for r in rule_ids(everything) if r != "RES-020" and not r.startswith("GDPR-")}


def test_a_rule_pattern_that_names_nothing_is_an_error(acme, cxgov):
    run = cxgov(*BASE, "k8s", "--rule", "SOC2-CC6.8-1", cwd=acme)
    assert run.code == 2 and "no rule matches 'SOC2-CC6.8-1'" in run.stderr and "SOC2-CC6.8-01" in run.stderr


def test_rules_of_your_own_packages_are_chosen_by_id_too(case, cxgov):
    doc = as_json(cxgov(*CONFTEST, "--rule", "K8S-*", "-o", "json", cwd=case))
    assert rule_ids(doc) == {"K8S-ROOT", "K8S-TAG"}
    assert doc["verdict"]["counts"]["deny"] == 2


def test_pack_chooses_builtin_packs(acme, cxgov):
    doc = as_json(cxgov(*BASE, "k8s", "terraform", "--pack", "residency", "-o", "json", cwd=acme))
    assert rule_ids(doc) and all(r.startswith(("RES-", "TF-")) for r in rule_ids(doc))
    assert all(not r.startswith(("SOC2-", "GDPR-")) for r in doc["rules"])
    both = as_json(cxgov(*BASE, "k8s", "terraform", "--pack", "residency", "--pack", "soc2", "-o", "json", cwd=acme))
    assert any(r.startswith("SOC2-") for r in rule_ids(both)) and not any(r.startswith("GDPR-") for r in rule_ids(both))
    run = cxgov(*BASE, "k8s", "--pack", "residency", "--no-builtin", cwd=acme)
    assert run.code == 2 and "--no-builtin" in run.stderr
    assert cxgov(*BASE, "k8s", "--pack", "residncy", cwd=acme).code == 2


# --- the severity threshold ---------------------------------------------------------------------

def test_severity_is_the_lowest_that_fails_the_gate(case, cxgov):
    critical = cxgov(*CONFTEST, "--severity", "critical", "-o", "json", cwd=case)
    assert critical.code == 0  # every deny is high or medium: reported, not gating
    doc = as_json(critical)
    assert doc["verdict"]["passed"] is True and doc["verdict"]["counts"]["deny"] == 3
    assert doc["verdict"]["counts"]["below_severity"] == 3
    assert cxgov(*CONFTEST, "--severity", "high", cwd=case).code == 1
    text = cxgov(*CONFTEST, "--severity", "critical", cwd=case)
    assert "FAIL" in text.stdout and "3 below the severity threshold, not gating" in text.stdout
    assert text.stdout.splitlines()[-1].startswith("PASS")
    # with --fail-on warn, the medium warnings stay below a high threshold
    assert cxgov(*CONFTEST, "--severity", "high", "--fail-on", "warn", "--rule", "main.warn*", cwd=case).code == 0
    assert cxgov(*CONFTEST, "--severity", "medium", "--fail-on", "warn", "--rule", "main.warn*", cwd=case).code == 1


# --- a baseline ----------------------------------------------------------------------------------

def test_baseline_reports_known_findings_and_fails_on_new_ones(case, cxgov):
    made = cxgov(*CONFTEST, "-o", "json=baseline.json", cwd=case)
    assert made.code == 1
    same = cxgov(*CONFTEST, "--baseline", "baseline.json", "-o", "json", cwd=case)
    assert same.code == 0
    doc = as_json(same)
    assert {f["waiver"]["kind"] for f in doc["findings"]} == {"baseline"}
    assert doc["verdict"]["counts"]["baselined"] == 5
    text = cxgov(*CONFTEST, "--baseline", "baseline.json", cwd=case)
    assert text.code == 0 and "BASELINED" in text.stdout and "known finding, in the baseline baseline.json" in text.stdout
    # a new finding fails; the known ones stay baselined
    app = case / "files" / "app.yaml"
    app.write_text(app.read_text().replace("image: api:latest", "image: api:latest\n        - name: sidecar\n"
                                           "          image: proxy:latest") if "image: api:latest" in app.read_text()
                   else app.read_text())
    (case / "files" / "new.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: new}\nspec:\n"
                                             "  template:\n    spec:\n      containers: [{name: a, image: x:latest}]\n")
    new = cxgov(*CONFTEST, "--baseline", "baseline.json", "-o", "json", cwd=case)
    assert new.code == 1
    active = [f for f in as_json(new)["findings"] if f["waiver"] is None]
    assert active and all(f["subject"].startswith("files/new.yaml") for f in active)
    # a fixed finding is said on stderr, so the baseline can be refreshed
    (case / "files" / "new.yaml").unlink()
    svc = case / "files" / "app.yaml"
    svc.write_text(svc.read_text().replace("type: LoadBalancer", "type: ClusterIP"))
    fixed = cxgov(*CONFTEST, "--baseline", "baseline.json", cwd=case)
    assert fixed.code == 0 and "finding(s) of the baseline baseline.json no longer occur" in fixed.stderr
    missing = cxgov(*CONFTEST, "--baseline", "nope.json", cwd=case)
    assert missing.code == 2 and "nope.json" in missing.stderr  # never "every finding is new"


# --- quiet and compact ---------------------------------------------------------------------------

def test_quiet_shows_only_what_fails_and_compact_one_line_each(case, cxgov):
    full = cxgov(*CONFTEST, cwd=case).stdout
    assert "WARN" in full
    quiet = cxgov(*CONFTEST, "--quiet", cwd=case)
    assert quiet.code == 1 and "WARN " not in quiet.stdout
    assert sum(line.lstrip().startswith("FAIL ") for line in quiet.stdout.splitlines()[:-1]) == 3
    assert quiet.stdout.splitlines()[-1].startswith("FAIL")
    compact = cxgov(*CONFTEST, "--compact", cwd=case).stdout.splitlines()
    findings = [line for line in compact[:-2] if line.startswith(("FAIL ", "WARN "))]
    assert len(findings) == 5 and all(line.split()[1].startswith("files/") for line in findings)
    assert "" not in compact[:-2]  # no blank lines between groups
    assert cxgov(*CONFTEST, "-q", "--compact", cwd=case).stdout.count("WARN") == 0


# --- conftest's formats -----------------------------------------------------------------------------

# A script written against conftest's documented `--output json` (an array of {filename, namespace,
# successes, warnings, failures, exceptions} with results {msg, metadata}), unchanged.
CONFTEST_CONSUMER = textwrap.dedent("""
    import json, sys
    failed = 0
    for result in json.load(sys.stdin):
        for failure in result.get("failures", []):
            print(f"FAIL {result['filename']} [{result['namespace']}] {failure['msg']}")
            failed += 1
        for warning in result.get("warnings", []):
            print(f"WARN {result['filename']} [{result['namespace']}] {warning['msg']}")
        assert isinstance(result["successes"], int)
    print(f"{failed} failures")
    sys.exit(1 if failed else 0)
""")


def test_conftest_json_is_read_by_a_conftest_script_unchanged(case, cxgov):
    run = cxgov(*CONFTEST, "-o", "conftest-json", cwd=case)
    assert run.code == 1 and run.stdout.startswith("[\n\t{")  # conftest's tab indentation
    consumer = subprocess.run([sys.executable, "-c", CONFTEST_CONSUMER], input=run.stdout, capture_output=True,
                              text=True)
    assert consumer.returncode == 1, consumer.stderr
    assert "3 failures" in consumer.stdout
    assert "FAIL files/app.yaml [main] container api uses the latest tag" in consumer.stdout
    assert "WARN files/app.yaml [main] missing app label" in consumer.stdout
    doc = json.loads(run.stdout)
    assert all(set(r) <= {"filename", "namespace", "successes", "skipped", "warnings", "failures", "exceptions"}
               for r in doc)
    assert sum(r["successes"] for r in doc) == 14
    [legacy] = [r for r in doc if r["filename"] == "files/legacy.yaml" and r.get("exceptions")]
    assert legacy["exceptions"] == [{"msg": 'data.main.exception[_][_] == "image_tag"'}]
    violation = next(f for r in doc for f in r.get("failures", []) if f["msg"].startswith("registry"))
    assert violation["metadata"] == {"registry": "docker.io"} and violation["loc"] == {"file": "files/app.yaml",
                                                                                      "line": 2}


def test_conftest_json_names_standard_input_as_conftest_does(case, cxgov):
    text = (case / "files" / "ingress.yaml").read_text()
    run = cxgov("check", "--no-builtin", "--evaluation-date", EVALUATION_DATE, "-", "-p", "network", "-n",
                "kubernetes.network", "-o", "conftest-json", cwd=case, stdin=text)
    assert [r["filename"] for r in json.loads(run.stdout)] == [""]


def test_tap_is_one_valid_stream(case, cxgov):
    run = cxgov(*CONFTEST, "-o", "tap", cwd=case)
    lines = run.stdout.splitlines()
    plan = int(lines[0].removeprefix("1.."))
    tests = [line for line in lines if line.startswith(("ok ", "not ok "))]
    assert plan == len(tests) == 20  # the conftest-style tests
    assert [int(t.split()[1 if t.startswith("ok") else 2]) for t in tests] == list(range(1, plan + 1))
    assert sum(t.startswith("not ok") and "# TODO" not in t for t in tests) == 3  # failures
    assert sum("# TODO warning" in t for t in tests) == 2  # warnings: reported, not failing
    assert sum("# SKIP" in t for t in tests) == 1  # the exception
    assert "not ok 1 - files/app.yaml - main - " in run.stdout
    with_warn = cxgov(*CONFTEST, "-o", "tap", "--fail-on", "warn", cwd=case).stdout
    assert "# TODO" not in with_warn


def test_table_is_conftests_table(case, cxgov):
    lines = cxgov(*CONFTEST, "-o", "table", cwd=case).stdout.splitlines()
    assert lines[0].startswith("+---") and lines[2] == lines[0] and lines[-2] == lines[0]
    assert [c.strip() for c in lines[1].split("|")[1:5]] == ["RESULT", "FILE", "NAMESPACE", "MESSAGE"]
    rows = [[c.strip() for c in line.split("|")[1:5]] for line in lines[3:] if line.startswith("| ")]
    assert sorted(r[0] for r in rows) == ["exception", "failure", "failure", "failure", "warning", "warning"]
    assert ["failure", "files/app.yaml", "main", "container api uses the latest tag"] in rows
    assert lines[-1].startswith("5 findings")


# --- the JSON result and its schema ----------------------------------------------------------------

def test_json_has_a_schema_version_relative_paths_and_validates_against_cxgov_schema_result(case, cxgov, tmp_path):
    import jsonschema

    schema = json.loads(cxgov("schema", "result").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    run = cxgov(*CONFTEST, "-o", "json", cwd=case)
    doc = as_json(run)
    assert doc["schema_version"] == 2 and doc["cxgov"]["root"] == "."
    assert str(case) not in run.stdout and str(ROOT) not in run.stdout  # no machine path
    assert not list(validator.iter_errors(doc)), [e.message for e in validator.iter_errors(doc)][:3]
    suppressed = cxgov(*CONFTEST, "--baseline", "/dev/null", cwd=case)
    assert suppressed.code == 2
    cxgov(*CONFTEST, "-o", "json=b.json", cwd=case)
    baselined = as_json(cxgov(*CONFTEST, "--baseline", "b.json", "-o", "json", cwd=case))
    assert not list(validator.iter_errors(baselined))
    broken = dict(doc, schema_version=1)
    assert not validator.is_valid(broken)
    # read back as merge and drift read results (schema_version 2), and the builtin packs' run validates too
    from cxgov.formats.json_read import read_result

    back = read_result(case / "b.json")
    assert back.verdict.counts == doc["verdict"]["counts"] and len(back.findings) == 5
    too_new = case / "future.json"
    too_new.write_text(json.dumps(dict(doc, schema_version=99)))
    from cxgov.errors import InputError

    with pytest.raises(InputError, match="schema_version 99"):
        read_result(too_new)
    acme = tmp_path / "acme"
    shutil.copytree(ROOT / "examples" / "acme-cx" / "noncompliant", acme)
    full = as_json(cxgov(*BASE, "cxgov", "k8s", "terraform/plan.json", "--no-models", "--no-ui", "-o", "json", cwd=acme))
    assert not [e.message for e in validator.iter_errors(full)][:3]


# --- config keys ----------------------------------------------------------------------------------

def test_config_keys_are_checked_against_the_options(case, cxgov):
    (case / "cxgov.toml").write_text('[check]\nnamespace = "main"\nno-modles = true\n')
    run = cxgov(*BASE, "files", cwd=case)
    assert run.code == 2
    assert "cxgov.toml:3: unknown key 'no-modles'" in run.stderr and "did you mean 'no-models'?" in run.stderr
    (case / "cxgov.toml").write_text('fail-on = "sometimes"\n')
    run = cxgov(*BASE, "files", cwd=case)
    assert run.code == 2 and "cxgov.toml:1: fail-on = 'sometimes' is not one of deny, warn, never" in run.stderr
    (case / "cxgov.toml").write_text('combine = "yes"\n')
    assert "combine takes true or false" in cxgov(*BASE, "files", cwd=case).stderr
    (case / "cxgov.toml").write_text('[chek]\ndata = ["data"]\n')
    assert "unknown table [chek] (did you mean [check]?" in cxgov(*BASE, "files", cwd=case).stderr
    # a negated flag stands for its option: no-builtin = true is --no-builtin
    (case / "cxgov.toml").write_text('no-builtin = true\ndata = ["data"]\nseverity = "critical"\n')
    doc = as_json(cxgov("check", "--evaluation-date", EVALUATION_DATE, "files", "-o", "json", cwd=case))
    assert doc["verdict"]["passed"] and not any(r.startswith(("RES-", "SOC2-")) for r in doc["rules"])
    # conftest.toml: conftest's own options cxgov has no use for are named and left out
    (case / "cxgov.toml").unlink()
    (case / "conftest.toml").write_text('policy = ["policy"]\ntrace = true\noutput = "json"\n')
    run = cxgov("check", "--no-builtin", "--evaluation-date", EVALUATION_DATE, "files/ingress.yaml", cwd=case)
    assert "conftest's 'trace' has no cxgov equivalent" in run.stderr
    assert json.loads(run.stdout) == [] or isinstance(json.loads(run.stdout), list)  # conftest's json


def test_config_is_found_up_to_the_repository_root(tmp_path, cxgov):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    work = repo / "services" / "chat"
    shutil.copytree(DATA / "conftest" / "files", work / "files")
    shutil.copytree(DATA / "conftest" / "policy", repo / "policy")
    (repo / "cxgov.toml").write_text('[check]\npolicy = ["policy"]\nno-builtin = true\nfail-on = "never"\n')
    run = cxgov("check", "--evaluation-date", EVALUATION_DATE, "files", "-o", "json", cwd=work)
    assert run.code == 0, run.stderr  # fail-on never, from the repository root's file
    assert "K8S-ROOT" in rule_ids(json.loads(run.stdout))  # its policy path, relative to the file
    # a file beyond the repository root is not read
    (repo / "cxgov.toml").rename(tmp_path / "cxgov.toml")
    beyond = cxgov("check", "--evaluation-date", EVALUATION_DATE, "files", "--no-builtin", cwd=work)
    assert beyond.code == 2 and "no policies to evaluate" in beyond.stderr
    # the nearest wins
    shutil.copytree(repo / "policy", work / "policy")
    (work / "cxgov.toml").write_text('fail-on = "deny"\npolicy = ["policy"]\nno-builtin = true\n')
    (repo / "cxgov.toml").write_text('fail-on = "never"\n')
    assert cxgov("check", "--evaluation-date", EVALUATION_DATE, "files", cwd=work).code == 1


# --- version -----------------------------------------------------------------------------------

def test_version_names_the_engine_axe_core_and_the_packs(cxgov):
    run = cxgov("--version")
    assert run.code == 0
    lines = run.stdout.splitlines()
    assert lines[0].startswith("cxgov ")
    assert lines[1].startswith("engine: OPA v1.") and "opa-golib-python-bindings" in lines[1]
    package = json.loads((ROOT / "package.json").read_text())["dependencies"]["axe-core"]
    assert lines[2].startswith(f"axe-core: {package} (")
    for pack in ("residency", "gdpr", "soc2", "ai_act", "wcag", "governance"):
        assert any(line.split()[:1] == [pack] and "rules" in line for line in lines), pack
    other = cxgov("--version", env={"CXGOV_AXE_SOURCE": str(ROOT / "nope.js")})
    assert "axe-core: not found" in other.stdout
