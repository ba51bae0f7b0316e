"""Drift: the live system compared with its approved baseline (cxgov/commands/drift.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cxgov.cli import cli
from cxgov.cli_options import (evaluation_date_option, fail_on_option, jobs_option, live_source_options,
                               output_option, outputs_from, parse_date, with_options)
from cxgov.commands.engine_options import eval_bound_options
from cxgov.commands.trust_options import trust_options
from cxgov.errors import UsageError


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
        output_option("text, json, markdown"),
        fail_on_option(None, "Which new findings fail the gate. Default: the baseline run's."),
        evaluation_date_option(),
        jobs_option("Worker processes for the audit."),
        click.option("--config-path", type=click.Path(dir_okay=False, path_type=Path), default="cxgov.yaml",
                     show_default=True, metavar="FILE", help="Where the baseline's cxgov.yaml lives in this "
                     "checkout: the recorded config's paths are resolved against it."),
    ]
    return with_options(command, options)


# the live sources, read where the approved audit read them: the options of `check` and `audit`
_live_sources = live_source_options(
    tracking_help="MLflow registry for the model versions (env MLFLOW_TRACKING_URI), as for `cxgov audit`.",
    ui_help="Scan the UI entry points on this origin, as for `cxgov audit`.")


def _drift_settings(baseline, current, state, webhook, webhook_timeout, webhook_retries, report_url, metrics,
                    output, fail_on, evaluation_date, jobs, config_path, trust, live):
    from cxgov.commands.drift import DriftOptions, parse_targets
    from cxgov.drift.alerts import check_url

    if webhook and state is None:
        raise UsageError("--webhook needs --state", hint="the state file remembers which drift was already alerted")
    return DriftOptions(
        baseline=baseline, current=current, state=state, webhook=check_url(webhook) if webhook else None,
        webhook_timeout=webhook_timeout, webhook_retries=webhook_retries, report_url=report_url, metrics=metrics,
        targets=parse_targets(list(output)), fail_on=fail_on,
        evaluation_date=parse_date(evaluation_date) if evaluation_date else None, jobs=jobs,
        config_path=config_path, live=live, trust=trust)


@cli.group()
def drift() -> None:
    """Continuous compliance: compare the live system with its approved evidence bundle."""


@drift.command("check", epilog="""\b
Examples:
  cxgov drift check --baseline approved.tar.gz --state drift.db
  cxgov drift check --baseline approved.tar.gz --state drift.db --webhook https://hooks.example/T0 \\
        -o markdown=drift.md -o json=drift.json --metrics /var/lib/node_exporter/cxgov.prom
  cxgov drift check --baseline approved.json --current today.json    compare two JSON reports
  cxgov drift check --baseline approved.tar.gz --tracking-uri http://127.0.0.1:5000 \\
        --ui-base-url http://127.0.0.1:8765/    the live sources where the approved audit read them

\b
Exit codes: 0 no drift, or drift that does not fail the gate; 1 drift fails the gate;
2 something could not be checked (recorded in --state as an errored run, never as clean).

\b
A baseline or --current bundle is read only once it verifies against a trusted key
(--public-key, $CXGOV_TRUSTED_KEYS, or evidence.trusted_keys of --config-path), or with
--allow-untrusted / --allow-unsigned; the history records which.""")
@_drift_options
@trust_options
@_live_sources
@eval_bound_options
def drift_check(**kwargs):
    """Re-run the audit the baseline's recorded config describes and report what changed.

    Compares per (rule, subject) and per control: new failures, resolved and changed findings, expired
    waivers, model aliases that point elsewhere, policy/data/config digests and changed inputs.
    """
    from cxgov.commands.drift import run_drift_check

    sys.exit(run_drift_check(_drift_settings(**kwargs), stdout=sys.stdout, stderr=sys.stderr))


@drift.command("watch", epilog="""\b
Examples:
  cxgov drift watch --baseline approved.tar.gz --state drift.db --interval 900 \\
        --webhook https://hooks.example/T0 --metrics /var/lib/node_exporter/cxgov.prom

A source outage is recorded as an errored run and the next run tries again; SIGTERM or
Ctrl-C lets the run in progress finish, then exits 0.""")
@_drift_options
@trust_options
@_live_sources
@eval_bound_options
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

    from cxgov.formats import HISTORY_FORMATS

    sys.exit(run_history(state, outputs=outputs_from([output], choices=HISTORY_FORMATS), limit=limit))
