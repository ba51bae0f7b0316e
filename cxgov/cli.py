"""The cxgov command line: options -> pipeline -> formats -> exit code. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from cxgov import __version__
from cxgov.errors import CxgovError, UsageError
from cxgov.commands.engine_options import ALLOW_NONDETERMINISTIC, engine_options, eval_bound_options
from cxgov.commands.trust_options import trust_options

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
        defaults = check_defaults(find_config(config), check.params)
        # `policy test` reads the same data files as `check`, as conftest verify does
        ctx.default_map = {"check": defaults, "policy": {"test": {"data": defaults.get("data", [])}}}
    except CxgovError as exc:
        _error(exc)
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


def _with_options(command, options):
    """Apply click options in the order listed (decorators apply bottom-up)."""
    for option in reversed(options):
        command = option(command)
    return command


def _gate_options(command):
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
    return _with_options(command, options)


def _live_source_options(command):
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
    return _with_options(command, options)


@cli.command(epilog="""\b
Examples:
  cxgov check cxgov/ k8s/ terraform/plan.json          builtin packs, text output
  cxgov check k8s/ -p policy/ --no-builtin             your conftest policies only
  cxgov check . -o text -o sarif=cxgov.sarif           several outputs at once
  terraform show -json plan.out | cxgov check -        a plan from standard input
  cxgov check cxgov/ --tracking-uri http://mlflow:5000  the descriptor's models from this registry
  cxgov check cxgov/ k8s/ --no-models                   skip the registry (models reported unverified)
  cxgov check cxgov/ --ui-base-url http://127.0.0.1:8765   the descriptor's UI, scanned on a local copy
  cxgov check k8s/ --engine opa --opa-url http://127.0.0.1:8181    evaluate on an OPA server
  cxgov check k8s/ --shard 2/4 -o json=shard-2.json    one CI job's share; see `cxgov merge`
  cxgov check . --pack residency --skip-rule 'RES-01*'   one pack, without some of its rules
  cxgov check . --severity high --baseline known.json   fail only on new findings of high severity or above
  cxgov check k8s/ -o conftest-json                    conftest's JSON, for scripts written for conftest

\b
Inline suppressions (the reason is required; shown as SUPPRESSED in every output):
  image: nginx:1.27   # cxgov:ignore K8S-TAG pinned by digest in the deploy job""")
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
@_gate_options
@click.option("--fail-on-warn", is_flag=True, help="Same as --fail-on warn (conftest's flag).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes. Default: number of CPUs.")
@click.option("--max-file-size", type=click.IntRange(min=1), metavar="BYTES",
              help="Refuse larger input files. Default: 16 MiB.")
@click.option("--max-depth", type=click.IntRange(min=1), metavar="N", help="Deepest nesting read. Default: 64.")
@click.option("--max-nodes", type=click.IntRange(min=1), metavar="N",
              help="Most values in one document, aliases expanded. Default: 1,000,000.")
@click.option("--max-documents", type=click.IntRange(min=1), metavar="N",
              help="Most documents in one file. Default: 10,000.")
@click.option("--color/--no-color", default=None, help="Colour the text output. Default: when stdout is a terminal.")
@_live_source_options
@click.option("--models/--no-models", "read_models", default=True, show_default=True,
              help="Read the model versions the descriptor deploys from the registry. --no-models skips it, "
                   "and the deployed models are reported as unverified (SOC2-CC8.1-02).")
@click.option("--no-ui", is_flag=True,
              help="Do not scan the descriptor's UI entry points (said on stderr; WCAG-SCAN-01 reports them).")
@click.option("--ui-artifacts", metavar="DIR", help="Keep UI screenshots and axe JSON here. Default: not kept.")
@click.option("--shard", metavar="I/N", help="Evaluate only the I-th of N deterministic shares of the input files "
              "(CI matrix jobs); combine their JSON results with `cxgov merge`.")
@click.option("--rule", "rules", multiple=True, metavar="ID|GLOB",
              help="Only these rules (ids or globs, repeatable), as checkov's --check.")
