"""The gate's commands: check, wcag, merge, models check and inventory."""

from __future__ import annotations

import sys

import click

from cxgov.cli import cli
from cxgov.cli_options import (axe_source_option, builtin_option, color_option, data_option, evaluation_date_option,
                               fail_on_option, gate_from, gate_options, jobs_option, live_source_options,
                               no_fail_option, output_file_option, output_option, outputs_from, page_timeout_option,
                               parse_date, parse_shard, policy_option, registry_options, renamed_option, renamed_value,
                               tracking_uri_option, waivers_option)
from cxgov.commands.engine_options import engine_options, eval_bound_options
from cxgov.errors import UsageError
from cxgov.packs import PACKS


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
@policy_option("Policy directory or .rego file (repeatable). Default: ./policy when it exists.")
@data_option()
@click.option("-n", "--namespace", multiple=True, metavar="GLOB",
              help="Packages of your policies to evaluate (globs, repeatable). Default: main.")
@click.option("--all-namespaces", is_flag=True, help="Evaluate every package of your policies.")
@builtin_option("Also evaluate cxgov's builtin packs (their own packages, whatever -n says).")
@click.option("--combine", is_flag=True, help="Evaluate all documents as one input: a list of {path, contents}.")
@click.option("--parser", type=click.Choice(["yaml", "json", "toml", "hcl2"]), help="Read every file with this parser.")
@click.option("--include", multiple=True, metavar="GLOB", help="Only files in directories matching these globs.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching these globs.")
@gate_options
@click.option("--fail-on-warn", is_flag=True, help="Same as --fail-on warn (conftest's flag).")
@jobs_option()
@click.option("--max-file-size", type=click.IntRange(min=1), metavar="BYTES",
              help="Refuse larger input files. Default: 16 MiB.")
@click.option("--max-depth", type=click.IntRange(min=1), metavar="N", help="Deepest nesting read. Default: 64.")
@click.option("--max-nodes", type=click.IntRange(min=1), metavar="N",
              help="Most values in one document, aliases expanded. Default: 1,000,000.")
@click.option("--max-documents", type=click.IntRange(min=1), metavar="N",
              help="Most documents in one file. Default: 10,000.")
@color_option()
@live_source_options
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
              type=click.Choice(PACKS),
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
          max_nodes, max_documents, color, read_models, no_ui, ui_artifacts, shard, rules, skip_rules, packs, severity,
          baseline, quiet, compact, live, engine):
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
        exclude=list(exclude), outputs=outputs_from(output, output_file, color),
        gate=gate_from("warn" if fail_on_warn else fail_on, waivers, evaluation_date), jobs=jobs,
        limits={"max_file_bytes": max_file_size, "max_depth": max_depth, "max_nodes": max_nodes,
                "max_documents": max_documents},
        live=live, read_models=read_models, ui_artifacts=ui_artifacts, no_ui=no_ui,
        engine=engine, shard=parse_shard(shard),
        selection=Selection(tuple(rules), tuple(skip_rules), tuple(packs), severity), baseline=baseline,
        render=RenderOptions(quiet=quiet, compact=compact),
    )
    sys.exit(0 if no_fail else code)


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
@axe_source_option()
@click.option("--axe-options", metavar="JSON", help='Extra axe.run options as JSON text, e.g. \'{"rules": {...}}\'.')
@click.option("--base-url", metavar="URL", help="Scan the same paths on this origin instead (e.g. a local copy).")
@click.option("--artifacts", default="wcag-artifacts", show_default=True, metavar="DIR",
              help="Where screenshots (PNG) and axe-core JSON per page and state are written.")
@click.option("--chrome", metavar="FILE", help="Chromium/Chrome binary. Default: $CXGOV_CHROME, else "
                                                "Debian's /usr/lib/chromium/chromium-headless-shell, else "
                                                "/usr/lib/chromium/chromium.")
@click.option("--chromedriver", metavar="FILE", help="chromedriver. Default: $CXGOV_CHROMEDRIVER, else "
                                                      "/usr/bin/chromedriver.")
@page_timeout_option("a page")
@click.option("--step-timeout", type=click.FloatRange(min=0.1), default=10, show_default=True, metavar="SECONDS",
              help="Default wait for a step's element or text.")
@jobs_option("Browsers scanning in parallel. Default: 2.")
@click.option("--screenshots", type=click.Choice(["all", "violations"]), default="violations", show_default=True,
              help="Photograph only states with a violation (a gate's evidence; faster), or every scanned state "
                   "(as `cxgov audit` does for its bundle).")
@data_option("JSON/YAML data merged under data.* (e.g. cxgov.config.a11y.strict: true).")
@output_option("text, json, sarif, junit, github, markdown")
@output_file_option()
@fail_on_option()
@no_fail_option()
@waivers_option()
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Known violations (rule, state, target), reviewed like waivers: reported as baselined; new ones "
                   "fail, fixed ones are reported.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write this scan's violations as a baseline to review (its review fields left to fill in).")
