"""Output formats: one module each, all reading the same Result.

`get(name)` imports only the format asked for, so a run that writes text never loads the others.
"""

from __future__ import annotations

import importlib

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


def get(name: str) -> Format:
    try:
        target = FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown output format {name!r}", hint="choose from " + ", ".join(FORMATS)) from None
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)()
