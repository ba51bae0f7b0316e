#!/usr/bin/env python3
"""The steps of the cxgov GitHub Action (action.yml), kept here so they can run and be tested anywhere.

    github_action.py setup   what a UI scan needs on the runner: Chrome and chromedriver (the runner's
                             own when present, or the `chrome`/`chromedriver` inputs) and axe-core,
                             installed pinned from npm into $RUNNER_TEMP/cxgov-node (the action caches
                             it with cxgov's venv); exported to later steps through $GITHUB_ENV
    github_action.py         the gate: `cxgov check` (or `cxgov audit` with the `audit` input) with
                             annotations (`-o github`, which also appends the Markdown summary to
                             $GITHUB_STEP_SUMMARY), a SARIF file and a JSON result; the step outputs go to
                             $GITHUB_OUTPUT: verdict (pass, fail or error), exit-code, deny, warn, waived,
                             findings, sarif-file, json-file, evidence-bundle. It exits 0 so the uploads
                             run (an audit's bundle is uploaded whether or not it passed); the action's last
                             step applies the verdict.

Inputs come from CXGOV_INPUT_<NAME> variables (action.yml maps each input). Run it locally the way
the action does:

    CXGOV_INPUT_PATHS="cxgov k8s terraform/plan.json" GITHUB_OUTPUT=out.txt \\
    GITHUB_STEP_SUMMARY=summary.md python scripts/github_action.py
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

#: the action inputs these steps read, each from CXGOV_INPUT_<NAME> (upper case, - as _)
INPUTS = ("paths", "config", "policy", "data", "namespace", "builtin", "packs", "rules", "skip-rules", "severity",
          "baseline", "waivers", "formats", "fail-on", "evaluation-date", "engine", "opa-url", "opa-token",
          "opa-preloaded", "jobs", "shard", "models", "ui", "tracking-uri", "ui-base-url", "chrome", "chromedriver",
          "axe-core-version", "audit", "signing-key-env", "sarif-file", "json-file", "sarif-category",
          "evidence-bundle", "working-directory")
#: axe-core as the action installs it unless told otherwise (the version package.json pins)
AXE_CORE_VERSION = "4.14.1"
#: where GitHub's Ubuntu runners keep Chrome; chromedriver is in $CHROMEWEBDRIVER
RUNNER_CHROME = "/usr/bin/google-chrome"
DEFAULT_BUNDLE = "evidence"


def read_input(name: str, default: str = "") -> str:
    return os.environ.get("CXGOV_INPUT_" + name.upper().replace("-", "_"), default).strip() or default


def words(name: str) -> list[str]:
    """A list input: separated by newlines or spaces, shell quoting allowed for paths with spaces."""
    return shlex.split(read_input(name).replace("\n", " "))


def switch(name: str) -> bool:
    """An on/off input (on, true, yes / off, false, no); anything else is a usage error."""
    value = read_input(name, "on").lower()
    if value in ("on", "true", "yes"):
        return True
    if value in ("off", "false", "no"):
        return False
    raise SystemExit(f"cxgov action: input {name} must be on or off, not {value!r}")


def append(variable: str, text: str) -> None:
    """Append to the file a GitHub variable names ($GITHUB_OUTPUT, $GITHUB_ENV, $GITHUB_STEP_SUMMARY)."""
    path = os.environ.get(variable)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
    elif variable == "GITHUB_OUTPUT":
        sys.stdout.write(text)


# --- setup: Chrome, chromedriver and axe-core for the UI scan ---------------------------------------

def find_browser() -> tuple[str | None, str | None]:
    """(Chrome, chromedriver): the inputs, else what the environment already says, else the runner's."""
    chrome = read_input("chrome") or os.environ.get("CXGOV_CHROME") or (
        RUNNER_CHROME if os.path.isfile(RUNNER_CHROME) else None)
    driver_dir = os.environ.get("CHROMEWEBDRIVER", "")
    runner_driver = os.path.join(driver_dir, "chromedriver") if driver_dir else ""
    driver = read_input("chromedriver") or os.environ.get("CXGOV_CHROMEDRIVER") or (
        runner_driver if runner_driver and os.path.isfile(runner_driver) else None)
    return chrome, driver


def install_axe(version: str, prefix: Path) -> Path:
    """axe-core@version from npm into prefix/node_modules (kept when that version is already there)."""
    script = prefix / "node_modules" / "axe-core" / "axe.min.js"
    package = prefix / "node_modules" / "axe-core" / "package.json"
    if script.is_file() and package.is_file() and json.loads(package.read_text())["version"] == version:
        return script
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("cxgov action: npm is needed to install axe-core for the UI scan (or set ui: off)")
    prefix.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(prefix),
                    f"axe-core@{version}"], check=True, stdout=sys.stderr)
    if json.loads(package.read_text())["version"] != version:
        raise SystemExit(f"cxgov action: npm installed another axe-core than {version}")
    return script


