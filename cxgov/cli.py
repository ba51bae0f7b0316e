"""The cxgov command line: options -> pipeline -> formats -> exit code. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from cxgov import __version__
from cxgov.errors import CxgovError, UsageError

EXIT_ERROR = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CxgovError as exc:
            click.echo(f"cxgov: error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cxgov")
@click.option("--config", envvar="CXGOV_CONFIG", metavar="FILE",
              help="Option defaults (cxgov.toml or conftest.toml). Default: ./cxgov.toml, else ./conftest.toml.")
@click.pass_context
def cli(ctx: click.Context, config: str | None) -> None:
    """Compliance-as-code for customer-experience AI systems.

    Evaluates deployment files against Rego policies (cxgov's builtin packs and your own
    conftest-style policies) and gates on the result: exit 0 pass, 1 gate failed, 2 could not check.
    """
    from cxgov.settings import check_defaults, find_config

    try:
        defaults = check_defaults(find_config(config))
        # `policy test` reads the same data files as `check`, as conftest verify does
        ctx.default_map = {"check": defaults, "policy": {"test": {"data": defaults.get("data", [])}}}
    except CxgovError as exc:
        click.echo(f"cxgov: error: {exc}", err=True)
        ctx.exit(EXIT_ERROR)


def _today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def _evaluation_date(value: str | None) -> str:
    if value is None:
        return _today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise UsageError(f"--evaluation-date {value!r} is not a YYYY-MM-DD date") from None


def _color(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


@cli.command(epilog="""\b
Examples:
  cxgov check cxgov/ k8s/ terraform/plan.json          builtin packs, text output
  cxgov check k8s/ -p policy/ --no-builtin             your conftest policies only
  cxgov check . -o text -o sarif=cxgov.sarif           several outputs at once
  terraform show -json plan.out | cxgov check -        a plan from standard input""")
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option("-p", "--policy", multiple=True, metavar="PATH",
              help="Policy directory or .rego file (repeatable). Default: ./policy when it exists.")
@click.option("-d", "--data", multiple=True, metavar="PATH", help="JSON/YAML data merged under data.* (repeatable).")
@click.option("-n", "--namespace", multiple=True, metavar="GLOB",
              help="Packages of your policies to evaluate (globs, repeatable). Default: main.")
@click.option("--all-namespaces", is_flag=True, help="Evaluate every package of your policies.")
@click.option("--builtin/--no-builtin", default=True, show_default=True,
              help="Also evaluate cxgov's builtin packs (their own packages, whatever -n says).")
@click.option("--combine", is_flag=True, help="Evaluate all documents as one input: a list of {path, contents}.")
@click.option("--parser", type=click.Choice(["yaml", "json", "toml", "hcl2"]), help="Read every file with this parser.")
@click.option("--include", multiple=True, metavar="GLOB", help="Only files in directories matching these globs.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching these globs.")
@click.option("-o", "--output", multiple=True, metavar="FORMAT[=FILE]",
              help="text, json, sarif, junit, github, markdown; FORMAT=FILE writes to a file (repeatable).")
@click.option("--output-file", metavar="FILE", help="Write the (single) -o format to FILE instead of stdout.")
@click.option("--fail-on", type=click.Choice(["deny", "warn", "never"]), default="deny", show_default=True,
              help="Which findings fail the gate.")
@click.option("--fail-on-warn", is_flag=True, help="Same as --fail-on warn (conftest's flag).")
@click.option("--no-fail", is_flag=True, help="Exit 0 even when the gate fails (errors still exit 2).")
@click.option("--waivers", type=click.Path(dir_okay=False), metavar="FILE", help="Waivers file (waivers.yaml).")
@click.option("--evaluation-date", metavar="YYYY-MM-DD", help="The date rules judge against. Default: today (UTC).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes. Default: number of CPUs.")
@click.option("--max-file-size", type=click.IntRange(min=1), metavar="BYTES",
              help="Refuse larger input files. Default: 16 MiB.")
@click.option("--max-depth", type=click.IntRange(min=1), metavar="N", help="Deepest nesting read. Default: 64.")
@click.option("--max-nodes", type=click.IntRange(min=1), metavar="N",
              help="Most values in one document, aliases expanded. Default: 1,000,000.")
@click.option("--max-documents", type=click.IntRange(min=1), metavar="N",
              help="Most documents in one file. Default: 10,000.")
@click.option("--color/--no-color", default=None, help="Colour the text output. Default: when stdout is a terminal.")
def check(paths, policy, data, namespace, all_namespaces, builtin, combine, parser, include, exclude, output,
          output_file, fail_on, fail_on_warn, no_fail, waivers, evaluation_date, jobs, max_file_size, max_depth,
          max_nodes, max_documents, color):
    """Evaluate files (YAML, JSON, TOML, HCL2, Terraform plans, Kubernetes manifests) against policies.

    PATH may be a file, a directory (searched recursively) or - for standard input.
    """
    from cxgov.commands.check import run_check

    if not paths:
        raise UsageError("no files to check", hint="give one or more files or directories, or - for stdin")
    code = run_check(
        paths=list(paths), policy=list(policy), data=list(data), namespaces=tuple(namespace) or ("main",),
        all_namespaces=all_namespaces, builtin=builtin, combine=combine, parser=parser, include=list(include),
        exclude=list(exclude), outputs=list(output) or ["text"], output_file=output_file,
        fail_on="warn" if fail_on_warn else fail_on, waivers=waivers,
        evaluation_date=_evaluation_date(evaluation_date), jobs=jobs,
        limits={"max_file_bytes": max_file_size, "max_depth": max_depth, "max_nodes": max_nodes,
                "max_documents": max_documents},
        color=_color(color),
    )
    sys.exit(0 if no_fail else code)


@cli.group()
def policy() -> None:
    """Work with Rego policies: unit tests and the lint pass."""


@policy.command("test")
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option("-d", "--data", multiple=True, metavar="PATH", help="JSON/YAML data merged under data.*.")
@click.option("--builtin/--no-builtin", default=None,
              help="Also run the builtin packs' tests. Default: only when no PATH is given.")
@click.option("-r", "--run", "pattern", metavar="REGEX", help="Only tests whose name matches.")
@click.option("-v", "--verbose", is_flag=True, help="List every test, not just failures.")
def policy_test(paths, data, builtin, pattern, verbose):
    """Run the test_* rules of *_test.rego files (as `opa test` / `conftest verify` do).

    Each test file runs in its own process, so an engine crash is that file's error.
    """
    from cxgov.commands.policy_test import run_policy_tests

    sys.exit(run_policy_tests(list(paths), list(data), builtin, pattern, verbose))


@policy.command("lint")
@click.argument("paths", nargs=-1, metavar="PATH...")
def policy_lint(paths):
    """Check policies for syntax errors and constructs the embedded engine evaluates wrongly.

    Without PATH: the builtin packs, and ./policy when it exists.
    """
    from cxgov.engine.policyset import load

    builtin = not paths
    if not paths and Path("policy").is_dir():
        paths = ("policy",)
    policies = load(list(paths), builtin=builtin, include_tests=True)
    click.echo(f"{len(policies.modules) + len(policies.tests)} files, no problems found")


@cli.command()
@click.option("-p", "--policy", multiple=True, metavar="PATH", help="Also list rules of these policies.")
@click.option("--builtin/--no-builtin", default=True, show_default=True, help="List the builtin packs' rules.")
@click.option("-f", "--framework", metavar="NAME", help="Only rules mapped to this framework (soc2, gdpr, eu-ai-act, wcag22).")
@click.option("-c", "--control", metavar="ID", help="Only rules mapped to this control (e.g. CC6.1, Art.44).")
@click.option("-o", "--output", type=click.Choice(["table", "json"]), default="table", show_default=True)
def controls(policy, builtin, framework, control, output):
    """List the control catalog: every rule with its id, severity, gate and the controls it serves."""
    from cxgov.catalog import render_catalog

    click.echo(render_catalog(list(policy), builtin, framework, control, output), nl=False)


@cli.command()
@click.argument("what", type=click.Choice(["descriptor"]))
def schema(what):
    """Print a JSON Schema: `descriptor` (apiVersion cxgov.io/v1, kind AISystem), for editors and CI."""
    import json

    from cxgov import descriptor

    click.echo(json.dumps(descriptor.schema(), indent=2, sort_keys=True))


# --- drift: the audit compared with its approved baseline (cxgov/commands/drift.py) ---

def _drift_options(command):
    options = [
        click.option("--baseline", required=True, type=click.Path(exists=True, path_type=Path), metavar="BUNDLE",
                     help="The approved evidence bundle (directory or .tar.gz), or a cxgov JSON report."),
        click.option("--current", type=click.Path(path_type=Path), metavar="BUNDLE|REPORT",
                     help="Compare this bundle or JSON report instead of re-running the baseline's audit."),
        click.option("--state", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                     help="SQLite history every run is appended to (created when missing)."),
        click.option("--webhook", metavar="URL", help="POST a JSON alert here when the drift changes (needs --state)."),
        click.option("--webhook-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
                     metavar="SECONDS", help="Timeout of one webhook attempt."),
        click.option("--webhook-retries", type=click.IntRange(min=0), default=3, show_default=True, metavar="N",
                     help="Retries after a failed webhook attempt (exponential backoff)."),
        click.option("--report-url", metavar="URL", help="Link the alert carries (e.g. the CI run). "
                     "Default: the first -o report file."),
        click.option("--metrics", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                     help="Write Prometheus textfile metrics here (atomically)."),
        click.option("-o", "--output", multiple=True, metavar="FORMAT[=FILE]",
                     help="text, json, markdown; FORMAT=FILE writes to a file (repeatable). Default: text."),
        click.option("--fail-on", type=click.Choice(["deny", "warn", "never"]),
                     help="Which new findings fail the gate. Default: the baseline run's."),
        click.option("--evaluation-date", metavar="YYYY-MM-DD", help="The date rules judge against. Default: today."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes for the audit."),
        click.option("--config-path", type=click.Path(dir_okay=False, path_type=Path), default="cxgov.yaml",
                     show_default=True, metavar="FILE", help="Where the baseline's cxgov.yaml lives in this "
                     "checkout: the recorded config's paths are resolved against it."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _drift_settings(baseline, current, state, webhook, webhook_timeout, webhook_retries, report_url, metrics,
                    output, fail_on, evaluation_date, jobs, config_path):
    from cxgov.commands.drift import DriftOptions, parse_targets
    from cxgov.drift.alerts import check_url

    if webhook and state is None:
        raise UsageError("--webhook needs --state", hint="the state file remembers which drift was already alerted")
    return DriftOptions(
        baseline=baseline, current=current, state=state, webhook=check_url(webhook) if webhook else None,
        webhook_timeout=webhook_timeout, webhook_retries=webhook_retries, report_url=report_url, metrics=metrics,
        targets=parse_targets(list(output)), fail_on=fail_on,
        evaluation_date=_evaluation_date(evaluation_date) if evaluation_date else None, jobs=jobs,
        config_path=config_path)


@cli.group()
def drift() -> None:
    """Continuous compliance: compare the live system with its approved evidence bundle."""


@drift.command("check", epilog="""\b
Examples:
  cxgov drift check --baseline approved.tar.gz --state drift.db
  cxgov drift check --baseline approved.tar.gz --state drift.db --webhook https://hooks.example/T0 \\
        -o markdown=drift.md -o json=drift.json --metrics /var/lib/node_exporter/cxgov.prom
  cxgov drift check --baseline approved.json --current today.json    compare two JSON reports