@click.option("--skip-rule", "skip_rules", multiple=True, metavar="ID|GLOB",
              help="Not these rules (ids or globs, repeatable), as checkov's --skip-check.")
@click.option("--pack", "packs", multiple=True,
              type=click.Choice(["residency", "gdpr", "soc2", "ai_act", "wcag", "governance", "shadow_ai"]),
              help="Only these builtin packs (repeatable). Default: all.")
@click.option("--severity", type=click.Choice(["critical", "high", "medium", "low", "info"]),
              help="The lowest severity that fails the gate; findings below it are still reported. Default: info.")
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="A JSON result of an earlier run (-o json): its findings are reported as baselined, new ones fail.")
@click.option("-q", "--quiet", is_flag=True, help="Text output: only the findings that fail the gate, and the verdict.")
@click.option("--compact", is_flag=True, help="Text output: one line per finding.")
@engine_options
def check(paths, policy, data, namespace, all_namespaces, builtin, combine, parser, include, exclude, output,
          output_file, fail_on, fail_on_warn, no_fail, waivers, evaluation_date, jobs, max_file_size, max_depth,
          max_nodes, max_documents, color, tracking_uri, read_models, mlflow_timeout, mlflow_retries, ui_base_url,
          no_ui, ui_artifacts, axe_source, page_timeout, shard, rules, skip_rules, packs, severity, baseline, quiet,
          compact, engine):
    """Evaluate files (YAML, JSON, TOML, HCL2, Terraform plans, Kubernetes manifests) against policies.

    PATH may be a file, a directory (searched recursively) or - for standard input.
    """
    from cxgov.commands.check import run_check
    from cxgov.formats._common import RenderOptions
    from cxgov.selection import Selection

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
        color=_color(color), tracking_uri=tracking_uri, read_models=read_models, mlflow_timeout=mlflow_timeout,
        mlflow_retries=mlflow_retries,
        ui=_ui_options(base_url=ui_base_url, artifacts=ui_artifacts, axe_source=axe_source, page_timeout=page_timeout),
        no_ui=no_ui,
        engine=engine, shard=_shard(shard),
        selection=Selection(tuple(rules), tuple(skip_rules), tuple(packs), severity), baseline=baseline,
        render=RenderOptions(quiet=quiet, compact=compact),
    )
    sys.exit(0 if no_fail else code)


def _ui_options(**kw):
    from cxgov.commands.wcag import UIOptions

    return UIOptions(**kw)


# --- cxgov wcag: agent UIs scanned with axe-core in headless Chromium ---------------------------

@cli.command(epilog="""\b
Examples:
  cxgov wcag https://www.acme-shop.eu/help                     the page as it loads
  cxgov wcag https://www.acme-shop.eu/help --states states.yaml   chat-widget states reached by steps
  cxgov wcag report.html --tags wcag21aa -o json               a local file, WCAG 2.1 A/AA only
  cxgov wcag --states ui.yaml --artifacts out/wcag -o sarif=wcag.sarif

\b
A states file is a list of steps run after the page loads, each a one-key mapping:
  - scan: closed                     run axe-core and take a screenshot as state "closed"
  - click: "#chat-launcher"          (or {selector, timeout})
  - wait_for: "#chat-panel"          (or {selector | text, timeout})
  - type: {selector: "#chat-input", text: "Where is my order?"}
  - press: Enter
  - goto: "?offline"                 (relative to the page)
  - viewport: 320x640
or a mapping {entry_points: [{name, url, states: [...]}]} as in the descriptor's ui section.""")
@click.argument("urls", nargs=-1, metavar="URL...")
@click.option("--states", "states_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Steps reaching the states to scan (YAML/JSON), or entry points with their steps.")
@click.option("--tags", multiple=True, metavar="TAG",
              help="axe-core tags (repeatable or comma-separated); lower WCAG levels are always added. "
                   "Default: wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa.")
@click.option("--axe-source", metavar="FILE", help="axe-core script (axe.min.js). Default: $CXGOV_AXE_SOURCE, "
                                                     "else ./node_modules/axe-core.")
