"""Option groups and value parsers that several commands share, so one concept has one flag."""

from __future__ import annotations

import functools
import os
import sys
from datetime import datetime

import click

from cxgov.errors import UsageError
from cxgov.gate import today


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


# --- the vocabulary: one definition per concept, so every command spells it the same way ----------
# Factories, so each command can word the concept's help its own way (what -o offers, whose --fail-on
# is the default).

GATE_FORMATS = "text, json, sarif, junit, github, markdown, tap, table, conftest-json"


def output_option(formats: str = GATE_FORMATS):
    return click.option("-o", "--output", multiple=True, metavar="FORMAT[=FILE]",
                        help=f"{formats}; FORMAT=FILE writes to a file (repeatable). Default: text.")


def output_file_option():
    return click.option("--output-file", metavar="FILE", help="Write the (single) -o format to FILE instead of stdout.")


def color_option():
    return click.option("--color/--no-color", default=None,
                        help="Colour the text output. Default: when stdout is a terminal.")


def fail_on_option(default: str | None = "deny", help: str = "Which findings fail the gate."):
    return click.option("--fail-on", type=click.Choice(["deny", "warn", "never"]), default=default,
                        show_default=default is not None, help=help)


def no_fail_option():
    return click.option("--no-fail", is_flag=True, help="Exit 0 even when the gate fails (errors still exit 2).")


def waivers_option():
    return click.option("--waivers", type=click.Path(dir_okay=False), metavar="FILE", help="Waivers file (waivers.yaml).")


def evaluation_date_option():
    return click.option("--evaluation-date", metavar="YYYY-MM-DD",
                        help="The date rules judge against. Default: today (UTC).")


def jobs_option(help: str = "Worker processes. Default: number of CPUs."):
    return click.option("-j", "--jobs", type=click.IntRange(min=1), help=help)


def policy_option(help: str = "Also evaluate these policies (repeatable)."):
    return click.option("-p", "--policy", multiple=True, metavar="PATH", help=help)


def data_option(help: str = "JSON/YAML data merged under data.* (repeatable)."):
    return click.option("-d", "--data", multiple=True, metavar="PATH", help=help)


def builtin_option(help: str = "Evaluate cxgov's builtin packs."):
    return click.option("--builtin/--no-builtin", default=True, show_default=True, help=help)


def tracking_uri_option(help: str = "MLflow registry for the model versions (env MLFLOW_TRACKING_URI)."):
    return click.option("--tracking-uri", envvar="MLFLOW_TRACKING_URI", metavar="URI", help=help)


def ui_base_url_option(help: str = "Scan the UI entry points on this origin instead (e.g. a local copy); "
                                   "findings keep the declared URLs."):
    return click.option("--ui-base-url", metavar="URL", help=help)


def _registry_options():
    return [
        click.option("--mlflow-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
                     metavar="SECONDS", help="Timeout of each registry request."),
        click.option("--mlflow-retries", type=click.IntRange(min=0), default=3, show_default=True, metavar="N",
                     help="Retries (with backoff) on connection errors and 5xx answers."),
    ]


def registry_options(command):
    """How the MLflow registry is read: the same on every command that reads it."""
    return with_options(command, _registry_options())


def renamed_option(old: str, new: str, **kw):
    """A flag's former spelling, still accepted (hidden from --help) with a note on stderr, so scripts
    written for it keep working; the command prefers it over the new flag's default when given."""
    def noted(ctx, param, value):
        if value is not None:
            click.echo(f"cxgov: {old} is now {new}; {old} still works but will go", err=True)
        return value

    return click.option(old, hidden=True, default=None, callback=noted, expose_value=True, **kw)


def renamed_value(old: str, new: str, old_value, new_value):
    """The value of a renamed flag: the former spelling's when given, the new one's otherwise; both
    given is a usage error, not a silent choice."""
    if old_value is None:
        return new_value
    from click.core import ParameterSource

    name = new.lstrip("-").replace("-", "_")
    if click.get_current_context().get_parameter_source(name) is not ParameterSource.DEFAULT:
        raise UsageError(f"{old} and {new} name the same setting", hint=f"give only {new}")
    return old_value


def axe_source_option():
    return click.option("--axe-source", metavar="FILE",
                        help="axe-core script (axe.min.js). Default: $CXGOV_AXE_SOURCE, else ./node_modules/axe-core.")


def page_timeout_option(what: str = "a UI page"):
    return click.option("--page-timeout", type=click.FloatRange(min=1), default=30, show_default=True,
                        metavar="SECONDS", help=f"Longest {what} may take to load, or axe-core to run.")


def gate_options(command):
    """Outputs, gate and waivers: the same options on every command that judges subjects and gates."""
    return with_options(command, [output_option(), output_file_option(), fail_on_option(), no_fail_option(),
                                  waivers_option(), evaluation_date_option()])


def live_source_options(command=None, *, tracking_help: str | None = None, ui_help: str | None = None):
    """Where the live sources a descriptor declares are read: the MLflow registry and the UI's origin
    (the same options on `check`, `audit` and `drift`), passed on as `live=LiveOptions(...)`."""
    if command is None:
        return functools.partial(live_source_options, tracking_help=tracking_help, ui_help=ui_help)
    tracking = tracking_help or ("MLflow registry for the model versions (env MLFLOW_TRACKING_URI). Default: each "
                                 "models[].tracking_uri (for audit: the config's models.tracking_uri first).")

    @functools.wraps(command)
    def wrapper(*args, tracking_uri, mlflow_timeout, mlflow_retries, ui_base_url, axe_source, page_timeout, **kwargs):
        from cxgov.sources.live import LiveOptions

        live = LiveOptions(tracking_uri or None, mlflow_timeout, mlflow_retries, ui_base_url, axe_source, page_timeout)
        return command(*args, live=live, **kwargs)

    options = [tracking_uri_option(tracking), *_registry_options(),
               ui_base_url_option(ui_help) if ui_help else ui_base_url_option(), axe_source_option(),
               page_timeout_option()]
    return with_options(wrapper, options)


def outputs_from(output, output_file: str | None = None, color: bool | None = None, *, choices=None):
    """-o, --output-file and --color as the command's Outputs (default: text on stdout)."""
    from cxgov import formats
    from cxgov.commands.outputs import Outputs, parse_outputs

    targets = parse_outputs(list(output) or ["text"], output_file, choices=choices or formats.FORMATS)
    return Outputs(tuple(targets), use_color(color))


def gate_from(fail_on: str | None, waivers: str | None = None, evaluation_date: str | None = None):
    """--fail-on, --waivers and --evaluation-date as the command's GateOptions."""
    from pathlib import Path

    from cxgov.gate import GateOptions

    return GateOptions(fail_on, Path(waivers) if waivers else None, parse_date(evaluation_date))


def parse_shard(spec: str | None):
    from cxgov.shard import Shard

    return None if spec is None else Shard.parse(spec)
