"""One set of numbers: for one real audit of examples/acme-cx/noncompliant (its live model registry and
widget included), every output and view gives the same counts, and the control matrix has the same
controls whether findings fail (the non-compliant bundle) or are fixed (the compliant one).

The counts are parsed from what a user or tool reads: the JSON report, SARIF results by level, JUnit
attributes, the text and GitHub tally lines, the Markdown tables, summary.json, controls.json,
report.html and `evidence show` (JSON and text). They are also recounted here from the findings, so
agreeing on a wrong number would fail too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from drift_support import skip_source
from evidence_bundles import AUDIT_TIMEOUT, EXAMPLE, live_args

from cxgov.evidence.controls import FRAMEWORK_TITLES

OUTPUTS = {"json": "report.json", "sarif": "report.sarif", "junit": "report.xml", "markdown": "report.md",
           "github": "report.gh"}
FINDING_COUNTS = ("findings", "deny", "warn", "waived", "pre_enforcement")
TALLY = re.compile(r"^(\d+) findings? \((\d+) deny, (\d+) warn, (\d+) waived(?:; (\d+) pre-enforcement)?\) · "
                   r"conftest-style: (\d+) tests?, (\d+) passed, (\d+) warnings?, (\d+) failures?, (\d+) exceptions?$")


@dataclass
class Audit:
    variant: Path
    bundle: Path
    code: int
    stdout: str

    def read(self, fmt: str) -> str:
        return (self.variant / OUTPUTS[fmt]).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def audited(tmp_path_factory, acme_registry, acme_ui) -> Audit:
    """One audit of the non-compliant example with every output format written at once."""
    base = tmp_path_factory.mktemp("consistency")
    variant, bundle = base / "noncompliant", base / "noncompliant-bundle"
    shutil.copytree(EXAMPLE / "noncompliant", variant)
    acme_registry.noncompliant()  # the registry in the state this variant describes
    outputs = [arg for fmt, file in OUTPUTS.items() for arg in ("-o", f"{fmt}={file}")]
    run = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(bundle), "--unsigned", "-o", "text",
                    *outputs, *live_args(acme_registry, acme_ui, "noncompliant"), cwd=variant, timeout=AUDIT_TIMEOUT)
    assert run.code == 1, run.stdout + run.stderr
    return Audit(variant, bundle, run.code, run.stdout)


def tally(line: str) -> tuple[dict[str, int], dict[str, int]]:
    """The finding counts and the conftest-style ones of a tally line."""
    m = TALLY.match(line)
    assert m, line
    n = [int(x) if x is not None else 0 for x in m.groups()]
    findings = dict(zip(FINDING_COUNTS, n[:5]))
    conftest = {"tests": n[5], "successes": n[6], "warn": n[7], "deny": n[8], "exceptions": n[9]}
    return findings, conftest


def recount(findings: list[dict]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The counts and per-framework counts, from the findings themselves (each finding once per
    framework it maps to)."""
    bucket = Counter("waived" if f["waiver"] else f["gate"] for f in findings)
    counts = {"findings": len(findings), "deny": bucket["deny"], "warn": bucket["warn"], "waived": bucket["waived"],
              "pre_enforcement": sum(bool(f["pre_enforcement"]) and not f["waiver"] for f in findings)}
    by_framework: dict[str, dict[str, int]] = {}
    for f in findings:
        for fw, controls in f["controls"].items():
            if controls:
                row = by_framework.setdefault(fw, {"deny": 0, "warn": 0, "waived": 0})
                row["waived" if f["waiver"] else f["gate"]] += 1
    return counts, dict(sorted(by_framework.items()))