\b
Exit codes: 0 no drift, or drift that does not fail the gate; 1 drift fails the gate;
2 something could not be checked (recorded in --state as an errored run, never as clean).""")
@_drift_options
def drift_check(**kwargs):
    """Re-run the audit the baseline's recorded config describes and report what changed.

    Compares per (rule, subject) and per control: new failures, resolved and changed findings, expired
    waivers, model aliases that point elsewhere, policy/data/config digests and changed inputs.
    """
    from cxgov.commands.drift import run_check

    sys.exit(run_check(_drift_settings(**kwargs), stdout=sys.stdout, stderr=sys.stderr))


@drift.command("watch", epilog="""\b
Examples:
  cxgov drift watch --baseline approved.tar.gz --state drift.db --interval 900 \\
        --webhook https://hooks.example/T0 --metrics /var/lib/node_exporter/cxgov.prom

A source outage is recorded as an errored run and the next run tries again; SIGTERM or
Ctrl-C lets the run in progress finish, then exits 0.""")
@_drift_options
@click.option("--interval", type=click.FloatRange(min=0.1), default=900, show_default=True, metavar="SECONDS",
              help="Time between the end of one run and the start of the next.")
@click.option("--max-runs", type=click.IntRange(min=1), metavar="N", help="Stop after N runs. Default: never.")
def drift_watch(interval, max_runs, **kwargs):
    """Run drift checks on an interval until stopped (the long-running form of drift check)."""
    from cxgov.commands.drift import run_watch

    sys.exit(run_watch(_drift_settings(**kwargs), interval, max_runs=max_runs, stdout=sys.stdout, stderr=sys.stderr))


@drift.command("history", epilog="""\b
Examples:
  cxgov drift history --state drift.db
  cxgov drift history --state drift.db --limit 20 -o json""")
@click.option("--state", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The drift state file.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the N most recent runs.")
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
def drift_history(state, limit, output):
    """List drift runs and, per finding, when it first appeared and was resolved (time to remediate)."""
    from cxgov.commands.drift import run_history

    sys.exit(run_history(state, fmt=output, limit=limit, stdout=sys.stdout))


def main() -> None:
    cli(prog_name="cxgov")