@click.option("--axe-options", metavar="JSON", help='Extra axe.run options as JSON text, e.g. \'{"rules": {...}}\'.')
@click.option("--base-url", metavar="URL", help="Scan the same paths on this origin instead (e.g. a local copy).")
@click.option("--artifacts", default="wcag-artifacts", show_default=True, metavar="DIR",
              help="Where screenshots (PNG) and axe-core JSON per page and state are written.")
@click.option("--chrome", metavar="FILE", help="Chromium/Chrome binary. Default: $CXGOV_CHROME, else "
                                                "Debian's /usr/lib/chromium/chromium-headless-shell, else "
                                                "/usr/lib/chromium/chromium.")
@click.option("--chromedriver", metavar="FILE", help="chromedriver. Default: $CXGOV_CHROMEDRIVER, else "
                                                      "/usr/bin/chromedriver.")
@click.option("--page-timeout", type=click.FloatRange(min=1), default=30, show_default=True, metavar="SECONDS",
              help="Longest a page may take to load, or axe-core to run.")
@click.option("--step-timeout", type=click.FloatRange(min=0.1), default=10, show_default=True, metavar="SECONDS",
              help="Default wait for a step's element or text.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Browsers scanning in parallel. Default: 2.")
@click.option("--screenshots", type=click.Choice(["all", "violations"]), default="violations", show_default=True,
              help="Photograph only states with a violation (a gate's evidence; faster), or every scanned state "
                   "(as `cxgov audit` does for its bundle).")
@click.option("-d", "--data", multiple=True, metavar="PATH",
              help="JSON/YAML data merged under data.* (e.g. cxgov.config.a11y.strict: true).")
@click.option("-o", "--output", multiple=True, metavar="FORMAT[=FILE]",
              help="text, json, sarif, junit, github, markdown; FORMAT=FILE writes to a file (repeatable).")
@click.option("--output-file", metavar="FILE", help="Write the (single) -o format to FILE instead of stdout.")
@click.option("--fail-on", type=click.Choice(["deny", "warn", "never"]), default="deny", show_default=True,
              help="Which findings fail the gate.")
@click.option("--waivers", type=click.Path(dir_okay=False), metavar="FILE", help="Waivers file (waivers.yaml).")
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Known violations (rule, state, target), reviewed like waivers: reported as baselined; new ones "
                   "fail, fixed ones are reported.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write this scan's violations as a baseline to review (its review fields left to fill in).")
@click.option("--evaluation-date", metavar="YYYY-MM-DD", help="The date rules judge against. Default: today (UTC).")
@click.option("--color/--no-color", default=None, help="Colour the text output. Default: when stdout is a terminal.")
@eval_bound_options
def wcag(urls, states_file, tags, axe_source, axe_options, base_url, artifacts, chrome, chromedriver, page_timeout,
         step_timeout, jobs, screenshots, data, output, output_file, fail_on, waivers, baseline, write_baseline,
         evaluation_date, color):
    """Scan web pages (agent UIs, chat widgets) with axe-core in headless Chromium and gate on WCAG 2.2 A/AA.

    Each URL (or local HTML file) is loaded, the --states steps run, and every `scan:` step is one
    result: axe-core's violations and needs-review items, cxgov's behavioural checks (live
    announcements, focus into and out of the widget, Escape, keyboard traps, focus hidden by the
    widget, target size, reflow at 320 px), the viewport, a timestamp and a full-page screenshot. A
    page that does not load or a step that fails is an error (exit 2).
    """
    from cxgov.commands.wcag import UIOptions, run_wcag

    options = UIOptions(base_url=base_url, artifacts=artifacts, axe_source=axe_source, axe_options=axe_options,
                        tags=tuple(t for spec in tags for t in spec.split(",") if t.strip()), chrome=chrome,
                        chromedriver=chromedriver, page_timeout=page_timeout, step_timeout=step_timeout, jobs=jobs,
                        screenshots=screenshots)
    code = run_wcag(urls=list(urls), states_file=states_file, ui=options, data=list(data), outputs=list(output) or ["text"],
                    output_file=output_file, fail_on=fail_on, waivers=waivers, baseline=baseline,
                    write_baseline=write_baseline, evaluation_date=_evaluation_date(evaluation_date),
                    color=_color(color))
    sys.exit(code)


