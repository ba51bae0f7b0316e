"""The acme-cx example through the real `cxgov check` with the builtin packs.

The compliant variant must pass with no finding at all; the non-compliant variant must give exactly
the findings listed in its expected-findings.json, including the traps it was built around: Norway's
country code `NO` (a string in YAML 1.2, and an EEA country), a mistyped region, a global LLM
deployment, and a production alias moved to a model version nobody approved. Each variant is copied
to tmp_path first: evidence hashes are computed relative to the descriptor, so the whole variant
directory travels, and nothing is written into the repository.

The descriptor's model lives in an MLflow registry (the test run's real `mlflow server`, seeded with
model_registry/seed_registry.py): the compliant variant is checked while `production` points at the
approved version 14, then an unapproved version 15 is promoted and the non-compliant variant checked.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from mlflow_fixtures import seed_registry
from ui_support import serving

EXAMPLE = ROOT / "examples" / "acme-cx"
ARGS = ("check", "cxgov", "k8s", "terraform/plan.json", "--evaluation-date", EVALUATION_DATE, "-o", "json")

PACK_PREFIXES = {
    "residency": ("RES-",),
    "gdpr": ("GDPR-",),
    "soc2": ("SOC2-",),
    "ai_act": ("AIACT-", "EAA-"),
    "wcag": ("WCAG-",),
}


# the descriptors' UI entry point (https://www.acme-shop.eu/help) is scanned on a local copy of the
# chat widget: broken for the non-compliant variant, fixed for the compliant one
@pytest.fixture(scope="module")
def example_ui():
    with serving() as url:
        yield url


def ui_args(base_url, version):
    return ("--ui-base-url", base_url + version)


def copy_variant(tmp_path, name):
    target = tmp_path / name
    shutil.copytree(EXAMPLE / name, target)
    return target


# one run per variant shared by the tests below (a check of the whole system takes several seconds);
# it calls run_cxgov, the function behind the function-scoped `cxgov` fixture
@pytest.fixture(scope="module")
def compliant(tmp_path_factory, mlflow_registry, example_ui):
    variant = copy_variant(tmp_path_factory.mktemp("acme-cx"), "compliant")
    return variant, run_cxgov(*ARGS, "--tracking-uri", mlflow_registry.uri, *ui_args(example_ui, "fixed"),
                              cwd=variant)


@pytest.fixture(scope="module")
def noncompliant(tmp_path_factory, mlflow_registry, example_ui, compliant):
    seed_registry.seed(mlflow_registry.uri, "acme-promote-unapproved")  # after the compliant run
    variant = copy_variant(tmp_path_factory.mktemp("acme-cx"), "noncompliant")
    run = run_cxgov(*ARGS, "--tracking-uri", mlflow_registry.uri, *ui_args(example_ui, "broken"), cwd=variant)
    return variant, run


def as_json(run):
    assert run.stderr == "", run.stderr
    return json.loads(run.stdout)


def keys(doc):
    return {(f["rule_id"], f["subject"], f["gate"], f["waiver"] is not None) for f in doc["findings"]}


def test_compliant_variant_passes_with_no_finding(compliant):
    _, run = compliant
    doc = as_json(run)
    assert doc["findings"] == [], [(f["rule_id"], f["subject"], f["message"]) for f in doc["findings"]]
    assert run.code == 0
    counts = doc["verdict"]["counts"]
    assert (counts["deny"], counts["warn"], counts["waived"]) == (0, 0, 0)
    # the run judged the whole system: descriptor (system view), manifests, the plan and the model
    kinds = {s["kind"] for s in doc["subjects"]}
    assert {"descriptor", "system", "kubernetes", "terraform-plan", "model-version", "ui-scan"} <= kinds
    assert [s["id"] for s in doc["subjects"] if s["kind"] == "model-version"] == ["models:/acme-cx-intent-router/14"]


def test_production_alias_moved_to_an_unapproved_version_is_caught(noncompliant):
    _, run = noncompliant
    doc = as_json(run)
    got = sorted((f["rule_id"], f["subject"], f["message"]) for f in doc["findings"]
                 if f["rule_id"].startswith("SOC2-CC8.1"))
    assert got == [
        ("SOC2-CC8.1-01", "models:/acme-cx-intent-router/15",
         "models:/acme-cx-intent-router/15 is not approved (approval_status is pending)"),
        ("SOC2-CC8.1-01", "models:/acme-cx-intent-router/15",
         "models:/acme-cx-intent-router/15 names no approver (tag approved_by)"),
        ("SOC2-CC8.1-02", "system:acme-cx", "model acme-cx-intent-router: the descriptor deploys version 14 but "
                                            "alias production points to version 15"),
    ]


def test_unreachable_registry_of_the_example_is_exit_2(tmp_path, cxgov):
    # the descriptor's own tracking URI is not reachable from here: fail closed, naming it
    variant = copy_variant(tmp_path, "compliant")
    run = cxgov(*ARGS, "--mlflow-retries", "0", "--mlflow-timeout", "2", cwd=variant,
                env={"MLFLOW_TRACKING_URI": ""})
    assert run.code == 2
    assert "https://mlflow.internal.acme-shop.eu" in run.stderr and "acme-cx-intent-router" in run.stderr


def test_noncompliant_variant_gives_exactly_the_expected_findings(noncompliant):
    variant, run = noncompliant
    doc = as_json(run)
    assert run.code == 1
    expected = {tuple(item) for item in json.loads((variant / "expected-findings.json").read_text())}
    got = keys(doc)
    assert got == expected, {"unexpected": sorted(got - expected), "missing": sorted(expected - got)}


def test_noncompliant_one_finding_is_waived_by_a_valid_waiver(noncompliant):
    _, run = noncompliant
    doc = as_json(run)
    waived = [f for f in doc["findings"] if f["waiver"] is not None]
    assert [(f["rule_id"], f["subject"]) for f in waived] == [("SOC2-CC7.1-01", "system:acme-cx")]
    # the waiver file is valid: no GOV-002 finding about it
    assert not [f for f in doc["findings"] if f["rule_id"] == "GOV-002"]
    assert doc["verdict"]["counts"]["waived"] == 1


def test_norway_country_code_stays_a_string_and_passes_residency(noncompliant):
    variant, run = noncompliant
    # the trap is the plain scalar: YAML 1.1 would read it as false
    assert re.search(r"^\s+country: NO\s", (variant / "cxgov" / "descriptor.yaml").read_text(), re.M)
    doc = as_json(run)
    about_puzzel = [f for f in doc["findings"]
                    if "Puzzel AS" in f["message"] or f["metadata"].get("resource") == "vendor Puzzel AS"]
    # the vendor was judged (its stale review is a SOC 2 finding) ...
    assert [f["rule_id"] for f in about_puzzel] == ["SOC2-CC9.2-01"]
    # ... and `country: NO` raised no residency finding: Norway is in the EEA
    assert not [f for f in about_puzzel if f["rule_id"].startswith("RES-")]


def test_mistyped_region_is_caught_by_res_001(noncompliant):
    _, run = noncompliant
    doc = as_json(run)
    res_001 = [f for f in doc["findings"] if f["rule_id"] == "RES-001"]
    assert len(res_001) == 1
    assert "eu-centrl-1" in res_001[0]["message"]
    assert res_001[0]["resource"] == "data store acme-cx-sessions"
    assert res_001[0]["gate"] == "deny"


def test_global_llm_routing_is_caught_by_res_006(noncompliant):
    _, run = noncompliant
    doc = as_json(run)
    res_006 = sorted((f for f in doc["findings"] if f["rule_id"] == "RES-006"), key=lambda f: f["subject"])
    assert [f["subject"] for f in res_006] == ["system:acme-cx", "terraform/plan.json"]  # declared, and deployed
    assert all("GlobalStandard" in f["message"] for f in res_006)
    assert res_006[0]["resource"] == "AI provider azure-openai-chat"
    assert res_006[1]["resource"] == "azurerm_cognitive_deployment.gpt4o_chat"


def test_us_observability_site_in_a_manifest_is_caught_by_res_009(noncompliant):
    _, run = noncompliant
    doc = as_json(run)
    in_manifests = [f for f in doc["findings"] if f["rule_id"] == "RES-009" and f["subject"].startswith("k8s/")]
    assert [(f["subject"], "DD_SITE=datadoghq.com" in f["message"]) for f in in_manifests] == [
        ("k8s/chat-api.yaml#Deployment/acme-cx/chat-api", True)
    ]


def test_every_pack_contributes_a_finding(noncompliant):
    _, run = noncompliant
    doc = as_json(run)
    rule_ids = {f["rule_id"] for f in doc["findings"]}
    for pack, prefixes in PACK_PREFIXES.items():
        assert any(r.startswith(prefixes) for r in rule_ids), f"no finding from the {pack} pack"
