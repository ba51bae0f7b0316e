"""cxgov's control catalog as an OSCAL catalog: policies/oscal/catalog.json, and its copy in a bundle.

The shipped catalog is generated (scripts/oscal_catalog.py) from two sources:

- policies/oscal/control_titles.json: ids and titles of the GDPR, EU AI Act and European
  Accessibility Act articles, SOC 2 criteria (ids and cxgov's short labels, never the AICPA's
  criteria text), WCAG 2.2 success criteria and EN 301 549 clauses (clause 9.x.y.z is WCAG
  success criterion x.y.z, so those are derived from the WCAG list);
- the builtin rules' METADATA `frameworks` and the criteria the WCAG scan rules name from axe-core
  (controls.rule_controls): generation fails when a rule names a control that has no title, so
  every control a builtin rule maps is in the catalog.

One OSCAL group per framework (the group id is the framework id). OSCAL control ids are tokens,
so a control's catalog id is `control_token(framework, control)` (`gdpr`, `Art.5(1)(e)` ->
`gdpr-Art.5.1.e`); the original id stays in the control's `label` prop and its framework in a
cxgov prop. A bundle copies the shipped catalog byte for byte; only when the run's own policies map
controls the catalog lacks does the copy gain a group naming them, so every control id in the
bundle's OSCAL documents resolves in the bundle's catalog.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from pathlib import Path
from typing import Any

from cxgov.evidence.oscal_common import line, oscal_version, prop
from cxgov.evidence.sbom import NAMESPACE
from cxgov.evidence.view import BundleView
from cxgov.model import sha256_of

TITLES = "control_titles.json"
SHIPPED = "catalog.json"
#: the reviewed control of a run in which no control could be assessed: OSCAL's reviewed-controls
#: needs at least one control, and trestle's model accepts no include-all there
NO_CONTROL = "cxgov-no-control-assessed"
RUN_GROUP = "cxgov-run"
_CLASS = {"gdpr": "article", "eu-ai-act": "article", "eaa": "article", "soc2": "criterion",
          "wcag22": "success-criterion", "en301549": "clause"}


def control_token(framework: str, control: str) -> str:
    """The catalog id of a framework's control, an OSCAL token: `gdpr`, `Art.5(1)(e)` -> `gdpr-Art.5.1.e`."""
    text = control.replace("(", ".").replace(")", "")
    text = re.sub(r"[^\w.\-]+", "_", text).strip("_.")
    return re.sub(r"[^\w.\-]+", "_", framework) + "-" + text


def oscal_dir() -> Path:
    from cxgov.engine.policyset import builtin_policy_dir

    return builtin_policy_dir() / "oscal"


def load_titles(path: Path | None = None) -> dict[str, Any]:
    return json.loads((path or oscal_dir() / TITLES).read_text(encoding="utf-8"))


def builtin_controls() -> dict[str, set[str]]:
    """framework -> the controls the builtin rules map (METADATA, and axe-core's criteria for the scan rules)."""
    from cxgov.engine.policyset import load
    from cxgov.evidence.controls import rule_controls

    named: dict[str, set[str]] = {}
    for rule in load([], builtin=True).catalog().values():
        if rule.builtin:
            for framework, controls in rule_controls(rule).items():
                named.setdefault(framework, set()).update(controls)
    return named


def catalog_entries(titles: dict[str, Any], named: dict[str, set[str]]) -> dict[str, dict[str, dict[str, Any]]]:
    """framework -> control -> {title, level?, since?, class?}: every titled control, the EN 301 549
    web clauses derived from WCAG, and a check that each control a rule names has a title."""
    entries: dict[str, dict[str, dict[str, Any]]] = {}
    for framework, spec in titles["frameworks"].items():
        entries[framework] = {cid: ({"title": v} if isinstance(v, str) else dict(v)) for cid, v in spec["controls"].items()}
    wcag, en = entries.get("wcag22", {}), entries.setdefault("en301549", {})
    for criterion, entry in wcag.items():
        clause = f"9.{criterion}"
        if entry.get("class") == "cxgov" or clause in en:
            continue
        if entry.get("level") in ("A", "AA") and "since" not in entry or clause in named.get("en301549", ()):
            en[clause] = {"title": entry["title"], "wcag": criterion}
    missing = sorted(f"{fw} {c}" for fw, cs in named.items() for c in cs if c not in entries.get(fw, {}))
    if missing:
        raise ValueError(f"{TITLES} has no title for controls the builtin rules map: " + ", ".join(missing))
    return entries