def setup() -> int:
    if not switch("ui"):
        print("cxgov action: ui: off, so no browser or axe-core is prepared")
        return 0
    exports = {}
    chrome, driver = find_browser()
    for name, value in (("CXGOV_CHROME", chrome), ("CXGOV_CHROMEDRIVER", driver)):
        if value:
            if not os.path.isfile(value):
                raise SystemExit(f"cxgov action: {value} does not exist ({name})")
            exports[name] = value
    if not chrome or not driver:
        print("::notice title=cxgov::no Chrome/chromedriver found on this runner; a descriptor's UI entry points "
              "cannot be scanned (give the chrome and chromedriver inputs, or set ui: off)")
    prefix = Path(os.environ.get("RUNNER_TEMP") or ".") / "cxgov-node"
    exports["CXGOV_AXE_SOURCE"] = str(install_axe(read_input("axe-core-version", AXE_CORE_VERSION), prefix))
    append("GITHUB_ENV", "".join(f"{k}={v}\n" for k, v in exports.items()))
    for k, v in exports.items():
        print(f"cxgov action: {k}={v}")
    return 0


# --- the gate -------------------------------------------------------------------------------------

#: inputs only `cxgov check` takes: an audit's gate and policies come from its cxgov.yaml
#: (input, its default in action.yml)
CHECK_ONLY = (("paths", "."), ("policy", ""), ("data", ""), ("namespace", ""), ("packs", ""), ("rules", ""),
              ("skip-rules", ""), ("waivers", ""), ("fail-on", "deny"), ("severity", ""), ("baseline", ""),
              ("engine", "embedded"), ("opa-url", ""), ("shard", ""))


def command() -> list[str]:
    """The `cxgov check` (or, with the audit input, `cxgov audit`) command line the inputs ask for."""
    cmd = [sys.executable, "-m", "cxgov"]
    if read_input("config"):
        cmd += ["--config", read_input("config")]
    reports = ["-o", "github", "-o", f"sarif={sarif_file()}", "-o", f"json={json_file()}"]
    for spec in words("formats"):  # extra reports, each FORMAT=FILE (stdout carries the annotations)
        if "=" not in spec:
            raise SystemExit(f"cxgov action: formats entry {spec!r} needs a file: FORMAT=FILE")
        reports += ["-o", spec]
    shared = [("evaluation-date", "--evaluation-date"), ("jobs", "--jobs"), ("tracking-uri", "--tracking-uri"),
              ("ui-base-url", "--ui-base-url")]
    if read_input("audit"):
        cmd += ["audit", read_input("audit"), "--out", bundle(), "--overwrite"]
        if read_input("signing-key-env"):
            cmd += ["--key-env", read_input("signing-key-env")]
        for name, flag in shared:
            if read_input(name):
                cmd += [flag, read_input(name)]
        return cmd + reports
    cmd += ["check", *(words("paths") or ["."])]
    for name, flag in (("policy", "-p"), ("data", "-d"), ("namespace", "-n"), ("packs", "--pack"),
                       ("rules", "--rule"), ("skip-rules", "--skip-rule")):
        for value in words(name):
            cmd += [flag, value]
    if read_input("builtin", "true").lower() == "false":
        cmd.append("--no-builtin")
    for name, flag in [*shared, ("waivers", "--waivers"), ("fail-on", "--fail-on"), ("severity", "--severity"),
                       ("baseline", "--baseline"), ("engine", "--engine"), ("opa-url", "--opa-url"),
                       ("shard", "--shard")]:
        if read_input(name):
            cmd += [flag, read_input(name)]
    if read_input("opa-preloaded").lower() == "true":
        cmd.append("--opa-preloaded")
    if not switch("models"):
        cmd.append("--no-models")
    if not switch("ui"):
        cmd.append("--no-ui")
    return cmd + reports


def sarif_file() -> str:
    return read_input("sarif-file", "cxgov.sarif")


def json_file() -> str:
    return read_input("json-file", "cxgov-results.json")


def bundle() -> str:
    return read_input("evidence-bundle", DEFAULT_BUNDLE if read_input("audit") else "")


