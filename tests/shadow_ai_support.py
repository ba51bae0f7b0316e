"""The acme-cx shadow-AI example: the compliant variant with examples/acme-cx-shadow laid over it, and
the descriptor patched with the declarations of examples/acme-cx-shadow/declared/additions.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from conftest import ROOT

COMPLIANT = ROOT / "examples" / "acme-cx" / "compliant"
SHADOW = ROOT / "examples" / "acme-cx-shadow"
SECRET = "sk-ant-api03-Xq7vR2mN9pL4kT8wZ1yB6cF3hJ5dG0sA-EXAMPLEONLY-kd93jf"  # examples/acme-cx-shadow/app/.env
# (file, line, provider, evidence): what the example hides, where (examples/acme-cx-shadow/README.md)
UNDECLARED = {
    ("k8s/chat-api.yaml", 79, "anthropic", "variable ANTHROPIC_BASE_URL"),
    ("k8s/chat-api.yaml", 80, "anthropic", "variable ANTHROPIC_API_KEY"),
    ("k8s/chat-api.yaml", 130, "ollama", "image 123456789012.dkr.ecr.eu-central-1.amazonaws.com/ollama/ollama"),
    ("k8s/chat-api.yaml", 136, "ollama", "variable OLLAMA_HOST"),
    ("app/requirements.txt", 4, "openai", "package langchain-openai"),
    ("app/.env", 3, "anthropic", "variable ANTHROPIC_API_KEY"),
    ("terraform/summaries.tf", 2, "azure_openai", "azurerm_cognitive_account.summaries"),
    ("terraform/summaries.tf", 13, "azure_openai", "azurerm_cognitive_deployment.summaries"),
}


def overlay(target: Path) -> Path:
    """examples/acme-cx/compliant with the shadow example's files over it, in `target`."""
    shutil.copytree(COMPLIANT, target)
    for part in ("k8s", "app", "terraform"):
        shutil.copytree(SHADOW / part, target / part, dirs_exist_ok=True)
    assert SECRET in (target / "app" / ".env").read_text()
    return target


def _indented(items: list, indent: str) -> str:
    text = yaml.safe_dump(items, sort_keys=False, default_flow_style=False, width=200)
    return "".join(indent + line + "\n" for line in text.splitlines())


def declare(variant: Path) -> None:
    """Apply declared/additions.yaml to the variant's descriptor (text insertions: lines stay put above)."""
    additions = yaml.safe_load((SHADOW / "declared" / "additions.yaml").read_text())
    path = variant / "cxgov" / "descriptor.yaml"
    text = path.read_text()
    text = text.replace("\nvendors:\n", "\n" + _indented(additions["ai_providers"], "  ") + "\nvendors:\n", 1)
    anchor = "  llm_egress_allowlist:\n"
    assert anchor in text
    text = text.replace(anchor, anchor + _indented(additions["llm_egress_allowlist"], "    "), 1)
    for ropa_id, recipients in additions["ropa_recipients"].items():
        anchor = f"  - id: {ropa_id}\n"
        head, tail = text.split(anchor, 1)
        purpose, rest = tail.split("    recipients:\n", 1)
        text = head + anchor + purpose + "    recipients:\n" + _indented(recipients, "      ") + rest
    path.write_text(text)