def _shard(spec: str | None):
    from cxgov.shard import Shard

    return None if spec is None else Shard.parse(spec)


# --- merge: sharded results back into one verdict ------------------------------------------------

@cli.command(epilog="""\b
Examples:
  cxgov merge shard-*.json                              the verdict of all shards, as text
  cxgov merge shard-*.json -o sarif=cxgov.sarif -o github   SARIF and annotations for the whole run""")
@click.argument("results", nargs=-1, required=True, metavar="RESULT.json...",
                type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", multiple=True, metavar="FORMAT[=FILE]",
              help="text, json, sarif, junit, github, markdown; FORMAT=FILE writes to a file (repeatable).")
@click.option("--output-file", metavar="FILE", help="Write the (single) -o format to FILE instead of stdout.")
@click.option("--fail-on", type=click.Choice(["deny", "warn", "never"]),
              help="Which findings fail the merged gate. Default: the shards' own setting (which must agree).")
@click.option("--no-fail", is_flag=True, help="Exit 0 even when the gate fails (errors still exit 2).")
@click.option("--color/--no-color", default=None, help="Colour the text output. Default: when stdout is a terminal.")
def merge(results, output, output_file, fail_on, no_fail, color):
    """Combine the JSON results of `cxgov check --shard I/N` runs into the verdict of the whole run.

    Every shard 1..N of one split must be given exactly once, evaluated with the same policies, engine,
    evaluation date and gate; anything else is an error (exit 2), never a partial pass. Shards may
    run with --fail-on never (so no matrix job fails alone) and the merge gate with --fail-on deny.
    """
    from cxgov.commands.merge import run_merge

    code = run_merge(list(results), outputs=list(output) or ["text"], output_file=output_file, color=_color(color),
                     fail_on=fail_on)
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


@cli.group()
def models() -> None:
    """Judge MLflow model versions: AI Act traceability and SOC 2 change control."""


@models.command("check", epilog="""\b
Examples:
  cxgov models check cx-router@production --tracking-uri http://127.0.0.1:5000
  cxgov models check models:/cx-router/7 cx-router/8 -o sarif=models.sarif
  cxgov models check --filter "name LIKE 'cx-%'"        every version matching an MLflow search filter
  cxgov models check --filter "tags.risk_class = 'high'" -o json

\b
References: name@alias, name/version, models:/name/version, models:/name@alias.
Auth: MLflow's own variables (MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME/PASSWORD, ...).""")
@click.argument("refs", nargs=-1, metavar="[REF...]")
@click.option("--filter", "filters", multiple=True, metavar="EXPR",
              help="MLflow model-version search filter; every matching version is checked (repeatable).")
@click.option("--tracking-uri", envvar="MLFLOW_TRACKING_URI", metavar="URI",
              help="The MLflow tracking URI: http(s):// server, sqlite:///, postgresql://, mysql://, databricks or file: (env MLFLOW_TRACKING_URI).")
@click.option("-p", "--policy", multiple=True, metavar="PATH", help="Also evaluate these policies (repeatable).")
@click.option("-d", "--data", multiple=True, metavar="PATH", help="JSON/YAML data merged under data.* (repeatable).")
@click.option("--builtin/--no-builtin", default=True, show_default=True, help="Evaluate cxgov's builtin packs.")
@_gate_options
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes. Default: number of CPUs.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, metavar="SECONDS",
              help="Timeout of each registry request.")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True, metavar="N",
              help="Retries (with backoff) on connection errors and 5xx answers.")
