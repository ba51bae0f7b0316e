"""`cxgov init`: a first audit of one's own system, in minutes.

It reads what the repository holds (Kubernetes manifests, Terraform plan JSON and `.tf` sources, a
descriptor) and writes, never overwriting a file:

- `cxgov/descriptor.yaml`, drafted from those files when there is none (cxgov/draft/): services, data
  stores, log sinks and AI providers with their types and regions, and TODO wherever only a person
  knows the answer, each one a GOV-004 finding until filled in;
- `cxgov.yaml` naming exactly the files that were readable, `waivers.yaml`, a GitHub workflow;
- `.gitignore` entries for signing keys and evidence bundles (appended, once);
- an Ed25519 key pair in `.cxgov/keys/` (ignored by git), so signing is one flag away.

The commands it prints as next steps run on what it wrote and exit 0 or 1, never 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from cxgov.errors import UsageError

DESCRIPTOR = "cxgov/descriptor.yaml"
KEY = ".cxgov/keys/signing.key"
EVIDENCE_OUT = "evidence-bundles"
GITIGNORE_HEADER = "# cxgov: signing keys and evidence bundles stay out of git"
GITIGNORE = (".cxgov/keys/", "cxgov-signing.key", f"{EVIDENCE_OUT}/", "wcag-artifacts/")

CONFIG = """\
# cxgov.yaml: the system `cxgov audit` checks before launch (paths are relative to this file).
# Schema: `cxgov schema config`. Docs: README, "cxgov audit and the evidence bundle".
version: 1
system: {system}
{descriptor}manifests: {manifests}
# Terraform: plan JSON (`terraform show -json`) or .tf sources
plans: {plans}
policies:
  builtin: true               # every builtin pack
  paths: {policy}
  data: []                    # JSON/YAML overriding data.cxgov.config (residency profile, thresholds)
  namespaces: [main]