def test_every_output_and_view_gives_the_same_counts(audited):
    report = json.loads(audited.read("json"))
    counts, by_framework = recount(report["findings"])
    verdict = report["verdict"]
    assert counts["deny"] > 20 and counts["warn"] > 5 and counts["waived"] >= 1  # a real failing audit
    assert {k: verdict["counts"][k] for k in FINDING_COUNTS} == counts
    assert verdict["by_framework"] == by_framework
    # findings mapping to several WCAG criteria are counted once per framework, not once per criterion
    assert by_framework["wcag22"]["deny"] < sum(c["deny"] for k, c in verdict["by_control"].items()
                                                if k.startswith("wcag22:"))
    conftest = {k: verdict["counts"][k] for k in ("tests", "successes", "exceptions")}
    assert conftest["tests"] == conftest["successes"] + conftest["exceptions"] + counts["findings"]
    not_judged = report["not_judged"]

    # text: the tally line on stdout, findings first and conftest's labelled
    [line] = [x for x in audited.stdout.splitlines() if x.startswith(f"{counts['findings']} findings (")]
    text_counts, text_conftest = tally(line)
    assert text_counts == counts
    assert text_conftest == {**conftest, "warn": counts["warn"], "deny": counts["deny"]}

    # SARIF: a result per finding; error / warning by gate, waived ones suppressed
    [run] = json.loads(audited.read("sarif"))["runs"]
    results = run["results"]
    assert len(results) == counts["findings"]
    active = Counter(r["level"] for r in results if "suppressions" not in r)
    assert (active["error"], active["warning"]) == (counts["deny"], counts["warn"])
    assert sum("suppressions" in r for r in results) == counts["waived"]
    assert sum(r["properties"]["pre_enforcement"] and "suppressions" not in r for r in results) == \
        counts["pre_enforcement"]
    assert run["properties"]["counts"] == dict(sorted(verdict["counts"].items()))

    # JUnit: a case per (rule, subject); failing cases are the pairs with an unwaived deny, and what
    # nothing judged is a skipped case of its own
    root = ET.fromstring(audited.read("junit"))
    failing = {(f["rule_id"], f["subject"]) for f in report["findings"] if f["gate"] == "deny" and not f["waiver"]}
    assert int(root.get("failures")) == len(failing) == len(root.findall(".//failure"))
    assert {f"{f['rule_id']}: {f['subject']}" for f in report["findings"]} <= {c.get("name") for c in root.iter("testcase")}
    assert sum(c.get("classname") == "not judged" for c in root.iter("testcase")) == len(not_judged)

    # GitHub: the 10 most severe annotations per level, the rest counted in one notice, the same tally line
    github = audited.read("github").splitlines()
    assert tally(github[-1]) == (text_counts, text_conftest)
    shown = Counter(x.split(" ", 1)[0] for x in github if x.startswith("::") and "title=cxgov::" not in x)
    notice = next((x for x in github if "title=cxgov::" in x), "")
    more = {m[2]: int(m[1]) for m in re.finditer(r"(\d+) more (error|warning|notice)", notice)}
    unjudged = len({(s["origin"]["file"] or s["id"], s["kind"]) for s in not_judged})
    for level, total in (("error", counts["deny"]), ("warning", counts["warn"] + unjudged), ("notice", counts["waived"])):
        assert (shown[f"::{level}"], more.get(level, 0)) == (min(total, 10), max(total - 10, 0)), level

    # Markdown: the counts table and the per-framework table
    md = audited.read("markdown").splitlines()
    header = md.index("| findings | deny | warn | waived | pre-enforcement |")
    assert [int(x) for x in md[header + 2].strip("| ").split(" | ")] == [counts[k] for k in FINDING_COUNTS]
    rows = md[md.index("### By framework"):]
    table = {cells[0]: dict(zip(("deny", "warn", "waived"), map(int, cells[1:])))
             for cells in (r.strip("| ").split(" | ") for r in rows[6:] if r.startswith("| "))}
    assert table == by_framework

    # the bundle: summary.json, manifest.json and controls.json
    summary = json.loads((audited.bundle / "summary.json").read_text())
    assert summary["verdict"] == verdict
    assert summary["findings"] == counts["findings"]
    manifest = json.loads((audited.bundle / "manifest.json").read_text())
    buckets = ("deny", "warn", "waived")
    assert {k: manifest["verdict"][k] for k in buckets} == {k: counts[k] for k in buckets}
    matrix = json.loads((audited.bundle / "controls.json").read_text())
    assert {fw["id"]: fw["counts"] for fw in matrix["frameworks"] if fw["id"] in by_framework} == by_framework
    assert all(fw["counts"] == {"deny": 0, "warn": 0, "waived": 0} for fw in matrix["frameworks"]
               if fw["id"] not in by_framework)

    # report.html: the verdict's counts, the findings caption and the framework overview
    html = (audited.bundle / "report.html").read_text()
    shown = dict((label, int(n)) for n, label in re.findall(r"<li><strong>(\d+)</strong>([a-z -]+?)</li>", html))
    assert {k: shown[k] for k in ("findings", "deny", "warn", "waived")} == {
        k: counts[k] for k in ("findings", "deny", "warn", "waived")}
    assert shown["not judged"] == len(not_judged)
    assert f'<p class="lead">{counts["findings"]} finding(s) in ' in html  # the findings section's lead
    titles = {title: fw for fw, title in FRAMEWORK_TITLES.items()}
    overview = re.findall(r'<tr><th scope="row"><a href="#framework-[^"]+">([^<]+)</a></th>(?:<td>\d+</td>){3}'
                          r"<td>(\d+) deny, (\d+) warn, (\d+) waived</td></tr>", html)
    assert {titles[t]: {"deny": int(d), "warn": int(w), "waived": int(v)} for t, d, w, v in overview
            if titles[t] in by_framework} == by_framework

    # evidence show: --json carries the summary's counts; the text says the same
    shown_json = run_cxgov("evidence", "show", "--json", str(audited.bundle), "--allow-unsigned")
    assert shown_json.code == 0, shown_json.stderr
    assert json.loads(shown_json.stdout)["summary"]["verdict"] == verdict
    shown_text = run_cxgov("evidence", "show", str(audited.bundle), "--allow-unsigned").stdout.splitlines()
    [verdict_line] = [x for x in shown_text if x.startswith("verdict ")]
    assert verdict_line.endswith(
        f"{counts['findings']} findings ({counts['deny']} deny, {counts['warn']} warn, {counts['waived']} waived"
        + (f"; {counts['pre_enforcement']} pre-enforcement)" if counts["pre_enforcement"] else ")"))
    [tests_line] = [x for x in shown_text if x.startswith("tests ")]
    assert tests_line.split(None, 1)[1] == line.split(" · ", 1)[1]
    per_framework = {}
    for x in shown_text:
        m = re.fullmatch(r"findings\s+(\S+): (\d+) \((\d+) deny, (\d+) warn, (\d+) waived\)", x)
        if m:
            assert int(m[2]) == int(m[3]) + int(m[4]) + int(m[5]), x
            per_framework[m[1]] = {"deny": int(m[3]), "warn": int(m[4]), "waived": int(m[5])}
    assert per_framework == by_framework


