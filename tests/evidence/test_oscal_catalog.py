"""policies/oscal/catalog.json: cxgov's control catalog in OSCAL, generated from the control titles and
the builtin rules' METADATA, and never out of date with them."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
import regex

from conftest import ROOT
from cxgov.evidence import oscal_catalog
from cxgov.evidence.oscal_catalog import (build_catalog, builtin_controls, control_ids, control_token, generate,
                                          load_titles, shipped_bytes)
from cxgov.evidence.oscal_common import PROPS_NS, validate
from test_evidence_oscal import nist, schema_errors  # noqa: F401  (the NIST OSCAL schema fixture)

TOKEN = regex.compile(r"^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$")  # OSCAL's token datatype


@pytest.fixture(scope="module")
def shipped():
    return json.loads(shipped_bytes())


@pytest.fixture(scope="module")
def named():
    return builtin_controls()


def test_the_shipped_catalog_is_what_the_generator_writes():
    assert shipped_bytes() == generate(), "run scripts/oscal_catalog.py"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "oscal_catalog.py"), "--check"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr


def test_the_check_fails_on_a_stale_catalog(tmp_path, monkeypatch):
    (tmp_path / "catalog.json").write_bytes(shipped_bytes().replace(b"Storage limitation", b"Storage"))
    (tmp_path / "control_titles.json").write_bytes((oscal_catalog.oscal_dir() / "control_titles.json").read_bytes())
    monkeypatch.setattr(oscal_catalog, "oscal_dir", lambda: tmp_path)
    spec = importlib.util.spec_from_file_location("oscal_catalog_script", ROOT / "scripts" / "oscal_catalog.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main(["--check"]) == 1
    assert script.main([]) == 0 and (tmp_path / "catalog.json").read_bytes() == generate()


def test_valid_in_trestle_and_against_the_nist_schema(shipped, nist):  # noqa: F811
    assert validate("catalog", shipped) == []
    assert schema_errors(nist, shipped) == []
    broken = json.loads(shipped_bytes())
    broken["catalog"]["groups"][0]["controls"][0]["id"] = "Art.5 (1)"  # not a token
    assert validate("catalog", broken) and schema_errors(nist, broken)


def test_one_group_per_framework_with_the_ids_and_titles(shipped):
    groups = {g["id"]: g for g in shipped["catalog"]["groups"]}
    assert set(groups) == {"gdpr", "eu-ai-act", "soc2", "wcag22", "en301549", "eaa"}
    by_label = {(g, next(p["value"] for p in c["props"] if p["name"] == "label")): c
                for g, group in groups.items() for c in group["controls"]}
    assert by_label[("gdpr", "Art.5(1)(e)")]["id"] == "gdpr-Art.5.1.e"
    assert by_label[("gdpr", "Art.44")]["title"] == "General principle for transfers"
    assert by_label[("eu-ai-act", "Art.50(1)")]["title"] == "Informing people that they interact with an AI system"
    assert by_label[("eu-ai-act", "Art.12")]["title"] == "Record-keeping"
    assert by_label[("soc2", "CC8.1")]["title"] == "Change management"
    assert by_label[("wcag22", "1.4.3")]["title"] == "Contrast (Minimum)"
    # EN 301 549 clause 9.x.y.z is WCAG success criterion x.y.z, under the same name
    assert by_label[("en301549", "9.1.4.3")]["title"] == "Contrast (Minimum)"
    assert {"name": "level", "ns": PROPS_NS, "value": "AA"} in by_label[("wcag22", "1.4.3")]["props"]
    ids = [c["id"] for g in groups.values() for c in g["controls"]]
    assert len(ids) == len(set(ids)) > 200
    assert all(TOKEN.match(i) for i in ids)


def test_soc2_holds_ids_and_short_titles_only(shipped):
    [soc2] = [g for g in shipped["catalog"]["groups"] if g["id"] == "soc2"]
    for control in soc2["controls"]:
        assert set(control) == {"id", "class", "title", "props"}  # no parts: no criteria text
        assert len(control["title"]) <= 80 and not control["title"].startswith("The entity")


def test_every_control_a_builtin_rule_maps_resolves(shipped, named):
    ids = control_ids(shipped)
    wanted = {control_token(fw, c) for fw, cs in named.items() for c in cs}
    assert wanted and wanted <= ids
    # the scan rules' criteria from axe-core are among them
    assert {"wcag22-1.4.3", "en301549-9.1.4.3", "wcag22-4.1.2"} <= wanted


def test_a_control_without_a_title_stops_generation(named):
    titles = load_titles()
    del titles["frameworks"]["gdpr"]["controls"]["Art.44"]
    with pytest.raises(ValueError, match="no title for controls the builtin rules map: gdpr Art.44"):
        build_catalog(titles, named)


def test_colliding_catalog_ids_stop_generation(named):
    titles = load_titles()
    titles["frameworks"]["gdpr"]["controls"]["Art.5.1.e"] = "A second spelling"
    with pytest.raises(ValueError, match="share the catalog id gdpr-Art.5.1.e"):
        build_catalog(titles, named)


def test_control_tokens_are_oscal_tokens(named):
    for framework, controls in named.items():
        for control in controls:
            assert TOKEN.match(control_token(framework, control)), (framework, control)
    assert control_token("eu-ai-act", "Art.15(1)-(3)") == "eu-ai-act-Art.15.1-.3"
    assert control_token("wcag22", "A/AA") == "wcag22-A_AA"