waivers: waivers.yaml
gate:
  fail_on: deny               # deny, warn or never
{live}evidence:
  out: {out}       # bundles: {out}/<system>-<date>/ and .tar.gz
  # Unsigned unless a key is given: `cxgov audit --key {key}` (made by `cxgov init`),
  # or in CI `--key-env CXGOV_SIGNING_KEY`. To always sign, uncomment one:
  # signing_key: {{file: {key}}}
  # signing_key: {{env: CXGOV_SIGNING_KEY}}
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
#    subject: {subject}
#    resource: "data store orders-db"    # optional: only this store, vendor, container or address (glob)
#    reason: why the risk is accepted, and the compensating control
#    requested_by: dev@example.com
#    approved_by: security@example.com
#    ticket: SEC-1234
#    expires: 2026-12-31
"""

WORKFLOW = """\
# Pre-launch audit: runs cxgov audit and keeps the evidence bundle as a build artifact.
# The bundle is signed when the repository secret CXGOV_SIGNING_KEY holds the private key (e.g.
# {key} from `cxgov init`), and marked unsigned otherwise. Publish the .pub key for auditors.
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
        # the embedded OPA engine first: its wheel runs on Python 3.10+ but its metadata asks for 3.14
        run: |
          pip install --no-deps --ignore-requires-python opa-golib-python-bindings=={pin}
          pip install "cxgov @ git+https://github.com/cxgov/cxgov"
      - name: Audit
        env:
          CXGOV_SIGNING_KEY: ${{{{ secrets.CXGOV_SIGNING_KEY }}}}
        run: cxgov audit cxgov.yaml ${{CXGOV_SIGNING_KEY:+--key-env CXGOV_SIGNING_KEY}}
      - name: Keep the evidence bundle
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: cxgov-evidence
          path: {out}/*.tar.gz
          if-no-files-found: error
"""


def _listing(items: list[str]) -> str:
    from cxgov.draft.render import scalar

    return "[" + ", ".join(scalar(i) for i in items) + "]"


def scaffold(directory: Path, system: str, descriptor: str | None, manifests: list[str],
             plans: list[str]) -> dict[str, str]:
    """cxgov.yaml, waivers.yaml and the workflow, by path relative to `directory`."""
    import json

    from cxgov.draft.render import scalar
    from cxgov.engine.opa_library import OPA_BINDINGS_PIN

    policy = [p for p in ("policy",) if (directory / p).is_dir()]
    config = CONFIG.format(system=scalar(system), descriptor=f"descriptor: {scalar(descriptor)}\n" if descriptor else
                           "# descriptor: cxgov/descriptor.yaml   # the AISystem descriptor (`cxgov schema descriptor`)\n",
                           manifests=_listing(manifests), plans=_listing(plans), policy=_listing(policy),
                           live=DESCRIPTOR_LIVE_SOURCES if descriptor else NO_LIVE_SOURCES, out=EVIDENCE_OUT, key=KEY)
    return {"cxgov.yaml": config, "waivers.yaml": WAIVERS.format(subject=json.dumps(f"system:{system}")),
            ".github/workflows/cxgov-audit.yml": WORKFLOW.format(pin=OPA_BINDINGS_PIN, out=EVIDENCE_OUT, key=KEY)}


def gitignore_update(path: Path) -> list[str]:
    """Append the entries a .gitignore lacks (never rewriting what is there); returns those added."""
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read .gitignore ({exc})", where=str(path),
                         hint="add these lines yourself: " + " ".join(GITIGNORE)) from None
    present = {line.strip().rstrip("/") for line in text.splitlines()}
    missing = [entry for entry in GITIGNORE if entry.rstrip("/") not in present]
    if missing:
        block = ([GITIGNORE_HEADER] if GITIGNORE_HEADER not in text else []) + missing
        sep = "" if not text or text.endswith("\n") else "\n"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(sep + ("\n" if text.strip() else "") + "\n".join(block) + "\n")
    return missing


def run_init(directory: str, system: str | None) -> int:
    from cxgov.paths import write_atomically
    from cxgov.draft.scan import scan

    root = Path(directory)
    if not root.is_dir():
        raise UsageError("no such directory", where=directory)
    system = system or root.resolve().name
    found = scan(root)
    descriptor, files, draft = found.descriptor, {}, None
    if descriptor is None:
        descriptor, draft = DESCRIPTOR, _draft(found, system)
        files[DESCRIPTOR] = draft[0]
    manifests, plans = found.manifests(), found.plans()
    files.update(scaffold(root, system, descriptor, manifests, plans))
    key_path = root / KEY
    existing = [rel for rel in files if (root / rel).exists()]
    ignored = gitignore_update(root / ".gitignore")
    if len(existing) == len(files) and not ignored and key_path.exists():
        raise UsageError("cxgov.yaml, the descriptor, waivers.yaml, the workflow and the signing key all exist "
                         "already; nothing written", where=str(root),
                         hint="edit them, or remove one to have it scaffolded again")
    for rel, text in files.items():
        if rel in existing:
            click.echo(f"kept     {rel} (exists; not overwritten)")
            continue
        write_atomically(root / rel, text)
        click.echo(f"created  {rel}" + (f" (drafted: {draft[1]})" if draft and rel == DESCRIPTOR else ""))
    if ignored:
        click.echo(f"appended .gitignore: {', '.join(ignored)}")
    if not key_path.exists():
        from cxgov.evidence.sign import generate

        generate(key_path)
        click.echo(f"created  {KEY} and {KEY}.pub (Ed25519 signing key pair; git-ignored)")
    if len(found.descriptors) > 1:
        click.echo(f"note: {len(found.descriptors)} descriptors found ({', '.join(found.descriptors)}); cxgov.yaml "
                   f"names {descriptor}: one system per config", err=True)
    for path, why in found.unreadable:
        click.echo(f"skipped  {path}: could not be read ({why}); not listed in cxgov.yaml", err=True)
    if found.truncated:
        click.echo("note: only the first files of this repository were read; list the rest in cxgov.yaml", err=True)
    if "cxgov.yaml" in existing and draft:
        click.echo(f"note: cxgov.yaml was kept; add `descriptor: {DESCRIPTOR}` to it to audit the draft", err=True)
    _next_steps(root, descriptor, manifests, plans, draft is not None)
    return 0


def _draft(found, system: str) -> tuple[str, str]:
    """The drafted descriptor's text, and a one-line account of what it holds."""
    from cxgov.draft import draft
    from cxgov.draft.render import render, todo_count

    inferred = draft(found.subjects, system, _ai_usages(found))
    text = render(inferred, found.manifests() + found.plans())
    labels = {"services": "service", "data_stores": "data store", "log_sinks": "log sink",
              "ai_providers": "AI provider"}
    parts = [f"{n} {labels[k]}{'' if n == 1 else 's'}" for k, n in inferred.counts().items() if n]
    return text, (", ".join(parts) or "nothing inferred") + f"; {todo_count(text)} TODO for a person to fill in"


def _ai_usages(found) -> list:
    """What the shadow-AI detection finds in the scanned files: the evaluation `cxgov inventory` makes."""
    from cxgov.commands.inventory import evaluate_subjects
    from cxgov.evidence.aibom import usages
    from cxgov.gate import today

    judged = [s for s in found.subjects if s.kind in ("kubernetes", "terraform-plan", "dependencies", "dotenv")]
    if not judged:
        return []
    return usages(evaluate_subjects(judged, today(), found.root).findings)


def _next_steps(root: Path, descriptor: str, manifests: list[str], plans: list[str], drafted: bool) -> None:
    import shlex

    paths = " ".join(shlex.quote(p) for p in [descriptor, *manifests, *plans])
    click.echo("")
    here = root.resolve() == Path.cwd().resolve()
    click.echo("next:" if here else f"next, in {shlex.quote(str(root))}:")
    if drafted:
        click.echo(f"  1. review {descriptor}: replace each TODO (each is a GOV-004 finding until filled in)")
    click.echo(f"  {1 + drafted}. cxgov check {paths}")
    click.echo("       the gate CI runs: exit 0 passed, 1 findings to fix")
    click.echo(f"  {2 + drafted}. cxgov audit --key {KEY}")
    click.echo(f"       the evidence bundle in {EVIDENCE_OUT}/, signed; without --key it is written UNSIGNED (marked so)")
    click.echo(f"  auditors check it with `cxgov evidence verify BUNDLE --public-key {KEY}.pub`; to sign in CI,")
    click.echo(f"  `gh secret set CXGOV_SIGNING_KEY < {KEY}` (the workflow signs with it when it is set)")