def repository_prefix(workdir: Path, workspace: Path) -> str:
    """The working directory relative to the checkout, "" at its root: cxgov writes locations relative
    to where it runs, and GitHub places annotations and code-scanning alerts relative to the checkout."""
    try:
        prefix = workdir.resolve().relative_to(workspace.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if prefix == "." else prefix + "/"


def relocate_annotations(text: str, prefix: str) -> str:
    return text.replace("::error file=", f"::error file={prefix}").replace(
        "::warning file=", f"::warning file={prefix}").replace("::notice file=", f"::notice file={prefix}")


def relocate_sarif(path: Path, prefix: str) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))

    def visit(node) -> None:
        if isinstance(node, dict):
            if node.get("uriBaseId") == "%SRCROOT%" and isinstance(node.get("uri"), str):
                node["uri"] = prefix + node["uri"]
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(doc)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def gate() -> int:
    workspace = Path(os.environ.get("GITHUB_WORKSPACE") or os.getcwd())
    workdir = Path(read_input("working-directory", "."))
    prefix = repository_prefix(workdir, workspace)
    os.chdir(workdir)
    for stale in (sarif_file(), json_file()):  # an earlier run's report must never pass for this one's
        Path(stale).unlink(missing_ok=True)
    env = dict(os.environ)
    if read_input("opa-token"):
        env["CXGOV_OPA_TOKEN"] = read_input("opa-token")  # by environment, never on a command line
    env["CXGOV_SARIF_CATEGORY"] = read_input("sarif-category", "cxgov")  # the SARIF's automationDetails.id
    key_env = read_input("signing-key-env")
    if read_input("audit") and key_env and not os.environ.get(key_env):
        raise SystemExit(f"cxgov action: signing-key-env names {key_env}, which is empty: pass the key's secret "
                         "to the step's env, or leave signing-key-env empty for an unsigned bundle")
    ignored = [name for name, default in CHECK_ONLY if read_input(name, default) != default]
    if read_input("audit") and ignored:
        print(f"::warning title=cxgov::{', '.join(ignored)}: inputs of check, which an audit does not take; its gate "
              "and policies are cxgov.yaml's (gate.fail_on, policies, waivers)", flush=True)
    if read_input("audit") and (not switch("models") or not switch("ui")):
        print("::notice title=cxgov::models/ui: off apply to check; an audit reads the sources cxgov.yaml names "
              "(models.skip and ui.skip leave them out, recorded)")
    cmd = command()
    # what judges this run: cxgov, its engine, the axe-core a UI scan uses, the packs' digests
    version = subprocess.run([sys.executable, "-m", "cxgov", "--version"], env=env, capture_output=True, text=True)
    print(version.stdout.rstrip(), flush=True)
    print("cxgov action: " + shlex.join(["cxgov", *cmd[3:]]), flush=True)
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sys.stdout.write(relocate_annotations(proc.stdout, prefix) if prefix else proc.stdout)
    sys.stdout.flush()
    sys.stderr.write(proc.stderr)
    code = proc.returncode
    outputs = {"exit-code": str(code), "verdict": {0: "pass", 1: "fail"}.get(code, "error"),
               "sarif-file": "", "json-file": "", "evidence-bundle": ""}
    if code in (0, 1) and Path(json_file()).is_file():
        counts = json.loads(Path(json_file()).read_text(encoding="utf-8"))["verdict"]["counts"]
        outputs.update({k: str(counts.get(k, 0)) for k in ("deny", "warn", "waived")})
        outputs["findings"] = str(sum(counts.get(k, 0) for k in ("deny", "warn", "waived")))
        outputs["json-file"] = str((workdir / json_file()).as_posix())
        if Path(sarif_file()).is_file():
            if prefix:
                relocate_sarif(Path(sarif_file()), prefix)
            outputs["sarif-file"] = str((workdir / sarif_file()).as_posix())
    else:
        message = (proc.stderr.strip().splitlines() or ["cxgov failed"])[-1]
        print(f"::error title=cxgov could not check::{message.replace('%', '%25').replace(chr(10), '%0A')}")
        append("GITHUB_STEP_SUMMARY", f"## cxgov: could not check (exit {code})\n\n```\n{proc.stderr.strip()}\n```\n\n"
                                      "Nothing was verified; the gate fails closed.\n")
        outputs.update({"deny": "", "warn": "", "waived": "", "findings": ""})
    # the bundle is kept whatever the verdict: an audit writes it when the gate fails too
    if bundle() and (not read_input("audit") or Path(bundle()).exists()):
        outputs["evidence-bundle"] = (workdir / bundle()).as_posix()
    append("GITHUB_OUTPUT", "".join(f"{key}={value}\n" for key, value in outputs.items()))
    return 0


def main(argv: list[str]) -> int:
    if argv[1:] == ["setup"]:
        return setup()
    if len(argv) > 1:
        raise SystemExit("usage: github_action.py [setup]")
    return gate()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
