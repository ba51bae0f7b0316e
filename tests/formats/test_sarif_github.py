"""SARIF that GitHub code scanning ingests, from a real run with UI and model findings.

The non-compliant acme-cx example is checked with its live sources (a real MLflow registry, the chat
widget scanned in Chromium) on two consecutive evaluation dates. Code scanning rejects a whole upload
when one result's location is not a repository file, and matches alerts across runs by fingerprint:
so every location must be a relative path of the checkout, a finding about a model version or a UI
state must point at the descriptor line declaring it, and fingerprints must not move when only the
date (and so the day counts in messages) does.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import DATA, EVALUATION_DATE, ROOT, run_cxgov
from evidence_bundles import EXAMPLE

NEXT_DAY = "2026-11-23"
SARIF_SCHEMA_SHA256 = "1c49a0f2b60444c71bb14878e21e0d882198eff4c539861b133093ad89ed798c"


@pytest.fixture(scope="module")
def runs(tmp_path_factory, acme_registry, acme_ui):
    """The non-compliant example checked on two consecutive days, every report written."""
    variant = tmp_path_factory.mktemp("sarif") / "noncompliant"
    shutil.copytree(EXAMPLE / "noncompliant", variant)
    acme_registry.noncompliant()
    out = {}
    for date in (EVALUATION_DATE, NEXT_DAY):
        run = run_cxgov("check", "cxgov", "k8s", "terraform/plan.json", "--evaluation-date", date,
                        "--tracking-uri", acme_registry.uri, "--ui-base-url", acme_ui + "broken",
                        "-o", f"sarif={date}.sarif", "-o", f"json={date}.json", "-o", f"junit={date}.xml",
                        cwd=variant, timeout=900)
        assert run.code == 1, run.stderr
        out[date] = {ext: (variant / f"{date}.{ext}").read_text() for ext in ("sarif", "json", "xml")}
    return variant, out


def sarif(runs, date=EVALUATION_DATE) -> dict:
    return json.loads(runs[1][date]["sarif"])


def declared_line(descriptor: str, path: list) -> int:
    """The line of a descriptor field (its key, or a list item's first line)."""
    from cxgov.sources.yaml_paths import line_of

    return line_of(descriptor, path)


def test_every_location_is_a_relative_file_of_the_repository(runs):
    variant, _ = runs
    (run,) = sarif(runs)["runs"]
    results = run["results"]
    live = [r for r in results if r["properties"]["subject"].startswith(("https://", "models:/"))]
    assert len(live) > 30  # the run has UI and model findings: the case that made GitHub reject uploads
    locations = [loc for r in results for loc in r["locations"]]
    locations += [loc for n in run["invocations"][0].get("toolExecutionNotifications", []) for loc in n["locations"]]
    assert len(locations) >= len(results) and all(r["locations"] for r in results)
    for loc in locations:
        artifact = loc["physicalLocation"]["artifactLocation"]
        uri = artifact["uri"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri) and not uri.startswith("/"), uri  # no scheme
        assert (variant / uri).is_file(), uri


def test_ui_and_model_findings_point_at_the_descriptor_line_declaring_them(runs):
    variant, _ = runs
    descriptor = (variant / "cxgov" / "descriptor.yaml").read_text()
    url_line = declared_line(descriptor, ["ui", "entry_points", 0, "url"])
    model_line = declared_line(descriptor, ["models", 0])
    assert descriptor.splitlines()[url_line - 1].strip() == "url: https://www.acme-shop.eu/help"
    assert descriptor.splitlines()[model_line - 1].strip() == "- name: acme-cx-intent-router"
    (run,) = sarif(runs)["runs"]
    pages = [r for r in run["results"] if r["properties"]["subject"].startswith("https://www.acme-shop.eu/help#")]
    models = [r for r in run["results"] if r["properties"]["subject"].startswith("models:/")]
    assert pages and models
    for r, line, uri in [(r, url_line, "https://www.acme-shop.eu/help") for r in pages] + \
                        [(r, model_line, r["properties"]["subject"]) for r in models]:
        physical = r["locations"][0]["physicalLocation"]
        assert (physical["artifactLocation"]["uri"], physical["region"]["startLine"]) == ("cxgov/descriptor.yaml", line)
        assert r["properties"]["uri"] == uri and uri in r["message"]["text"]  # the URI: message and properties


def test_the_sarif_validates_against_the_schema(runs):
    import jsonschema

    raw = (DATA / "sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SARIF_SCHEMA_SHA256
    schema = json.loads(raw)
    cls = jsonschema.validators.validator_for(schema)
    assert "uri-reference" in cls.FORMAT_CHECKER.checkers
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    for date in (EVALUATION_DATE, NEXT_DAY):
        errors = sorted(validator.iter_errors(sarif(runs, date)), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_fingerprints_are_the_same_a_day_later(runs):
    def prints(date):
        (run,) = sarif(runs, date)["runs"]
        return {r["partialFingerprints"]["cxgovFinding/v2"]: r["message"]["text"] for r in run["results"]}

    today, tomorrow = prints(EVALUATION_DATE), prints(NEXT_DAY)
    assert len(today) == len(sarif(runs)["runs"][0]["results"])  # no two results share one
    assert set(today) == set(tomorrow)
    changed = [fp for fp in today if today[fp] != tomorrow[fp]]
    assert changed, "no message changed between the days: the test would prove nothing"


def test_rules_link_their_documentation(runs):
    (run,) = sarif(runs)["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert rules and all(r["helpUri"].startswith("https://github.com/cxgov/cxgov/blob/main/docs/rules/") for r in rules)
    for r in rules:
        page = ROOT / "docs" / "rules" / f"{r['id']}.md"
        assert page.is_file(), page
        assert page.read_text().startswith(f"# {r['id']}: ")


def test_every_builtin_rule_has_its_page():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "rule_docs.py"), "--check"], capture_output=True,
                          text=True, timeout=300)
    missing = [line for line in proc.stdout.splitlines() if "out of date" in line and not
               (ROOT / line.split(": ", 1)[1]).exists()]
    assert not missing, "run scripts/rule_docs.py: " + ", ".join(missing)


def test_junit_places_ui_and_model_cases_on_the_descriptor(runs):
    variant, out = runs
    descriptor = (variant / "cxgov" / "descriptor.yaml").read_text()
    url_line = declared_line(descriptor, ["ui", "entry_points", 0, "url"])
    root = ET.fromstring(out[EVALUATION_DATE]["xml"])
    cases = list(root.iter("testcase"))
    names = [c.get("name") for c in cases]
    assert len(names) == len(set(names)) and not any(re.search(r"passed \d+ of \d+", n) for n in names)
    pages = [c for c in cases if c.get("name").split(": ", 1)[1].startswith("https://www.acme-shop.eu/help#")]
    assert pages and all((c.get("file"), c.get("line")) == ("cxgov/descriptor.yaml", str(url_line)) for c in pages)
    assert all((variant / c.get("file")).is_file() and c.get("time") == "0" for c in cases)
