"""Option groups and value parsers that several commands share, so one concept has one flag."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone

import click

from cxgov.errors import UsageError


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def parse_date(value: str | None) -> str:
    if value is None:
        return today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise UsageError(f"--evaluation-date {value!r} is not a YYYY-MM-DD date") from None


def use_color(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def with_options(command, options):
    """Apply click options in the order listed (decorators apply bottom-up)."""
    for option in reversed(options):
        command = option(command)
    return command


def gate_options(command):
    """Outputs, gate and waivers: the same options on every command that judges subjects and gates."""
    options = [
        click.option("-o", "--output", multiple=True, metavar="FORMAT[=FILE]",
                     help="text, json, sarif, junit, github, markdown, tap, table, conftest-json; FORMAT=FILE "
                          "writes to a file (repeatable)."),
        click.option("--output-file", metavar="FILE", help="Write the (single) -o format to FILE instead of stdout."),
        click.option("--fail-on", type=click.Choice(["deny", "warn", "never"]), default="deny", show_default=True,
                     help="Which findings fail the gate."),
        click.option("--no-fail", is_flag=True, help="Exit 0 even when the gate fails (errors still exit 2)."),
        click.option("--waivers", type=click.Path(dir_okay=False), metavar="FILE",
                     help="Waivers file (waivers.yaml)."),
        click.option("--evaluation-date", metavar="YYYY-MM-DD",
                     help="The date rules judge against. Default: today (UTC)."),
    ]
    return with_options(command, options)


def live_source_options(command):
    """Where the live sources a descriptor declares are read: the MLflow registry and the UI's origin
    (the same options on `check` and `audit`)."""
    options = [
        click.option("--tracking-uri", envvar="MLFLOW_TRACKING_URI", metavar="URI",
                     help="MLflow registry for the model versions (env MLFLOW_TRACKING_URI). Default: each "
                          "models[].tracking_uri (for audit: the config's models.tracking_uri first)."),
        click.option("--mlflow-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
                     metavar="SECONDS", help="Timeout of each registry request."),
        click.option("--mlflow-retries", type=click.IntRange(min=0), default=3, show_default=True, metavar="N",
                     help="Retries (with backoff) on connection errors and 5xx answers."),
        click.option("--ui-base-url", metavar="URL",
                     help="Scan the UI entry points on this origin instead (e.g. a local copy); findings keep "
                          "the declared URLs."),
        click.option("--axe-source", metavar="FILE",
                     help="axe-core script (axe.min.js). Default: $CXGOV_AXE_SOURCE, else ./node_modules/axe-core."),
        click.option("--page-timeout", type=click.FloatRange(min=1), default=30, show_default=True,
                     metavar="SECONDS", help="Longest a UI page may take to load, or axe-core to run."),
    ]
    return with_options(command, options)


def ui_options(**kw):
    from cxgov.commands.wcag import UIOptions

    return UIOptions(**kw)


def parse_shard(spec: str | None):
    from cxgov.shard import Shard

    return None if spec is None else Shard.parse(spec)
