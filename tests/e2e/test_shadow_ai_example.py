"""Shadow AI through the real `cxgov check` and `cxgov audit`: examples/acme-cx-shadow laid over the
compliant acme-cx variant (an undeclared Anthropic endpoint with its key from a Secret, an Ollama
sidecar, `langchain-openai` in requirements.txt, a second Azure OpenAI resource and deployment in a
`.tf` file, a `.env` with an Anthropic key). Each is a SHADOW-AI-02 deny naming its file and line and
nothing else fails; with the declarations of examples/acme-cx-shadow/declared added to the
descriptor, the same run passes. The `.env` key never appears in any output or bundle file.

The model registry is this module's own (seeded `acme-compliant`, so no other module's promotion
moves its alias) and the chat widget is served locally, as for the acme-cx example.
"""

from __future__ import annotations

import json

import pytest

from conftest import EVALUATION_DATE, run_cxgov
from mlflow_fixtures import local_server, seed_registry
from shadow_ai_support import SECRET, UNDECLARED, declare, overlay
from ui_support import serving

CHECK = ("check", "cxgov", "k8s", "terraform", "app", "--evaluation-date", EVALUATION_DATE, "-o", "json")

# (file, line, resource): what the example hides, where
EXPECTED = {(file, line, f"{provider} {evidence}") for file, line, provider, evidence in UNDECLARED}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = local_server.start(tmp_path_factory.mktemp("shadow-registry"))
    try:
        seed_registry.seed(server.uri, "acme-compliant")
        with serving() as url:
            yield ("--tracking-uri", server.uri, "--ui-base-url", url + "fixed")
    finally:
        server.stop()


def findings(run):
    assert run.code in (0, 1), run.stderr
    return json.loads(run.stdout)["findings"]


def test_check_denies_each_shadow_ai_usage_at_its_file_and_line(tmp_path, live):
    variant = overlay(tmp_path / "shadow")
    run = run_cxgov(*CHECK, *live, cwd=variant)
    got = findings(run)
    assert run.code == 1
    assert {f["rule_id"] for f in got} == {"SHADOW-AI-02"}, [(f["rule_id"], f["message"]) for f in got]
    assert {(f["location"]["file"], f["location"]["line"], f["resource"]) for f in got} == EXPECTED
    assert all(f["gate"] == "deny" and f["controls"]["gdpr"] == ["Art.28", "Art.30"] for f in got)
    assert SECRET not in run.stdout + run.stderr


def test_check_passes_once_the_usages_are_declared(tmp_path, live):
    variant = overlay(tmp_path / "declared")
    declare(variant)
    run = run_cxgov(*CHECK, *live, cwd=variant)
    assert findings(run) == [] and run.code == 0, [(f["rule_id"], f["message"]) for f in findings(run)]


def _audit_config(variant):
    config = variant / "cxgov.yaml"
    config.write_text(config.read_text().replace("plans: [terraform/plan.json]",
                                                 "plans: [terraform/plan.json]\nfiles: [terraform/summaries.tf, app]"))


def test_audit_gates_the_same_way_and_no_secret_reaches_the_bundle(tmp_path, live):
    variant = overlay(tmp_path / "audit")
    _audit_config(variant)
    args = ("audit", "--evaluation-date", EVALUATION_DATE, "--out", "bundle", "--unsigned", *live)
    run = run_cxgov(*args, cwd=variant)
    assert run.code == 1, run.stdout[-2000:] + run.stderr
    bundle = variant / "bundle"
    found = json.loads((bundle / "findings.json").read_text())
    found = found["findings"] if isinstance(found, dict) else found
    rows = {(f["location"]["file"], f["location"]["line"], f["resource"]) for f in found if f["rule_id"] == "SHADOW-AI-02"}
    assert rows == EXPECTED
    assert {f["rule_id"] for f in found} == {"SHADOW-AI-02"}
    texts = [p.read_bytes() for p in bundle.rglob("*") if p.is_file()]
    assert texts and not any(SECRET.encode() in t for t in texts)
    assert SECRET not in run.stdout + run.stderr

    report = (bundle / "report.html").read_text()
    assert f"<summary>{len(EXPECTED)} undeclared AI usage(s), with their evidence</summary>" in report
    assert all(f"<code>{file}:{line}</code>" in report for file, line, _ in EXPECTED)
    from cxgov.sources.ui import scan_page  # the section open: its table is scanned too

    axe = scan_page(bundle / "report.html", artifacts_dir=tmp_path / "axe",
                    steps=[{"click": "#ai-services summary"}]).document["axe"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in axe["violations"]] == []
    sbom = _valid_sbom(bundle)
    shadow = [x for x in sbom["services"] + sbom["components"] if x["bom-ref"].startswith("ai-usage:")]
    assert shadow and all(_props(x)["cxgov:declared"] == ["false"] for x in shadow)
    evidence = {e for x in shadow for e in _props(x)["cxgov:evidence"]}
    assert {e.split(" ", 1)[0] for e in evidence} == {f"{file}:{line}" for file, line, _ in EXPECTED}
    models = {x["name"] for x in shadow if x.get("type") == "machine-learning-model"}
    assert models == {"azurerm_cognitive_deployment.summaries", "123456789012.dkr.ecr.eu-central-1.amazonaws.com/ollama/ollama"}

    declare(variant)
    again = run_cxgov(*args[:4], "bundle-declared", *args[5:], cwd=variant)
    assert again.code == 0, again.stdout[-2000:] + again.stderr
    assert "The deployment files use no AI service it does not declare." in (variant / "bundle-declared" / "report.html").read_text()
    sbom = _valid_sbom(variant / "bundle-declared")
    assert not [x for x in sbom["services"] + sbom["components"] if x["bom-ref"].startswith("ai-usage:")]
    declared = {x["name"] for x in sbom["services"] if _props(x).get("cxgov:declared") == ["true"]}
    assert {"anthropic-reply-drafts", "ollama-summaries", "azure-openai-summaries"} <= declared


def _valid_sbom(bundle):
    """The bundle's sbom.cdx.json, valid CycloneDX 1.6 (strict) and free of the example's secret."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = (bundle / "sbom.cdx.json").read_text()
    assert SECRET not in text
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    return json.loads(text)


def _props(item):
    out = {}
    for p in item.get("properties", []):
        out.setdefault(p["name"], []).append(p["value"])
    return out