def statuses(bundle: Path) -> dict[str, str]:
    matrix = json.loads((bundle / "controls.json").read_text())
    return {f"{fw['id']}:{c['id']}": c["status"] for fw in matrix["frameworks"] for c in fw["controls"]}


def test_the_control_matrix_lists_the_same_controls_failing_or_fixed(audited, compliant_bundle):
    failing, fixed = statuses(audited.bundle), statuses(compliant_bundle.bundle)
    assert set(failing) == set(fixed)
    assert set(failing.values()) | set(fixed.values()) <= {"satisfied", "not-satisfied", "not-assessed"}
    # a WCAG criterion only an axe-core violation names (no rule's METADATA does) is listed in both:
    # failed by the broken widget, satisfied by the fixed one
    axe = json.loads((ROOT / "cxgov" / "evidence" / "axe_controls.json").read_text())["controls"]
    assert "1.4.3" in axe["wcag22"] and "9.1.4.3" in axe["en301549"]
    for control in ("wcag22:1.4.3", "en301549:9.1.4.3"):
        assert (failing[control], fixed[control]) == ("not-satisfied", "satisfied"), control
    assert {f"wcag22:{c}" for c in axe["wcag22"]} | {f"en301549:{c}" for c in axe["en301549"]} <= set(fixed)
    # and evidence diff reports only the statuses that moved
    run = run_cxgov("evidence", "diff", str(audited.bundle), str(compliant_bundle.bundle), "--json",
                    "--allow-unsigned")  # both audited --unsigned
    diff = json.loads(run.stdout)
    assert {c["control"]: (c["before"], c["after"]) for c in diff["controls"]} == {
        k: (failing[k], fixed[k]) for k in failing if failing[k] != fixed[k]}


