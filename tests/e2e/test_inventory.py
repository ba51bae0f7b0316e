"""`cxgov inventory` and `--pack shadow_ai` through the real CLI and engine, on examples/acme-cx laid
over with examples/acme-cx-shadow (tests/shadow_ai_support.py): every AI service with its file, line
and whether the descriptor declares it; the same as CycloneDX 1.6; nothing for declared usage in
`cxgov check`; no secret value in any output."""

from __future__ import annotations

import json

from conftest import EVALUATION_DATE, run_cxgov
from shadow_ai_support import SECRET, declare, overlay
from shadow_ai_support import UNDECLARED as EXAMPLE_UNDECLARED

PATHS = ("cxgov", "k8s", "terraform", "app")
INVENTORY = ("inventory", *PATHS, "--evaluation-date", EVALUATION_DATE, "-j", "1")
UNDECLARED = {(file, line, evidence) for file, line, _, evidence in EXAMPLE_UNDECLARED}
# what the compliant descriptor already declares, found where it is used
DECLARED = {
    ("k8s/chat-api.yaml", 68, "variable AZURE_OPENAI_ENDPOINT"),
    ("terraform/plan.json", 2634, "azurerm_cognitive_deployment.gpt4o_chat"),
    ("k8s/networkpolicy.yaml", 99, "host bedrock-runtime.eu-central-1.amazonaws.com"),
}


def inventory(variant, *extra):
    run = run_cxgov(*INVENTORY, *extra, cwd=variant)
    assert run.code == 0, run.stderr
    assert SECRET not in run.stdout + run.stderr
    return run


def rows(run):
    return {(s["file"], s["line"], s["evidence"]): s for s in json.loads(run.stdout)["services"]}


def test_inventory_lists_each_usage_with_its_line_and_whether_it_is_declared(tmp_path):
    variant = overlay(tmp_path / "shadow")
    found = rows(inventory(variant, "-o", "json"))
    assert {k for k, s in found.items() if s["declared"] is False} == UNDECLARED
    assert DECLARED <= {k for k, s in found.items() if s["declared"] is True}
    ollama = found[("k8s/chat-api.yaml", 130, "image 123456789012.dkr.ecr.eu-central-1.amazonaws.com/ollama/ollama")]
    assert (ollama["provider"], ollama["usage"], ollama["asset"], ollama["vendor"]) == (
        "ollama", "model-server", "machine-learning-model", None)
    bedrock = found[("k8s/networkpolicy.yaml", 99, "host bedrock-runtime.eu-central-1.amazonaws.com")]
    assert (bedrock["vendor"], bedrock["region"]) == ("Amazon Web Services", "eu-central-1")
    deployment = found[("terraform/summaries.tf", 13, "azurerm_cognitive_deployment.summaries")]
    assert (deployment["host"], deployment["region"]) == ("acme-cx-oai-sum.openai.azure.com", "swedencentral")

    text = inventory(variant).stdout
    assert text.startswith(f"AI services in use: {len(found)}, {len(UNDECLARED)} not declared\n")
    assert "  app/.env:3  UNDECLARED  anthropic (Anthropic)  variable ANTHROPIC_API_KEY (api-key)\n" in text


def test_inventory_once_declared_and_without_a_descriptor(tmp_path):
    variant = overlay(tmp_path / "declared")
    declare(variant)
    found = rows(inventory(variant, "-o", "json"))
    assert UNDECLARED | DECLARED <= set(found)
    assert all(s["declared"] is True for s in found.values()), [k for k, s in found.items() if not s["declared"]]

    bare = run_cxgov("inventory", "k8s", "app", "-o", "json", "--evaluation-date", EVALUATION_DATE, cwd=variant)
    assert bare.code == 0, bare.stderr
    listed = json.loads(bare.stdout)
    assert listed["has_descriptor"] is False
    assert {s["declared"] for s in listed["services"]} == {None}
    assert {k for k in rows(bare) if not k[0].startswith("terraform/")} >= {
        k for k in UNDECLARED if not k[0].startswith("terraform/")}


def test_inventory_as_cyclonedx_1_6(tmp_path):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    variant = overlay(tmp_path / "bom")
    inventory(variant, "-o", "cyclonedx=aibom.cdx.json")
    text = (variant / "aibom.cdx.json").read_text()
    assert SECRET not in text
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    models = {c["name"]: c for c in bom["components"] if c["type"] == "machine-learning-model"}
    assert {"azurerm_cognitive_deployment.summaries", "123456789012.dkr.ecr.eu-central-1.amazonaws.com/ollama/ollama",
            "azurerm_cognitive_deployment.gpt4o_chat"} <= set(models)
    props = {p["name"]: p["value"] for p in models["azurerm_cognitive_deployment.summaries"]["properties"]}
    assert props["cxgov:declared"] == "false" and props["cxgov:evidence"].startswith("terraform/summaries.tf:13 ")
    anthropic = next(s for s in bom["services"] if s["name"] == "api.anthropic.com")
    assert anthropic["endpoints"] == ["https://api.anthropic.com"] and anthropic["x-trust-boundary"] is True
    assert {"name": "cxgov:declared", "value": "false"} in anthropic["properties"]
    libraries = {c["name"] for c in bom["components"] if c["type"] == "library"}
    assert libraries == {"langchain-openai"}


def test_pack_shadow_ai_runs_only_that_pack_and_declared_usage_adds_no_line(tmp_path):
    variant = overlay(tmp_path / "pack")
    args = ("check", *PATHS, "--pack", "shadow_ai", "--no-models", "--no-ui", "--evaluation-date", EVALUATION_DATE,
            "-o", "json")
    run = run_cxgov(*args, cwd=variant)
    assert run.code == 1, run.stderr
    result = json.loads(run.stdout)
    assert {f["rule_id"] for f in result["findings"]} == {"SHADOW-AI-02"}
    assert {r.split("-")[0] + "-" + r.split("-")[1] for r in result["rules"]} == {"SHADOW-AI"}
    assert len(result["findings"]) == len(UNDECLARED)

    declare(variant)
    again = run_cxgov(*args[:-2], cwd=variant)
    assert again.code == 0, again.stdout + again.stderr
    assert "SHADOW-AI" not in again.stdout and "WARN" not in again.stdout


def test_the_chatbot_example_warns_of_its_two_ai_services(tmp_path):
    """examples/chatbot/EXPECTED.md: without a descriptor, its Bedrock endpoint and TEI sidecar are listed."""
    import shutil

    from conftest import ROOT

    shutil.copytree(ROOT / "examples" / "chatbot", tmp_path / "chatbot")
    run = run_cxgov("check", "k8s", "terraform/plan.json", "--pack", "shadow_ai", "--evaluation-date", EVALUATION_DATE,
                    "-o", "json", cwd=tmp_path / "chatbot")
    assert run.code in (0, 1), run.stderr
    shadow = [f for f in json.loads(run.stdout)["findings"] if f["rule_id"].startswith("SHADOW-AI")]
    assert {(f["rule_id"], f["gate"], f["location"]["file"], f["location"]["line"], f["metadata"]["provider"],
             f["metadata"]["region"]) for f in shadow} == {
        ("SHADOW-AI-01", "warn", "k8s/configmap.yaml", 12, "bedrock", "eu-central-1"),
        ("SHADOW-AI-01", "warn", "k8s/retrieval.yaml", 86, "tei", None),
    }
