"""`--shard I/N` and `cxgov merge`: every input in exactly one shard, and the merged verdict is the
unsplit run's, byte for byte; anything that would leave inputs unchecked is an error."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import DATA, EVALUATION_DATE, ROOT, run_cxgov

ACME = ROOT / "examples" / "acme-cx" / "noncompliant"
ACME_ARGS = ("cxgov", "k8s", "terraform/plan.json")


def check(directory, *args):
    return run_cxgov("check", *args, "--evaluation-date", EVALUATION_DATE, cwd=directory)


def sharded(directory, args, n, tmp_path, prefix="shard"):
    """Run every shard of an n-way split; return their JSON result files."""
    files = []
    for i in range(1, n + 1):
        out = tmp_path / f"{prefix}-{i}.json"
        run = check(directory, *args, "--shard", f"{i}/{n}", "-o", f"json={out}", "-o", "text")
        assert run.code in (0, 1), run.stderr
        assert f"shard {i}/{n}: " in run.stdout  # a shard's own report says it is not the whole verdict
        files.append(out)
    return files


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """60 manifest files, some breaking the conftest test policy, plus a plan."""
    root = tmp_path_factory.mktemp("many")
    for i in range(60):
        image = "nginx:latest" if i % 4 == 0 else "registry.acme.example/app@sha256:ab"
        ctx = "      securityContext: {runAsNonRoot: true}\n" if i % 3 else ""
        (root / f"app-{i:02d}.yaml").write_text(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n  template:\n    spec:\n"
            f"{ctx}      containers:\n        - name: app\n          image: {image}\n")
    shutil.copytree(DATA / "conftest" / "policy", root / "policy")
    shutil.copytree(DATA / "conftest" / "data", root / "data")
    return root


MANY_ARGS = (".", "--no-builtin", "-p", "policy", "-d", "data", "--include", "app-*")


def test_shards_cover_every_input_exactly_once(many, tmp_path):
    whole = json.loads(check(many, *MANY_ARGS, "-o", "json").stdout)
    per_shard = [json.loads(f.read_text()) for f in sharded(many, MANY_ARGS, 4, tmp_path)]
    ids = [s["id"] for doc in per_shard for s in doc["subjects"]]
    assert len(ids) == len(set(ids)) == 60  # none twice
    assert set(ids) == {s["id"] for s in whole["subjects"]}  # none left out
    assert all(doc["shard"]["files"] == 15 and doc["shard"]["inputs"] == 60 for doc in per_shard)
    again = [json.loads(f.read_text())["subjects"] for f in sharded(many, MANY_ARGS, 4, tmp_path, "again")]
    assert again == [doc["subjects"] for doc in per_shard]  # the same split every time


def test_merged_result_equals_the_unsplit_run(many, tmp_path):
    whole = check(many, *MANY_ARGS, "-o", "json")
    assert whole.code == 1 and json.loads(whole.stdout)["verdict"]["counts"]["deny"] > 0
    merged = run_cxgov("merge", *map(str, sharded(many, MANY_ARGS, 3, tmp_path)), "-o", "json")
    assert merged.code == whole.code
    assert merged.stdout == whole.stdout


def test_merged_system_with_descriptor_and_waivers_equals_the_unsplit_run(tmp_path, acme_registry):
    # the descriptor's shard builds the system view over every file (and the model versions it deploys);
    # the waiver file is read by each shard. The UI is not scanned here (--no-ui: WCAG-SCAN-01 reports
    # its states unscanned, the same in every run), since each scan is taken at its own time and the
    # byte-for-byte comparison below would see the timestamps.
    acme_registry.noncompliant()
    directory = tmp_path / "acme"
    shutil.copytree(ACME, directory)
    args = (*ACME_ARGS, "--tracking-uri", acme_registry.uri, "--no-ui")
    whole = check(directory, *args, "-o", "json")
    files = sharded(directory, args, 4, tmp_path)
    # from the system's directory, as the checks ran: SARIF anchors UI and model findings at the
    # descriptor lines that declare them, read from there
    merged = run_cxgov("merge", *map(str, files), "-o", "json", "-o", f"sarif={tmp_path / 'merged.sarif'}",
                       cwd=directory)
    whole_sarif = check(directory, *args, "-o", "sarif")
    assert whole.code == merged.code == 1
    assert merged.stdout == whole.stdout
    assert (tmp_path / "merged.sarif").read_text() == whole_sarif.stdout
    doc = json.loads(merged.stdout)
    assert any(s["kind"] == "system" for s in doc["subjects"]) and doc["verdict"]["counts"]["waived"] >= 1
    assert any(s["kind"] == "model-version" for s in doc["subjects"])


def test_more_shards_than_files(many, tmp_path):
    args = ("app-00.yaml", "app-01.yaml", "--no-builtin", "-p", "policy", "-d", "data")
    files = sharded(many, args, 3, tmp_path)
    assert json.loads(files[2].read_text())["subjects"] == []  # an empty shard is fine, and passes
    merged = run_cxgov("merge", *map(str, files), "-o", "json")
    whole = check(many, *args, "-o", "json")
    assert merged.stdout == whole.stdout and merged.code == whole.code == 1


def test_merge_refuses_incomplete_or_mismatched_shards(many, tmp_path):
    files = sharded(many, MANY_ARGS, 3, tmp_path)
    missing = run_cxgov("merge", str(files[0]), str(files[2]))
    assert missing.code == 2 and missing.stdout == ""
    assert "shard 2/3 is missing" in missing.stderr
    twice = run_cxgov("merge", str(files[0]), str(files[1]), str(files[1]), str(files[2]))
    assert twice.code == 2 and "given twice" in twice.stderr
    other = tmp_path / "other-date.json"
    run_cxgov("check", *MANY_ARGS, "--shard", "2/3", "--evaluation-date", "2026-01-01", "-o", f"json={other}", cwd=many)
    dates = run_cxgov("merge", str(files[0]), str(other), str(files[2]))
    assert dates.code == 2 and "shards disagree on the evaluation date" in dates.stderr
    fewer = tmp_path / "fewer.json"
    check(many, *MANY_ARGS, "--exclude", "app-59.yaml", "--shard", "2/3", "-o", f"json={fewer}")
    inputs = run_cxgov("merge", str(files[0]), str(fewer), str(files[2]))
    assert inputs.code == 2 and "disagree on the input file list" in inputs.stderr
    unsharded = tmp_path / "whole.json"
    check(many, *MANY_ARGS, "-o", f"json={unsharded}")
    plain = run_cxgov("merge", str(unsharded))
    assert plain.code == 2 and "not a shard" in plain.stderr and "whole.json" in plain.stderr
    (tmp_path / "junk.json").write_text('{"findings": []}')
    junk = run_cxgov("merge", str(tmp_path / "junk.json"))
    assert junk.code == 2 and "not a cxgov JSON result" in junk.stderr


def test_shard_option_errors(many):
    for spec, message in (("0/3", "between 1 and N"), ("4/3", "between 1 and N"), ("two", "is not I/N")):
        run = check(many, *MANY_ARGS, "--shard", spec)
        assert run.code == 2 and message in run.stderr, spec
    combined = check(many, *MANY_ARGS, "--shard", "1/2", "--combine")
    assert combined.code == 2 and "--combine" in combined.stderr