def test_the_axe_control_map_is_axe_cores():
    """axe_controls.json is what the pinned axe-core's A/AA rules are tagged with, filtered as the WCAG
    pack filters a violation (policies/data/wcag_scan.json): regenerated here from node_modules."""
    node = shutil.which("node")
    assert node, "node is needed (scripts/setup.sh installs it)"
    script = r"""
const axe = require("axe-core"), fs = require("fs");
const ref = JSON.parse(fs.readFileSync("policies/data/wcag_scan.json"));
const aa = new Set(ref.a_aa_tags), ignored = new Set(ref.ignored_tags);
const sc = new Set(), en = new Set();
for (const r of axe.getRules()) {
  if (!r.tags.some(t => aa.has(t)) || r.tags.some(t => ignored.has(t))) continue;
  for (const t of r.tags) {
    if (/^wcag\d{3,}$/.test(t)) sc.add(t[4] + "." + t[5] + "." + t.slice(6));
    const parts = t.startsWith("EN-") ? t.slice(3).split(".") : [];
    if (parts.length >= 2 && parts.every(p => /^\d+$/.test(p))) en.add(t.slice(3));
  }
}
console.log(JSON.stringify({version: axe.version, wcag22: [...sc], en301549: [...en]}));
"""
    out = json.loads(subprocess.run([node, "-e", script], cwd=ROOT, capture_output=True, text=True, check=True,
                                    timeout=60).stdout)
    data = json.loads((ROOT / "cxgov" / "evidence" / "axe_controls.json").read_text())
    package = json.loads((ROOT / "package.json").read_text())["dependencies"]["axe-core"]
    assert data["axe_core"] == out["version"] == package
    assert {fw: sorted(ids) for fw, ids in data["controls"].items()} == {
        "wcag22": sorted(out["wcag22"]), "en301549": sorted(out["en301549"])}
    assert data["named_by"] == ["WCAG-A-AA-01", "WCAG-A-AA-02"]