@click.option("--color/--no-color", default=None, help="Colour the text output. Default: when stdout is a terminal.")
@eval_bound_options
def models_check(refs, filters, tracking_uri, policy, data, builtin, output, output_file, fail_on, no_fail, waivers,
                 evaluation_date, jobs, timeout, retries, color):
    """Evaluate model versions from an MLflow registry against the builtin packs and your policies.

    Exit 0 pass, 1 gate failed, 2 the registry (or a policy) could not be read.
    """
    from cxgov.commands.models import run_models_check

    code = run_models_check(
        refs=list(refs), filters=list(filters), tracking_uri=tracking_uri, policy=list(policy), data=list(data),
        builtin=builtin, outputs=list(output) or ["text"], output_file=output_file, fail_on=fail_on,
        waivers=waivers, evaluation_date=_evaluation_date(evaluation_date), jobs=jobs, timeout=timeout,
        retries=retries, color=_color(color),
    )
    sys.exit(0 if no_fail else code)
# --- audit, init and the evidence bundle ---------------------------------------------------------


@cli.command(epilog="""\b
Examples:
  cxgov audit                                   ./cxgov.yaml; bundle in evidence/<system>-<date>/
  cxgov audit --key cxgov-signing.key           sign with a key file (cxgov evidence keygen)
  cxgov audit --key-env CXGOV_SIGNING_KEY       sign with a PEM key held in a CI secret
  SOURCE_DATE_EPOCH=1764000000 cxgov audit      pin the bundle's timestamps (reproducible)
  cxgov audit --tracking-uri http://127.0.0.1:5000 --ui-base-url http://127.0.0.1:8765/
                                                the models from this registry, the UI on a local copy""")
@click.argument("config_file", default="cxgov.yaml", metavar="[CONFIG]")
@click.option("--evaluation-date", metavar="YYYY-MM-DD", help="The date rules judge against. Default: today (UTC).")
@click.option("--out", metavar="DIR", help="Bundle directory (DIR.tar.gz beside it). Default: from the config.")
@click.option("--key", "key_file", metavar="FILE", help="Ed25519 private key (PEM) to sign with.")
@click.option("--key-env", metavar="VAR", help="Environment variable holding the PEM private key.")
@click.option("--unsigned", is_flag=True, help="Do not sign, even when the config names a key.")
@click.option("--overwrite", is_flag=True, help="Replace an existing bundle at the same path.")
@click.option("-o", "--output", multiple=True, metavar="FORMAT[=FILE]",
              help="Also report as text, json, sarif, junit, github, markdown (repeatable). Default: text.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes. Default: number of CPUs.")
@click.option("--color/--no-color", default=None, help="Colour the text output. Default: when stdout is a terminal.")
@_live_source_options
@eval_bound_options
def audit(config_file, evaluation_date, out, key_file, key_env, unsigned, overwrite, output, jobs, color,
          tracking_uri, mlflow_timeout, mlflow_retries, ui_base_url, axe_source, page_timeout):
    """Audit the system cxgov.yaml describes and write a signed evidence bundle.

    Every source of the config (descriptor, manifests, plans, MLflow model versions, UI scans) goes
    through one evaluation; the bundle (a directory and a byte-reproducible .tar.gz) holds the
    findings, control matrix, redacted inputs, exact policies and a DSSE-signed in-toto attestation.
    Exit 0 gate passed, 1 gate failed (the bundle is written either way), 2 could not audit.
    """
    from cxgov.commands.audit import LiveOptions, run_audit_command

    live = LiveOptions(tracking_uri=tracking_uri or None, mlflow_timeout=mlflow_timeout, mlflow_retries=mlflow_retries,
                       ui_base_url=ui_base_url, axe_source=axe_source, page_timeout=page_timeout)
    sys.exit(run_audit_command(config_file=config_file, evaluation_date=_evaluation_date(evaluation_date), out=out,
                               key_file=key_file, key_env=key_env, unsigned=unsigned, overwrite=overwrite,
                               outputs=list(output) or ["text"], jobs=jobs, color=_color(color), live=live))


