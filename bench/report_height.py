"""Measure report.html of the acme-cx evidence bundle in headless Chromium: page height and first screen.

Run with the project's interpreter:

    .venv/bin/python bench/report_height.py [--baseline REV] [--keep DIR]

It audits examples/acme-cx/noncompliant with its live sources, as bench/evidence_bench.py does (its
model from a local `mlflow server` seeded with the acme-noncompliant scenario, its chat widget served
from examples/acme-cx/ui and scanned in headless Chromium), writes the signed bundle with
write_bundle(), opens its report.html in a 1280x800 viewport and prints the viewport, the page's
scroll height, the height of each top-level section and the number of finding rows.

--baseline REV renders the same bundle view once more with the report renderer of git revision REV
(its report.py and template, read with `git show`), so the figures of two renderers are measured on
one audit. It never fails on a figure: benchmarks inform, tests assert.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = (1280, 800)

MEASURE = """
const sections = [...document.querySelectorAll('main > section')].map(
  s => [s.id, Math.round(s.getBoundingClientRect().height)]);
return {width: window.innerWidth, height: window.innerHeight,
        page: document.documentElement.scrollHeight, sections: sections,
        // the grouped report's rows sit in one table per rule; an older one has a single findings table
        rows: document.querySelectorAll('#findings details.rule tbody tr').length
              || document.querySelectorAll('#findings tbody tr').length};
"""


def baseline_renderer(rev: str):
    """render_report of revision `rev`: its report.py as a module, reading its own template."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    show = lambda path: subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True,
                                       capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report_baseline.py"
        source.write_text(show("cxgov/evidence/report.py"))
        spec = importlib.util.spec_from_file_location("report_baseline", source)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)
    env.filters["href"] = module.href
    template = env.from_string(show("cxgov/evidence/templates/report.html.j2"))
    module._template = lambda: template
    return module.render_report


def measure(driver, page: Path) -> dict:
    driver.get(page.as_uri())
    return driver.execute_script(MEASURE)


def show(label: str, m: dict) -> None:
    print(f"\n{label}")
    print(f"  viewport          {m['width']} x {m['height']} CSS px")
    print(f"  page height       {m['page']:,} px  ({m['page'] / m['height']:.1f} screens)")
    print(f"  finding rows      {m['rows']}")
    for name, height in m["sections"]:
        print(f"  section #{name:<14} {height:>8,} px")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="REV", help="also measure the report renderer of this git revision")
    parser.add_argument("--keep", metavar="DIR", help="copy the bundle directory here")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "bench"))
    from evidence_bench import EVALUATION_DATE, example_live_sources

    from cxgov import __version__
    from cxgov.audit_config import load_config
    from cxgov.audit import run_audit, write_bundle
    from cxgov.evidence import report
    from cxgov.evidence.sign import generate, load_key_file
    from cxgov.sources.ui_browser import Browser, BrowserSettings

    print(f"cxgov {__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    captured = {}
    render = report.render_report

    def capturing(view, manifest):
        captured.update(view=view, manifest=manifest)
        return render(view, manifest)

    report.render_report = capturing  # the bundle writer looks the renderer up by name at call time
    with tempfile.TemporaryDirectory(prefix="cxgov-report-bench-") as tmp:
        tmp = Path(tmp)
        private, _, _ = generate(tmp / "bench.key")
        example = tmp / "acme-cx"
        shutil.copytree(ROOT / "examples" / "acme-cx" / "noncompliant", example)
        with example_live_sources(tmp / "registry") as live:
            run = run_audit(load_config(example / "cxgov.yaml"), config_path=example / "cxgov.yaml",
                            evaluation_date=EVALUATION_DATE, live=live)
        directory, _ = write_bundle(run, tmp / "bundle", key=load_key_file(private))
        shutil.rmtree(run.artifacts_dir, ignore_errors=True)
        if args.keep:
            shutil.copytree(directory, args.keep, dirs_exist_ok=True)
        browser = Browser(BrowserSettings.resolve())
        try:
            browser.set_viewport(VIEWPORT)
            current = measure(browser.driver, directory / "report.html")
            if args.baseline:
                old = directory / "report-baseline.html"
                old.write_text(baseline_renderer(args.baseline)(captured["view"], captured["manifest"]), encoding="utf-8")
                show(f"report.html rendered by {args.baseline}", measure(browser.driver, old))
        finally:
            browser.close()
        show("report.html of this working tree", current)
    print(f"\nload average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