CONFIG_DOC = "feature_flags:\n  beta: true\nlog_level: debug\n"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: nginx:latest
"""


def test_a_config_document_beside_a_judged_one_is_listed_as_not_judged(tmp_path):
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    (tmp_path / "settings.yaml").write_text(CONFIG_DOC)
    run = run_cxgov("check", "deploy.yaml", "settings.yaml", "--evaluation-date", EVALUATION_DATE, "-o", "text",
                    "-o", "json=r.json", "-o", "sarif=r.sarif", "-o", "junit=r.xml", cwd=tmp_path)
    assert run.code == 1, run.stderr  # the Deployment's findings; the config is listed, never a pass
    [line] = [x for x in run.stdout.splitlines() if x.startswith("NOT JUDGED")]
    assert "settings.yaml: 1 config document not judged" in line and "give your own policies" in line
    assert "1 not judged)" in run.stdout.splitlines()[-1]
    assert "deploy.yaml" not in line
    report = json.loads((tmp_path / "r.json").read_text())
    assert [(s["id"], s["kind"], s["origin"]["file"]) for s in report["not_judged"]] == [
        ("settings.yaml", "config", "settings.yaml")]
    assert report["findings"] and all(f["subject"] != "settings.yaml" for f in report["findings"])
    [sarif_run] = json.loads((tmp_path / "r.sarif").read_text())["runs"]
    [note] = sarif_run["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "cxgov/not-judged" and note["properties"]["subjects"] == ["settings.yaml"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "settings.yaml"
    assert sarif_run["properties"]["not_judged"] == ["settings.yaml"]
    root = ET.fromstring((tmp_path / "r.xml").read_text())
    [case] = [c for c in root.iter("testcase") if c.get("classname") == "not judged"]
    assert case.get("name") == "config: settings.yaml"
    assert case.find("skipped").get("message").startswith("not judged: ")
    # alone, nothing is judged: exit 2, naming the file
    alone = run_cxgov("check", "settings.yaml", "--evaluation-date", EVALUATION_DATE, cwd=tmp_path)
    assert alone.code == 2 and "settings.yaml" in alone.stderr


def test_drift_between_a_bundle_and_a_json_report_of_the_same_run_sees_the_same_policies(tmp_path):
    """The policy digest and the control statuses are computed one way: a bundle and a `check -o json`
    report of the same files with the same policies differ in neither."""
    system = tmp_path / "acme-cx"
    shutil.copytree(EXAMPLE / "noncompliant", system)
    skip_source(system, "models", "not in this test")
    skip_source(system, "ui", "not in this test")
    made = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(tmp_path / "bundle"), "--unsigned",
                     cwd=system, timeout=AUDIT_TIMEOUT)
    assert made.code == 1, made.stderr
    checked = run_cxgov("check", "cxgov", "k8s", "terraform/plan.json", "--no-models", "--no-ui", "--evaluation-date",
                        EVALUATION_DATE, "-o", "json=report.json", cwd=system)
    assert checked.code == 1, checked.stderr
    report = json.loads((system / "report.json").read_text())
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
    assert report["cxgov"]["policy_digest"] == manifest["policy_digest"]
    drift = run_cxgov("drift", "check", "--baseline", str(tmp_path / "bundle"), "--current", "report.json",
                      "--allow-unsigned", "--evaluation-date", EVALUATION_DATE, "-o", "json=drift.json", cwd=system)
    assert drift.code in (0, 1), drift.stderr
    result = json.loads((system / "drift.json").read_text())["drift"]
    assert result["digests"] == [] and result["controls"] == [] and result["findings"] == []


def test_the_evidence_report_lists_what_nothing_judged():
    """report.html names each file and kind no selected rule judged, with what to give instead."""
    import dataclasses

    from cxgov.evidence.report import render_report
    from cxgov.model import Location, Subject
    from evidence_support import cached_view

    view = cached_view("compliant")
    config = Subject("config", "app/settings.yaml", Location("app/settings.yaml", 1), {"log_level": "debug"})
    result = dataclasses.replace(view.result, subjects=[*view.result.subjects, config.ref()])
    assert result.unjudged() == [config.ref()]
    html = render_report(dataclasses.replace(view, result=result, subjects=[*view.subjects, config]), {})
    assert "<li><strong>1</strong>not judged</li>" in html
    row = re.search(r'<tr><th scope="row"><code>app/settings.yaml</code></th><td>config</td><td>1</td><td>([^<]+)</td>',
                    html)
    assert row and "give your own policies for it with -p" in row[1]
    assert "<li><strong>0</strong>not judged</li>" in render_report(view, {})


def test_an_audit_lists_what_nothing_judged_in_its_bundle(tmp_path):
    """A plain config file among the manifests: the audit's text, report.html, summary.json and
    `evidence show` all list it as not judged (summary.json carries Result.unjudged())."""
    system = tmp_path / "acme-cx"
    shutil.copytree(EXAMPLE / "noncompliant", system)
    skip_source(system, "models", "not in this test")
    skip_source(system, "ui", "not in this test")
    (system / "k8s" / "app-settings.yaml").write_text(CONFIG_DOC)
    made = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(tmp_path / "bundle"), "--unsigned",
                     cwd=system, timeout=AUDIT_TIMEOUT)
    assert made.code == 1, made.stderr
    assert "NOT JUDGED  k8s/app-settings.yaml: 1 config document not judged" in made.stdout
    html = (tmp_path / "bundle" / "report.html").read_text()
    assert "<li><strong>1</strong>not judged</li>" in html and "<code>k8s/app-settings.yaml</code>" in html
    summary = json.loads((tmp_path / "bundle" / "summary.json").read_text())
    assert [(s["id"], s["kind"]) for s in summary["not_judged"]] == [("k8s/app-settings.yaml", "config")]
    shown = run_cxgov("evidence", "show", str(tmp_path / "bundle"), "--allow-unsigned")
    assert "not judged  k8s/app-settings.yaml: 1 config document not judged" in shown.stdout