@cli.command(epilog="""\b
Examples:
  cxgov inventory cxgov k8s terraform app          text: each AI service, its file:line, declared or not
  cxgov inventory . -o json                        the same as JSON
  cxgov inventory . -o cyclonedx=aibom.cdx.json    a CycloneDX 1.6 AI-BOM""")
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option("-o", "--output", multiple=True, metavar="FORMAT[=FILE]",
              help="text (default), json or cyclonedx; =FILE writes to a file (repeatable).")
@click.option("--output-file", metavar="FILE", help="Write the one -o format to this file.")
@click.option("--evaluation-date", metavar="YYYY-MM-DD", help="The date rules judge against. Default: today.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes. Default: number of CPUs.")
@click.option("--color/--no-color", default=None, help="Colour the text output. Default: when stdout is a terminal.")
def inventory(paths, output, output_file, evaluation_date, jobs, color):
    """List every AI service the files use (endpoints, API keys, model servers, AI cloud resources,
    SDKs), with its file and line and whether the descriptor declares it.

    The same detection as the shadow-AI rules, in one evaluation. Exit 0 whatever is found (the gate
    is `cxgov check`), 2 when the files cannot be read.
    """
    from cxgov.commands.inventory import run_inventory

    if not paths:
        raise UsageError("no files to inventory", hint="give one or more files or directories")
    sys.exit(run_inventory(paths=list(paths), outputs=list(output) or ["text"], output_file=output_file,
                           evaluation_date=_evaluation_date(evaluation_date), jobs=jobs, color=_color(color)))


@cli.command()
@click.argument("directory", default=".", metavar="[DIR]")
@click.option("--system", metavar="NAME", help="The system's name. Default: the directory's name.")
def init(directory, system):
    """Draft a descriptor from the repository's Kubernetes and Terraform files, and scaffold the rest.

    Writes cxgov/descriptor.yaml (TODO where only a person knows the answer), cxgov.yaml, waivers.yaml,
    .github/workflows/cxgov-audit.yml, .gitignore entries for keys and bundles, and a signing key pair
    in .cxgov/keys/; existing files are kept. Prints the check and audit commands to run next.
    """
    from cxgov.commands.init import run_init

    sys.exit(run_init(directory, system))


@cli.group()
def evidence() -> None:
    """Check an evidence bundle offline: verify, show, replay, diff; and make signing keys."""


@evidence.command("verify")
@click.argument("bundle", metavar="BUNDLE")
@trust_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--subject", metavar="ARTIFACT",
              help="Also answer whether ARTIFACT was covered by the bundle's attestation: an image "
                   "(repo@sha256:...), a digest (sha256:<hex>), a git commit or a subject name such as "
                   "models:/NAME/VERSION. Exit 0 covered, 1 not covered (the bundle must verify first).")
def evidence_verify(bundle, trust, as_json, subject):
    """Check that BUNDLE (directory or .tar.gz) is exactly what a trusted key signed.

    The manifest must list exactly the files present, every size and sha256 must match, and the
    signature over the manifest must be valid for a trusted key (--public-key, $CXGOV_TRUSTED_KEYS or
    evidence.trusted_keys in ./cxgov.yaml). Exit 0 intact and signed by a trusted key, 1 any difference
    (each one named), 2 unreadable, or intact but UNTRUSTED (no trusted key given; --allow-untrusted
    accepts it) or UNSIGNED (--allow-unsigned accepts it).
    """
    from cxgov.commands.evidence import run_verify

    sys.exit(run_verify(bundle, trust, as_json, subject))


@evidence.command("show")
@click.argument("bundle", metavar="BUNDLE")
@trust_options
@click.option("--json", "as_json", is_flag=True, help="Print the manifest (without the file list) and summary as JSON.")
def evidence_show(bundle, trust, as_json):
    """Summarise BUNDLE: system, verdict, counts per framework, findings, signature.

    The bundle is verified first, as `evidence verify` does with the same options; one that does not
    verify is refused (exit 2)."""
    from cxgov.commands.evidence import run_show

    sys.exit(run_show(bundle, as_json, trust))


