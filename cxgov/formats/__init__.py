"""Output formats: one module each, all those of a registry reading the same result.

`FORMATS` read a gate Result (`-o` of check, audit, merge, models, wcag); `DRIFT_FORMATS` a drift
run's Outcome (`drift check -o`, and its Prometheus textfile); `HISTORY_FORMATS` a drift state file's
runs (`drift history -o`); `INVENTORY_FORMATS` what `cxgov inventory` found. `get(name)` imports only
the format asked for, so a run that writes text never loads the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from cxgov.errors import UsageError
from cxgov.formats.interface import Format

FORMATS = {
    "text": "cxgov.formats.text:TextFormat",
    "json": "cxgov.formats.json:JsonFormat",
    "sarif": "cxgov.formats.sarif:SarifFormat",
    "junit": "cxgov.formats.junit:JunitFormat",
    "github": "cxgov.formats.github:GithubFormat",
    "markdown": "cxgov.formats.markdown:MarkdownFormat",
    "tap": "cxgov.formats.tap:TapFormat",
    "table": "cxgov.formats.table:TableFormat",
    "conftest-json": "cxgov.formats.conftest_json:ConftestJsonFormat",
}

DRIFT_FORMATS = {
    "text": "cxgov.formats.drift_text:DriftTextFormat",
    "json": "cxgov.formats.drift_json:DriftJsonFormat",
    "markdown": "cxgov.formats.drift_markdown:DriftMarkdownFormat",
    "prometheus": "cxgov.formats.drift_metrics:DriftMetricsFormat",
}

HISTORY_FORMATS = {
    "text": "cxgov.formats.drift_history_text:DriftHistoryTextFormat",
    "json": "cxgov.formats.drift_history_json:DriftHistoryJsonFormat",
}

INVENTORY_FORMATS = {
    "text": "cxgov.formats.inventory_text:InventoryTextFormat",
    "json": "cxgov.formats.inventory_json:InventoryJsonFormat",
    "cyclonedx": "cxgov.formats.inventory_cyclonedx:InventoryCycloneDxFormat",
}


def registry_for(result) -> Mapping[str, str]:
    """The formats that read this kind of result (by its type's name: formats never import the
    producers of what they read until one is rendered)."""
    kind = type(result).__name__
    registries = {"Result": FORMATS, "Outcome": DRIFT_FORMATS, "HistoryView": HISTORY_FORMATS,
                  "Inventory": INVENTORY_FORMATS}
    if kind not in registries:
        raise TypeError(f"no output formats read a {kind}")
    return registries[kind]


def get(name: str, registry: Mapping[str, str] = FORMATS) -> Format:
    try:
        target = registry[name]
    except KeyError:
        raise UsageError(f"unknown output format {name!r}", hint="choose from " + ", ".join(registry)) from None
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)()
