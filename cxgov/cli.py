"""The cxgov command line: options -> pipeline -> formats -> exit code. Nothing else lives here."""

from __future__ import annotations

import sys

import click

from cxgov import __version__
from cxgov.errors import CxgovError

EXIT_ERROR = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CxgovError as exc:
            _error(exc)
            ctx.exit(EXIT_ERROR)


def _error(exc: CxgovError) -> None:
    """`cxgov: error: ...` on stderr, through the one redaction (an error may quote its input)."""
    from cxgov.commands.outputs import error_line

    click.echo(error_line(exc), err=True)


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from cxgov.versions import version_text

    click.echo(version_text(), nl=False)
    ctx.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help=f"Show cxgov's version ({__version__}), its engine's, axe-core's and the policy packs', and exit.")
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
        defaults = check_defaults(find_config(config), ctx.command.get_command(ctx, "check").params)
        # `policy test` reads the same data files as `check`, as conftest verify does
        ctx.default_map = {"check": defaults, "policy": {"test": {"data": defaults.get("data", [])}}}
    except CxgovError as exc:
        _error(exc)
        ctx.exit(EXIT_ERROR)


# the commands register themselves on `cli` (after it exists: they import it)
from cxgov import cli_drift, cli_evidence, cli_gate, cli_policy  # noqa: E402,F401


def main() -> None:
    try:
        cli(prog_name="cxgov")
    except SystemExit as exc:
        if "mlflow" in sys.modules:  # a store was read: skip mlflow's costly interpreter teardown
            from cxgov.sources.mlflow_store import exit_without_teardown

            exit_without_teardown(exc.code)
        raise
