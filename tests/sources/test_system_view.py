"""The descriptor and the system view: validation with lines, YAML 1.2 traps, evidence facts."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from conftest import DATA, EVALUATION_DATE
from cxgov import system_view
from cxgov.errors import InputError
from cxgov.sources.files import FileSource


@pytest.fixture
def system(tmp_path):
    shutil.copytree(DATA / "system", tmp_path, dirs_exist_ok=True)
    (tmp_path / "evidence").mkdir()
    return tmp_path


def build(root):
    subjects = list(FileSource([str(root / "descriptor.yaml")], root=root).subjects())
    return system_view.build(subjects, root, EVALUATION_DATE)


def test_system_subject_holds_descriptor_lines_and_traps_as_strings(system):
    view = build(system)
    assert (view.kind, view.id) == ("system", "system:helpdesk")
    assert (view.origin.file, view.origin.line) == ("descriptor.yaml", 6)
    d = view.document["descriptor"]
    assert d["vendors"][0]["country"] == "NO"  # Norway, not false
    assert d["data_stores"][0]["region"] == "on"  # a (bad) region name, not true
    assert view.document["lines"]["data_stores.0"] == 19
    assert view.document["lines"]["data_stores.0.region"] == 21
    assert view.document["evaluation_date"] == EVALUATION_DATE


def test_evidence_facts_hash_age_and_unreadable_uris(system):
    dpia = system / "evidence" / "dpia.md"
    dpia.write_text("DPIA v3\n")
    facts = build(system).document["evidence"]
    assert facts["evidence/dpia.md"] == {"exists": True, "local": True, "sha256": hashlib.sha256(b"DPIA v3\n").hexdigest(),
                                         "hash_matches": False, "approved": True, "age_days": 82}
    assert facts["https://example.com/pentest.pdf"]["local"] is False
    assert facts["https://example.com/pentest.pdf"]["hash_matches"] is False
    text = (system / "descriptor.yaml").read_text().replace("0" * 64, hashlib.sha256(b"DPIA v3\n").hexdigest())
    (system / "descriptor.yaml").write_text(text)
    assert build(system).document["evidence"]["evidence/dpia.md"]["hash_matches"] is True
    dpia.unlink()
    assert build(system).document["evidence"]["evidence/dpia.md"]["exists"] is False


def test_unknown_descriptor_field_is_an_error_with_its_line(system):
    text = (system / "descriptor.yaml").read_text().replace("    retention_days: 30", "    retention_day: 30")
    (system / "descriptor.yaml").write_text(text)
    with pytest.raises(InputError) as err:
        build(system)
    assert str(err.value).startswith("descriptor.yaml:22: descriptor data_stores.0.retention_day: unknown field")


def test_wrong_type_names_what_is_expected(system):
    text = (system / "descriptor.yaml").read_text().replace("risk_class: limited", "risk_class: medium")
    (system / "descriptor.yaml").write_text(text)
    with pytest.raises(InputError) as err:
        build(system)
    assert "descriptor.yaml:14" in str(err.value) and "'minimal', 'limited', 'high' or 'prohibited'" in str(err.value)


def test_two_descriptors_are_refused(system):
    (system / "other.yaml").write_text("apiVersion: cxgov.io/v1\nkind: AISystem\nmetadata: {name: b}\n")
    subjects = list(FileSource([str(system / "descriptor.yaml"), str(system / "other.yaml")], root=system).subjects())
    with pytest.raises(InputError, match="more than one descriptor"):
        system_view.build(subjects, system, EVALUATION_DATE)


def test_no_descriptor_no_system_subject(tmp_path):
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
    assert system_view.build(list(FileSource([str(tmp_path / "a.yaml")], root=tmp_path).subjects()), tmp_path, EVALUATION_DATE) is None


def test_schema_command_prints_the_descriptor_schema(cxgov):
    run = cxgov("schema", "descriptor")
    assert run.code == 0
    schema = json.loads(run.stdout)
    assert schema["title"] == "Descriptor"
    assert {"apiVersion", "kind", "metadata", "data_stores", "ai_providers"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False
