"""`cxgov init`: scaffold cxgov.yaml, waivers.yaml and a GitHub workflow into a repository.

It looks at what the repository already holds (a descriptor, k8s/, a Terraform plan, policy/) so the
first `cxgov audit` runs as is, and never overwrites a file: existing ones are kept and reported.
"""

from __future__ import annotations

from pathlib import Path

import click

from cxgov.errors import UsageError

CONFIG = """\
# cxgov.yaml: the system `cxgov audit` checks before launch (paths are relative to this file).
# Schema: `cxgov schema config`. Docs: README, "cxgov audit and the evidence bundle".
version: 1
system: {system}
{descriptor}manifests: {manifests}
plans: {plans}
policies:
  builtin: true               # or a list: [residency, gdpr, soc2, ai_act, wcag]
  paths: {policy}
  data: []                    # JSON/YAML overriding data.cxgov.config (residency profile, thresholds)
  namespaces: [main]
waivers: waivers.yaml
gate:
  fail_on: deny               # deny, warn or never
{live}evidence:
  out: evidence-bundles       # bundles: evidence-bundles/<system>-<date>/ and .tar.gz
  signing_key:
    env: CXGOV_SIGNING_KEY    # the PEM from `cxgov evidence keygen`, as a CI secret
"""

# without a descriptor nothing declares models or a UI yet
NO_LIVE_SOURCES = """\
models:
  skip: no MLflow registry configured yet   # or: tracking_uri + refs: [models:/<name>/<version>]
ui:
  skip: no UI entry points configured yet   # or: entry_points: [{name, url, states: [...]}]
"""

# with one, the audit reads the models it deploys and scans the UI it declares, as `cxgov check` does
DESCRIPTOR_LIVE_SOURCES = """\
models: {}                    # the descriptor's models[], from their tracking_uri (or --tracking-uri,
                              # MLFLOW_TRACKING_URI); more: tracking_uri + refs: [models:/<name>/<version>]
ui: {}                        # the descriptor's ui.entry_points, in headless Chromium (--ui-base-url
                              # scans a local copy); skip: <reason> leaves either out, recorded
"""

WAIVERS = """\
# Approved, time-boxed exceptions. A waiver applies only when complete, approved by someone other
# than its requester, unexpired and expiring at most 90 days after the evaluation date; otherwise it
# is itself a GOV-002 finding. Waived findings stay visible in every output and in the bundle.
waivers: []
#  - rule: SOC2-CC7.1-01
#    subject: "system:{system}"
#    reason: why the risk is accepted, and the compensating control
#    requested_by: dev@example.com
#    approved_by: security@example.com
#    ticket: SEC-1234
#    expires: 2026-12-31
"""

WORKFLOW = """\
# Pre-launch audit: runs cxgov audit and keeps the signed evidence bundle as a build artifact.
# Set the repository secret CXGOV_SIGNING_KEY to the private key from `cxgov evidence keygen`,
# and publish the .pub key for your auditors.
name: cxgov audit

on:
  workflow_dispatch:
  push:
    branches: [main]

permissions:
  contents: read

jobs:
  audit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install cxgov
        run: pip install cxgov
      - name: Audit
        env:
          CXGOV_SIGNING_KEY: ${{ secrets.CXGOV_SIGNING_KEY }}
        run: cxgov audit cxgov.yaml
      - name: Keep the evidence bundle
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: cxgov-evidence
          path: evidence-bundles/*.tar.gz
          if-no-files-found: error
"""


def _listing(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def scaffold(directory: Path, system: str | None) -> dict[str, str]:
    """The files to write, by path relative to `directory`, filled in from what the repository holds."""
    system = system or directory.resolve().name
    descriptor = next((p for p in ("cxgov/descriptor.yaml", "descriptor.yaml", "cxgov.descriptor.yaml")
                       if (directory / p).is_file()), None)
    manifests = [p for p in ("k8s", "kubernetes", "manifests", "deploy") if (directory / p).is_dir()]
    plans = [p for p in ("terraform/plan.json", "plan.json", "tfplan.json") if (directory / p).is_file()]
    policy = [p for p in ("policy",) if (directory / p).is_dir()]
    config = CONFIG.format(system=system, descriptor=f"descriptor: {descriptor}\n" if descriptor else
                           "# descriptor: cxgov/descriptor.yaml   # the AISystem descriptor (`cxgov schema descriptor`)\n",
                           manifests=_listing(manifests), plans=_listing(plans), policy=_listing(policy),
                           live=DESCRIPTOR_LIVE_SOURCES if descriptor else NO_LIVE_SOURCES)
    return {"cxgov.yaml": config, "waivers.yaml": WAIVERS.format(system=system),
            ".github/workflows/cxgov-audit.yml": WORKFLOW}


def run_init(directory: str, system: str | None) -> int:
    from cxgov.commands.outputs import write_atomically

    root = Path(directory)
    if not root.is_dir():
        raise UsageError("no such directory", where=directory)
    files = scaffold(root, system)
    existing = [rel for rel in files if (root / rel).exists()]
    if len(existing) == len(files):
        raise UsageError("cxgov.yaml, waivers.yaml and the workflow all exist already; nothing written",
                         where=str(root), hint="edit them, or remove one to have it scaffolded again")
    for rel, text in files.items():
        if rel in existing:
            click.echo(f"kept     {rel} (exists; not overwritten)")
            continue
        write_atomically(root / rel, text)
        click.echo(f"created  {rel}")
    click.echo("next: review cxgov.yaml, then `cxgov evidence keygen --out cxgov-signing.key` and `cxgov audit`")
    return 0
