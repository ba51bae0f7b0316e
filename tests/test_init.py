"""`cxgov init` scaffolds a working cxgov.yaml, waivers.yaml and a GitHub workflow, fills in what the
repository holds, and never overwrites a file."""

from __future__ import annotations

import json
import shutil

import yaml

from conftest import ROOT, run_cxgov
from evidence_bundles import live_args


def test_init_scaffolds_three_files_that_load(tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "terraform").mkdir()
    (tmp_path / "terraform" / "plan.json").write_text("{}")
    run = run_cxgov("init", str(tmp_path), "--system", "support-bot")
    assert run.code == 0, run.stderr
    assert "created  cxgov.yaml" in run.stdout and "created  .github/workflows/cxgov-audit.yml" in run.stdout
    from cxgov.audit_config import load_config

    config = load_config(tmp_path / "cxgov.yaml")
    assert config.system == "support-bot"
    assert config.manifests == ["k8s"] and config.plans == ["terraform/plan.json"] and config.descriptor is None
    assert config.waivers == "waivers.yaml" and config.evidence.signing_key.env == "CXGOV_SIGNING_KEY"
    assert config.skipped() == {"models": "no MLflow registry configured yet", "ui": "no UI entry points configured yet"}
    assert yaml.safe_load((tmp_path / "waivers.yaml").read_text()) == {"waivers": []}
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "cxgov-audit.yml").read_text())
    steps = workflow["jobs"]["audit"]["steps"]
    assert any(s.get("run") == "cxgov audit cxgov.yaml" for s in steps)
    assert workflow["permissions"] == {"contents": "read"}


def test_init_never_overwrites(tmp_path):
    (tmp_path / "waivers.yaml").write_text("waivers: [] # ours\n")
    run = run_cxgov("init", str(tmp_path))
    assert run.code == 0
    assert "kept     waivers.yaml (exists; not overwritten)" in run.stdout
    assert (tmp_path / "waivers.yaml").read_text() == "waivers: [] # ours\n"
    again = run_cxgov("init", str(tmp_path))
    assert again.code == 2 and "nothing written" in again.stderr


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
    assert config.skipped() == {}  # what the descriptor declares is read, not skipped
    acme_registry.compliant()
    run = run_cxgov("audit", "--evaluation-date", "2026-11-22", "--unsigned", "-o", "json=report.json",
                    *live_args(acme_registry, acme_ui, "compliant"), cwd=repo, timeout=900)
    assert run.code == 0, run.stderr
    assert (repo / "evidence-bundles" / "acme-cx-2026-11-22.tar.gz").is_file()
    kinds = [s["kind"] for s in json.loads((repo / "report.json").read_text())["subjects"]]
    assert kinds.count("model-version") == 1 and kinds.count("ui-scan") == 6