@evidence.command("replay")
@click.argument("bundle", metavar="BUNDLE")
@trust_options
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes. Default: number of CPUs.")
@eval_bound_options
def evidence_replay(bundle, trust, jobs):
    """Re-evaluate BUNDLE's inputs with its own policies and data; findings.json must come out byte for byte.

    The bundle is verified first (as `evidence verify`). Exit 0 reproduced, 1 not reproduced (the
    differences are listed), 2 unreadable or not verified."""
    from cxgov.commands.evidence import run_replay

    sys.exit(run_replay(bundle, jobs, trust))


@evidence.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@trust_options
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
def evidence_diff(a, b, trust, as_json):
    """Compare bundle A with bundle B: controls, findings per rule and subject (new, resolved,
    changed), inputs. Both are verified first (as `evidence verify`). Exit 0 no differences, 1
    differences, 2 unreadable or not verified."""
    from cxgov.commands.evidence import run_diff

    sys.exit(run_diff(a, b, as_json, trust))


@evidence.command("keygen")
@click.option("--out", default="cxgov-signing.key", show_default=True, metavar="FILE",
              help="Private key file; the public key goes to FILE.pub.")
@click.option("--force", is_flag=True, help="Overwrite existing key files.")
def evidence_keygen(out, force):
    """Create an Ed25519 key pair for signing bundles (private key written with mode 0600)."""
    from cxgov.commands.evidence import run_keygen

    sys.exit(run_keygen(out, force))
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
        # the live sources, read where the approved audit read them
        click.option("--tracking-uri", envvar="MLFLOW_TRACKING_URI", metavar="URI",
                     help="MLflow registry for the model versions (env MLFLOW_TRACKING_URI), as for `cxgov audit`."),
        click.option("--ui-base-url", metavar="URL",
                     help="Scan the UI entry points on this origin, as for `cxgov audit`."),
    ]
    return _with_options(command, options)


def _live_timeouts(command):
    """--mlflow-timeout, --mlflow-retries, --axe-source and --page-timeout exactly as `check` and `audit`
    define them, for the audit a drift run re-runs."""
    import copy

    wanted = ("mlflow_timeout", "mlflow_retries", "axe_source", "page_timeout")
    probe = _live_source_options(lambda: None)
    params = [copy.copy(p) for p in reversed(probe.__click_params__) if p.name in wanted]
    command.__click_params__ = getattr(command, "__click_params__", []) + list(reversed(params))
    return command


def _drift_settings(baseline, current, state, webhook, webhook_timeout, webhook_retries, report_url, metrics,
                    output, fail_on, evaluation_date, jobs, config_path, tracking_uri, ui_base_url, trust,
                    mlflow_timeout=10.0, mlflow_retries=3, axe_source=None, page_timeout=30.0):
    from cxgov.commands.drift import DriftOptions, parse_targets
    from cxgov.drift.alerts import check_url

    if webhook and state is None:
        raise UsageError("--webhook needs --state", hint="the state file remembers which drift was already alerted")
    return DriftOptions(
        baseline=baseline, current=current, state=state, webhook=check_url(webhook) if webhook else None,
        webhook_timeout=webhook_timeout, webhook_retries=webhook_retries, report_url=report_url, metrics=metrics,
        targets=parse_targets(list(output)), fail_on=fail_on,
        evaluation_date=_evaluation_date(evaluation_date) if evaluation_date else None, jobs=jobs,
        config_path=config_path, tracking_uri=tracking_uri or None, ui_base_url=ui_base_url,
        mlflow_timeout=mlflow_timeout, mlflow_retries=mlflow_retries, axe_source=axe_source,
        page_timeout=page_timeout, trust=trust)


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
@_live_timeouts
@eval_bound_options
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
@trust_options
@_live_timeouts
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

    sys.exit(run_history(state, fmt=output, limit=limit, stdout=sys.stdout))


def main() -> None:
    try:
        cli(prog_name="cxgov")
    except SystemExit as exc:
        if "mlflow" in sys.modules:  # a store was read: skip mlflow's costly interpreter teardown
            from cxgov.sources.mlflow_store import exit_without_teardown

            exit_without_teardown(exc.code)
        raise