@evaluation_date_option()
@color_option()
@eval_bound_options
def wcag(urls, states_file, tags, axe_source, axe_options, base_url, artifacts, chrome, chromedriver, page_timeout,
         step_timeout, jobs, screenshots, data, output, output_file, fail_on, no_fail, waivers, baseline,
         write_baseline, evaluation_date, color):
    """Scan web pages (agent UIs, chat widgets) with axe-core in headless Chromium and gate on WCAG 2.2 A/AA.

    Each URL (or local HTML file) is loaded, the --states steps run, and every `scan:` step is one
    result: axe-core's violations and needs-review items, cxgov's behavioural checks (live
    announcements, focus into and out of the widget, Escape, keyboard traps, focus hidden by the
    widget, target size, reflow at 320 px), the viewport, a timestamp and a full-page screenshot. A
    page that does not load or a step that fails is an error (exit 2).
    """
    from cxgov.commands.wcag import run_wcag
    from cxgov.sources.ui_scan import UIOptions

    options = UIOptions(base_url=base_url, artifacts=artifacts, axe_source=axe_source, axe_options=axe_options,
                        tags=tuple(t for spec in tags for t in spec.split(",") if t.strip()), chrome=chrome,
                        chromedriver=chromedriver, page_timeout=page_timeout, step_timeout=step_timeout, jobs=jobs,
                        screenshots=screenshots)
    code = run_wcag(urls=list(urls), states_file=states_file, ui=options, data=list(data),
                    outputs=outputs_from(output, output_file, color), gate=gate_from(fail_on, waivers, evaluation_date),
                    baseline=baseline, write_baseline=write_baseline)
    sys.exit(0 if no_fail else code)


# --- merge: sharded results back into one verdict ------------------------------------------------

@cli.command(epilog="""\b
Examples:
  cxgov merge shard-*.json                              the verdict of all shards, as text
  cxgov merge shard-*.json -o sarif=cxgov.sarif -o github   SARIF and annotations for the whole run""")
@click.argument("results", nargs=-1, required=True, metavar="RESULT.json...",
                type=click.Path(exists=True, dir_okay=False))
@output_option("text, json, sarif, junit, github, markdown")
@output_file_option()
@fail_on_option(None, "Which findings fail the merged gate. Default: the shards' own setting (which must agree).")
@no_fail_option()
@color_option()
def merge(results, output, output_file, fail_on, no_fail, color):
    """Combine the JSON results of `cxgov check --shard I/N` runs into the verdict of the whole run.

    Every shard 1..N of one split must be given exactly once, evaluated with the same policies, engine,
    evaluation date and gate; anything else is an error (exit 2), never a partial pass. Shards may
    run with --fail-on never (so no matrix job fails alone) and the merge gate with --fail-on deny.
    """
    from cxgov.commands.merge import run_merge

    code = run_merge(list(results), outputs=outputs_from(output, output_file, color), fail_on=fail_on)
    sys.exit(0 if no_fail else code)


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
@tracking_uri_option("The MLflow tracking URI: http(s):// server, sqlite:///, postgresql://, mysql://, databricks "
                     "or file: (env MLFLOW_TRACKING_URI).")
@policy_option()
@data_option()
@builtin_option()
@gate_options
@jobs_option()
@registry_options
@renamed_option("--timeout", "--mlflow-timeout", type=click.FloatRange(min=0.1))
@renamed_option("--retries", "--mlflow-retries", type=click.IntRange(min=0))
@color_option()
@eval_bound_options
def models_check(refs, filters, tracking_uri, policy, data, builtin, output, output_file, fail_on, no_fail, waivers,
                 evaluation_date, jobs, mlflow_timeout, mlflow_retries, timeout, retries, color):
    """Evaluate model versions from an MLflow registry against the builtin packs and your policies.

    Exit 0 pass, 1 gate failed, 2 the registry (or a policy) could not be read.
    """
    from cxgov.commands.models import run_models_check

    code = run_models_check(
        refs=list(refs), filters=list(filters), tracking_uri=tracking_uri, policy=list(policy), data=list(data),
        builtin=builtin, outputs=outputs_from(output, output_file, color), gate=gate_from(fail_on, waivers, evaluation_date),
        jobs=jobs, timeout=renamed_value("--timeout", "--mlflow-timeout", timeout, mlflow_timeout),
        retries=renamed_value("--retries", "--mlflow-retries", retries, mlflow_retries),
    )
    sys.exit(0 if no_fail else code)


@cli.command(epilog="""\b
Examples:
  cxgov inventory cxgov k8s terraform app          text: each AI service, its file:line, declared or not
  cxgov inventory . -o json                        the same as JSON
  cxgov inventory . -o cyclonedx=aibom.cdx.json    a CycloneDX 1.6 AI-BOM""")
@click.argument("paths", nargs=-1, metavar="PATH...")
@output_option("text, json or cyclonedx")
@output_file_option()
@evaluation_date_option()
@jobs_option()
@color_option()
def inventory(paths, output, output_file, evaluation_date, jobs, color):
    """List every AI service the files use (endpoints, API keys, model servers, AI cloud resources,
    SDKs), with its file and line and whether the descriptor declares it.

    The same detection as the shadow-AI rules, in one evaluation. Exit 0 whatever is found (the gate
    is `cxgov check`), 2 when the files cannot be read.
    """
    from cxgov.commands.inventory import run_inventory

    if not paths:
        raise UsageError("no files to inventory", hint="give one or more files or directories")
    from cxgov.formats import INVENTORY_FORMATS

    sys.exit(run_inventory(paths=list(paths), outputs=outputs_from(output, output_file, color, choices=INVENTORY_FORMATS),
                           evaluation_date=parse_date(evaluation_date), jobs=jobs))
