"""Commands about the policies themselves: policy test, policy lint, controls and schema."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cxgov.cli import EXIT_ERROR, cli
from cxgov.cli_options import builtin_option, data_option, policy_option
from cxgov.commands.engine_options import ALLOW_NONDETERMINISTIC, eval_bound_options


@cli.group()
def policy() -> None:
    """Work with Rego policies: unit tests and the lint pass."""


@policy.command("test")
@click.argument("paths", nargs=-1, metavar="PATH...")
@data_option()
@click.option("--builtin/--no-builtin", default=None,
              help="Also run the builtin packs' tests. Default: only when no PATH is given.")
@click.option("-r", "--run", "pattern", metavar="REGEX", help="Only tests whose name matches.")
@click.option("-v", "--verbose", is_flag=True, help="List every test, and print OPA's trace of each failing one.")
@click.option("--coverage", type=click.Choice(["text", "json"]), default=None, is_flag=False, flag_value="text",
              help="Also report line coverage of the policies (OPA's coverage tracer); --coverage json for JSON.")
@ALLOW_NONDETERMINISTIC
@eval_bound_options
def policy_test(paths, data, builtin, pattern, verbose, coverage, allow_nondeterministic):
    """Run the test_* rules of *_test.rego files (as `opa test` / `conftest verify` do).

    Tests run on the embedded OPA: `with input as`, `with data.x as` and function mocks work as in
    OPA. Exit 0 all pass, 1 a test failed, 2 a test errored or a policy did not compile.
    """
    from cxgov.commands.policy_test import run_policy_tests

    sys.exit(run_policy_tests(list(paths), list(data), builtin, pattern, verbose, coverage, allow_nondeterministic))


@policy.command("lint")
@click.argument("paths", nargs=-1, metavar="PATH...")
@ALLOW_NONDETERMINISTIC
def policy_lint(paths, allow_nondeterministic):
    """Check policies: syntax, conftest conventions, values OPA hoists out of `not` (CX013), and
    builtins that make a verdict unreplayable (CX004).

    Without PATH: the builtin packs, and ./policy when it exists. Exit 0 clean, 1 warnings, 2 errors.
    """
    from cxgov.commands.outputs import show_warnings
    from cxgov.engine.policyset import load

    builtin = not paths
    if not paths and Path("policy").is_dir():
        paths = ("policy",)
    policies = load(list(paths), builtin=builtin, include_tests=True, allow_nondeterministic=allow_nondeterministic,
                    lint_errors_fatal=False)
    show_warnings(policies.warnings)
    files = len(policies.modules) + len(policies.tests)
    errors = sum(w.severity == "error" for w in policies.warnings)
    if errors:
        click.echo(f"{files} files, {errors} errors, {len(policies.warnings) - errors} warnings")
        sys.exit(EXIT_ERROR)
    if policies.warnings:
        click.echo(f"{files} files, {len(policies.warnings)} warnings")
        sys.exit(1)
    click.echo(f"{files} files, no problems found")


@cli.command()
@policy_option("Also list rules of these policies.")
@builtin_option("List the builtin packs' rules.")
@click.option("-f", "--framework", metavar="NAME", help="Only rules mapped to this framework (soc2, gdpr, eu-ai-act, wcag22).")
@click.option("-c", "--control", metavar="ID", help="Only rules mapped to this control (e.g. CC6.1, Art.44).")
@click.option("-o", "--output", type=click.Choice(["table", "json"]), default="table", show_default=True)
def controls(policy, builtin, framework, control, output):
    """List the control catalog: every rule with its id, severity, gate and the controls it serves."""
    from cxgov.catalog import render_catalog

    click.echo(render_catalog(list(policy), builtin, framework, control, output), nl=False)


@cli.command()
@click.argument("what", type=click.Choice(["descriptor", "config", "result"]))
def schema(what):
    """Print a JSON Schema for editors and CI: `descriptor` (apiVersion cxgov.io/v1, kind AISystem),
    `config` (cxgov.yaml, what `cxgov audit` reads) or `result` (what `-o json` writes)."""
    import json

    if what == "result":
        from cxgov.formats.json_schema import result_schema

        click.echo(json.dumps(result_schema(), indent=2, sort_keys=True))
        return
    if what == "config":
        from cxgov.audit_config import schema as config_schema

        click.echo(json.dumps(config_schema(), indent=2, sort_keys=True))
        return
    from cxgov import descriptor

    click.echo(json.dumps(descriptor.schema(), indent=2, sort_keys=True))
