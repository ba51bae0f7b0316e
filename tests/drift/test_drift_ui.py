"""Drift against the live chat widget: real headless Chromium and axe-core scan a local copy of the
acme-cx widget, in every state the descriptor declares; a brand refresh that breaks the notice's
contrast is detected and named, and rolling it back resolves it.

The approved audit and every drift check scan the declared entry point on the local copy
(--ui-base-url); findings keep the declared URL. The models' drift is tested in test_drift_live.py;
here the config leaves them out, with its reason."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from drift_support import WebhookReceiver, skip_source
from ui_support import DECLARED, serving

UI = ROOT / "examples" / "acme-cx" / "ui"
TIMEOUT = 900
CONTRAST_BREAK = "<style>.acme-chat__notice { color: #c8c8c8; }</style>\n</head>"


@pytest.fixture(scope="module")
def widget(tmp_path_factory):
    base = tmp_path_factory.mktemp("drift-ui")
    site = base / "site"  # a copy this module may break: the widget's assets and its fixed/ page
    shutil.copytree(UI, site, ignore=shutil.ignore_patterns("broken"))
    with serving(site) as url:
        system = base / "acme-cx"
        shutil.copytree(ROOT / "examples" / "acme-cx" / "compliant", system)
        skip_source(system, "models", "the model registry's drift is watched by its own job")
        live = ("--ui-base-url", f"{url}fixed")
        audit = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(base / "approved"),
                          "--unsigned", *live, cwd=system, timeout=TIMEOUT)
        assert audit.code in (0, 1), audit.stdout + audit.stderr
        yield site / "fixed" / "help" / "index.html", live, system, base / "approved.tar.gz"


def drift(system, bundle, live, *args):
    # the approved bundle was audited --unsigned: its trust is stated, not assumed
    return run_cxgov("drift", "check", "--baseline", str(bundle), "--allow-unsigned", "--state", "state.db",
                     "--evaluation-date", EVALUATION_DATE, "-o", "text", "-o", "json=drift.json", *live, *args,
                     cwd=system, timeout=TIMEOUT)


def test_broken_contrast_is_detected_named_and_resolved_by_the_rollback(widget):
    page, live, system, bundle = widget
    fixed = page.read_text()
    scan = f"{DECLARED}#open"  # findings name the declared entry point, not the local copy
    with WebhookReceiver() as hook:
        clean = drift(system, bundle, live, "--webhook", hook.url)
        assert clean.code == 0 and "NO DRIFT" in clean.stdout, clean.stdout + clean.stderr
        page.write_text(fixed.replace("</head>", CONTRAST_BREAK, 1))
        try:
            broken = drift(system, bundle, live, "--webhook", hook.url)
        finally:
            page.write_text(fixed)
        assert broken.code == 1, broken.stdout + broken.stderr
        report = json.loads((system / "drift.json").read_text())["drift"]
        new = [c for c in report["findings"] if c["change"] == "new" and c["subject"] == scan]
        assert new and any("color-contrast" in m for c in new for m in c["messages"]), report["findings"]
        assert {"subject": scan, "kind": "ui-scan", "change": "changed"} in report["inputs"]
        assert any(c["control"].startswith("wcag22:1.4.3") for c in report["controls"])

        rolled_back = drift(system, bundle, live, "--webhook", hook.url)
        assert rolled_back.code == 0 and "NO DRIFT" in rolled_back.stdout, rolled_back.stdout
        assert [b["status"] for b in hook.bodies] == ["drift", "resolved"]