def build_catalog(titles: dict[str, Any], named: dict[str, set[str]]) -> dict[str, Any]:
    from cxgov.evidence.controls import natural_key

    entries = catalog_entries(titles, named)
    groups, seen = [], {}
    for framework in sorted(entries):
        spec = titles["frameworks"].get(framework, {})
        controls = []
        for cid in sorted(entries[framework], key=natural_key):
            token = control_token(framework, cid)
            if token in seen:
                raise ValueError(f"{framework} {cid} and {seen[token]} share the catalog id {token}")
            seen[token] = f"{framework} {cid}"
            controls.append(_control(framework, cid, token, entries[framework][cid]))
        group = {"id": framework, "class": "framework", "title": spec.get("title", framework), "controls": controls}
        if spec.get("href"):
            group["links"] = [{"href": spec["href"], "rel": "reference"}]
        groups.append(group)
    digest = sha256_of({"entries": entries, "titles": titles})
    return {"catalog": {
        "uuid": str(uuid.uuid5(NAMESPACE, "oscal-catalog:" + digest)),
        "metadata": {
            "title": "cxgov control catalog",
            "last-modified": titles["published"], "published": titles["published"],
            "version": titles["version"], "oscal-version": oscal_version(),
            "props": [prop("content-sha256", digest)],
            "remarks": "The controls cxgov's builtin rules map, by framework: ids and titles only. Control ids "
                       "are OSCAL tokens made from the framework and the control (gdpr, Art.5(1)(e) -> "
                       "gdpr-Art.5.1.e); the `label` prop keeps the original id. The SOC 2 titles are cxgov's "
                       "labels: the Trust Services Criteria text is the AICPA's.",
        },
        "groups": groups,
    }}


def _control(framework: str, cid: str, token: str, entry: dict[str, Any]) -> dict[str, Any]:
    cls = entry.get("class") or ("annex" if cid.startswith("Annex") else _CLASS.get(framework, "control"))
    props = [prop("label", cid, ns=None), prop("framework", framework)]
    if entry.get("level"):
        props.append(prop("level", entry["level"]))
    if entry.get("wcag"):
        props.append(prop("wcag-success-criterion", entry["wcag"]))
    return {"id": token, "class": cls, "title": line(entry["title"]), "props": props}


def generate() -> bytes:
    """The shipped catalog's bytes, from the titles and the builtin rules as they are now."""
    from cxgov.evidence.build import dumps

    return dumps(build_catalog(load_titles(), builtin_controls()))


def shipped_bytes() -> bytes:
    return _file_bytes(oscal_dir() / SHIPPED)


@functools.lru_cache(maxsize=4)
def _file_bytes(path: Path) -> bytes:
    """A shipped file read once per process: every bundle holds the catalog (120 kB)."""
    return path.read_bytes()


def control_ids(document: dict[str, Any]) -> set[str]:
    """Every control id of a catalog document, nested controls included."""
    out: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        for group in node.get("groups", ()):
            walk(group)
        for control in node.get("controls", ()):
            out.add(control["id"])
            walk(control)

    walk(document["catalog"])
    return out


def run_controls(view: BundleView) -> list[str]:
    """The catalog ids of every control the run's policies map (the control matrix's controls), in
    the matrix's order; [NO_CONTROL] when the matrix is empty."""
    from cxgov.evidence.controls import control_index, natural_key

    keys = sorted(control_index(view.result), key=lambda k: (k[0], natural_key(k[1])))
    return [control_token(fw, c) for fw, c in keys] or [NO_CONTROL]


def bundle_catalog(view: BundleView) -> dict[str, Any]:
    """The bundle's oscal/catalog.json: the shipped catalog, plus a group for the controls only this
    run's own policies map (and the placeholder when no control could be assessed)."""
    from cxgov.evidence.controls import control_index, control_statuses

    document = json.loads(shipped_bytes())
    known = control_ids(document)
    extra = {control_token(fw, c): (fw, c) for fw, c in control_index(view.result) if control_token(fw, c) not in known}
    if all(status == "not-assessed" for status in control_statuses(view.result).values()):
        extra[NO_CONTROL] = ("cxgov", "no control assessed")
    if not extra:
        return document
    from cxgov.evidence.controls import framework_title

    catalog = document["catalog"]
    controls = []
    for token in sorted(extra):
        framework, cid = extra[token]
        title = ("No control could be assessed in this run" if token == NO_CONTROL
                 else f"{framework_title(framework)} {cid}")
        controls.append({"id": token, "class": "run", "title": line(title),
                         "props": [prop("label", cid, ns=None), prop("framework", framework)]})
    catalog["groups"].append({"id": RUN_GROUP, "class": "run", "title": "Controls named only by this run's policies",
                              "controls": controls})
    catalog["uuid"] = str(uuid.uuid5(uuid.UUID(catalog["uuid"]), sha256_of(sorted(extra.items()))))
    catalog["metadata"]["remarks"] += (" This copy adds the group cxgov-run: controls the audited run's own "
                                       "policies map that the shipped catalog does not hold.")
    return document
