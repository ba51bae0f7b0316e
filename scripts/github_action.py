#!/usr/bin/env python3
"""The gate step of the cxgov GitHub Action (action.yml), kept here so it can run and be tested anywhere.

It reads the action's inputs from CXGOV_INPUT_<NAME> variables (action.yml maps each input), runs
`cxgov check` with annotations (`-o github`, which also appends the Markdown summary to
$GITHUB_STEP_SUMMARY), a SARIF file and a JSON result, and writes the step outputs to $GITHUB_OUTPUT:
verdict (pass, fail or error), exit-code, deny, warn, waived, findings, sarif-file, json-file,
evidence-bundle. It exits 0 so the SARIF upload can run; the action's last step applies the verdict.

Run it locally the way the action does:

    CXGOV_INPUT_PATHS="cxgov k8s terraform/plan.json" GITHUB_OUTPUT=out.txt \\
    GITHUB_STEP_SUMMARY=summary.md python scripts/github_action.py
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

#: the action inputs this step reads, each from CXGOV_INPUT_<NAME> (upper case, - as _)
INPUTS = ("paths", "config", "policy", "data", "namespace", "builtin", "waivers", "formats", "fail-on",
          "evaluation-date", "engine", "opa-url", "opa-token", "opa-preloaded", "jobs", "shard", "tracking-uri",
          "ui-base-url", "sarif-file", "json-file", "evidence-bundle", "working-directory")


def read_input(name: str, default: str = "") -> str:
    return os.environ.get("CXGOV_INPUT_" + name.upper().replace("-", "_"), default).strip()


def words(name: str) -> list[str]:
    """A list input: separated by newlines or spaces, shell quoting allowed for paths with spaces."""
    return shlex.split(read_input(name).replace("\n", " "))


def command() -> list[str]:
    """The `cxgov check` command line the inputs ask for."""
    cmd = [sys.executable, "-m", "cxgov"]
    if read_input("config"):
        cmd += ["--config", read_input("config")]
    cmd += ["check", *(words("paths") or ["."])]
    for name, flag in (("policy", "-p"), ("data", "-d"), ("namespace", "-n")):
        for value in words(name):
            cmd += [flag, value]
    if read_input("builtin", "true").lower() == "false":
        cmd.append("--no-builtin")
    for name in ("waivers", "fail-on", "evaluation-date", "engine", "opa-url", "jobs", "shard", "tracking-uri",
                 "ui-base-url"):
        if read_input(name):
            cmd += [f"--{name}", read_input(name)]
    if read_input("opa-preloaded").lower() == "true":
        cmd.append("--opa-preloaded")
    cmd += ["-o", "github", "-o", f"sarif={sarif_file()}", "-o", f"json={json_file()}"]
    for spec in words("formats"):  # extra reports, each FORMAT=FILE (stdout carries the annotations)
        if "=" not in spec:
            raise SystemExit(f"cxgov action: formats entry {spec!r} needs a file: FORMAT=FILE")
        cmd += ["-o", spec]
    return cmd


def sarif_file() -> str:
    return read_input("sarif-file") or "cxgov.sarif"


def json_file() -> str:
    return read_input("json-file") or "cxgov-results.json"


def write_outputs(values: dict[str, str]) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    lines = "".join(f"{key}={value}\n" for key, value in values.items())
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(lines)
    else:
        sys.stdout.write(lines)


def append_summary(text: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


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


def main() -> int:
    workspace = Path(os.environ.get("GITHUB_WORKSPACE") or os.getcwd())
    workdir = Path(read_input("working-directory") or ".")
    prefix = repository_prefix(workdir, workspace)
    os.chdir(workdir)
    for stale in (sarif_file(), json_file()):  # an earlier run's report must never pass for this one's
        Path(stale).unlink(missing_ok=True)
    env = dict(os.environ)
    if read_input("opa-token"):
        env["CXGOV_OPA_TOKEN"] = read_input("opa-token")  # by environment, never on a command line
    cmd = command()
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
        append_summary(f"## cxgov: could not check (exit {code})\n\n```\n{proc.stderr.strip()}\n```\n\n"
                       "Nothing was verified; the gate fails closed.\n")
        outputs.update({"deny": "", "warn": "", "waived": "", "findings": ""})
    bundle = read_input("evidence-bundle")
    if bundle:
        outputs["evidence-bundle"] = (workdir / bundle).as_posix()
    write_outputs(outputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
