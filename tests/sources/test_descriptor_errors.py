"""Descriptor validation errors come all at once, through the real command line: each at its own line,
in document order, with "did you mean" for near misses, capped so a broken file stays readable."""

from __future__ import annotations

import json
import re

from conftest import run_cxgov

PROBLEM = re.compile(r"^  (?P<file>\S+?):(?P<line>\d+): (?P<path>\S+): (?P<message>.*)$")

# three mistakes on different lines, written in an order unlike the schema's (vendors before
# data_stores before system), so document order is not pydantic's order by accident
THREE = """\
apiVersion: cxgov.io/v1
kind: AISystem
metadata:
  name: helpdesk
vendors:
  - name: nordic-support
    country: NO
    soc2_period_end: someday
data_stores:
  - name: transcripts
    region: eu-west-1
    clasification: confidential
system:
  ai_act:
    risk_class: medium
"""


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def problems(stderr: str) -> list[dict]:
    return [m.groupdict() for m in map(PROBLEM.match, stderr.splitlines()) if m]


def check(tmp_path, text: str, *options: str):
    (tmp_path / "descriptor.yaml").write_text(text)
    return run_cxgov("check", "--no-color", *options, "descriptor.yaml", cwd=tmp_path)


def test_every_mistake_is_listed_at_its_own_line_in_document_order(tmp_path):
    run = check(tmp_path, THREE)
    assert run.code == 2, run.stderr
    heading, *rest = run.error_lines
    assert heading == "cxgov: error: descriptor.yaml: 3 problems in the descriptor (see `cxgov schema descriptor`):"
    found = problems(run.stderr)
    assert len(found) == len(rest) == 3, run.stderr
    assert [(p["file"], int(p["line"]), p["path"]) for p in found] == [
        ("descriptor.yaml", line_of(THREE, "soc2_period_end"), "vendors.0.soc2_period_end"),
        ("descriptor.yaml", line_of(THREE, "clasification"), "data_stores.0.clasification"),
        ("descriptor.yaml", line_of(THREE, "risk_class"), "system.ai_act.risk_class"),
    ]
    date, spelling, literal = (p["message"] for p in found)
    assert "valid date" in date and "'someday'" in date
    assert spelling == "unknown field, did you mean `classification`?"
    assert literal.startswith("expected 'minimal', 'limited', 'high' or 'prohibited', got 'medium'")
    assert "more" not in run.stderr


def test_json_output_gets_the_same_listing_and_no_report(tmp_path):
    text_run = check(tmp_path, THREE)
    json_run = check(tmp_path, THREE, "-o", "json")
    assert json_run.code == 2
    assert json_run.stderr == text_run.stderr
    # nothing half-written on stdout that a pipeline could read as a (passing) report
    assert not json_run.stdout.strip() or "error" in json.loads(json_run.stdout)


def test_thirty_mistakes_show_the_first_twenty_then_a_count(tmp_path):
    stores = "".join(f"  - name: store-{i}\n    retention_day: {i}\n" for i in range(30))
    text = "apiVersion: cxgov.io/v1\nkind: AISystem\nmetadata: {name: big}\ndata_stores:\n" + stores
    run = check(tmp_path, text)
    assert run.code == 2
    assert "descriptor.yaml: 30 problems in the descriptor" in run.error_lines[0]
    found = problems(run.stderr)
    assert len(found) == 20
    assert [p["path"] for p in found] == [f"data_stores.{i}.retention_day" for i in range(20)]
    assert [int(p["line"]) for p in found] == [6 + 2 * i for i in range(20)]
    assert all(p["message"] == "unknown field, did you mean `retention_days`?" for p in found)
    assert run.error_lines[-1] == "  ... and 10 more"
    assert len(run.error_lines) == 1 + 20 + 1


def test_one_mistake_is_one_line_with_its_suggestion(tmp_path):
    text = THREE.replace("    soc2_period_end: someday\n", "").replace("risk_class: medium", "risk_class: high")
    run = check(tmp_path, text)
    assert run.code == 2
    assert run.error_lines == [
        f"cxgov: error: descriptor.yaml:{line_of(text, 'clasification')}: descriptor data_stores.0.clasification: "
        "unknown field, did you mean `classification`? (see `cxgov schema descriptor`)"]


def test_lines_count_from_the_file_when_the_descriptor_is_not_its_first_document(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n---\n" + THREE
    run = check(tmp_path, text)
    assert run.code == 2
    lines = [int(p["line"]) for p in problems(run.stderr)]
    assert lines == [line_of(text, "soc2_period_end"), line_of(text, "clasification"), line_of(text, "risk_class")]
    assert lines[0] == line_of(THREE, "soc2_period_end") + 4


def test_suggestions_only_for_near_misses(tmp_path):
    text = """\
apiVersion: cxgov.io/v1
kind: AISystem
metadata: {name: helpdesk}
system:
  environment: prod
  dpia_ref: {uri: evidence/dpia.md}
data_stores:
  - name: transcripts
    kind: transcript
    location: eu-west-1
    classification: confidental
    backup:
      region: eu-west-1
"""
    run = check(tmp_path, text)
    assert run.code == 2
    messages = {p["path"]: p["message"] for p in problems(run.stderr)}
    assert messages == {
        "system.environment": "expected 'production', 'staging', 'development' or 'test', got 'prod'; "
                              "did you mean 'production'?",
        # a known field at the wrong depth (an indent off) names where it belongs
        "system.dpia_ref": "unknown field here: `dpia_ref` belongs at `evidence.dpia_ref`",
        "data_stores.0.kind": "unknown field, did you mean `data_kind`?",
        # nothing close: no guess that would mislead
        "data_stores.0.location": "unknown field (check the spelling)",
        "data_stores.0.classification": "expected 'public', 'internal', 'confidential' or 'restricted', "
                                        "got 'confidental'; did you mean 'confidential'?",
        "data_stores.0.backup.region": "unknown field, did you mean `regions`?",
    }


def test_every_problem_of_cxgov_yaml_is_listed_at_once(tmp_path):
    (tmp_path / "cxgov.yaml").write_text('system: acme\nmanifests: [k8s]\nmodel:\n  registry: x\nui:\n  skipp: "no"\n')
    (tmp_path / "k8s").mkdir()
    run = run_cxgov("audit", cwd=tmp_path)
    assert run.code == 2
    assert "2 problems in the cxgov.yaml" in run.stderr
    assert "cxgov.yaml:3: model: unknown field, did you mean `models`?" in run.stderr
    assert "cxgov.yaml:6: ui.skipp: unknown field, did you mean `skip`?" in run.stderr
