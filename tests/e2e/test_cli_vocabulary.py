"""One option vocabulary: a concept has one flag on every command, and a flag means one concept."""

from __future__ import annotations

import click
from click.testing import CliRunner

from cxgov.cli import cli


def commands(group: click.Group, prefix: str = ""):
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}".strip()
        if isinstance(command, click.Group):
            yield from commands(command, path)
        else:
            yield path, command


def visible_options():
    for path, command in commands(cli):
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                yield path, param


def test_every_concept_has_one_spelling_on_every_command():
    spellings: dict[str, dict[tuple, list[str]]] = {}
    for path, param in visible_options():
        flags = tuple(sorted(param.opts + param.secondary_opts))
        spellings.setdefault(param.name, {}).setdefault(flags, []).append(path)
    differing = {name: by_flags for name, by_flags in spellings.items() if len(by_flags) > 1}
    assert differing == {}


def test_every_flag_names_one_concept():
    concepts: dict[str, set[str]] = {}
    for _, param in visible_options():
        for flag in param.opts + param.secondary_opts:
            concepts.setdefault(flag, set()).add(param.name)
    assert {flag: names for flag, names in concepts.items() if len(names) > 1} == {}


def test_the_registry_flags_are_the_same_wherever_the_registry_is_read():
    readers = {path for path, param in visible_options() if param.name == "tracking_uri"}
    assert readers == {"audit", "check", "drift check", "drift watch", "models check"}
    for path, command in commands(cli):
        if path in readers:
            names = {p.name for p in command.params if isinstance(p, click.Option) and not p.hidden}
            assert {"mlflow_timeout", "mlflow_retries"} <= names, path


def test_the_gate_options_are_on_every_command_that_gates():
    gating = {"check", "wcag", "models check"}
    for path, command in commands(cli):
        if path in gating:
            names = {p.name for p in command.params}
            assert {"output", "output_file", "fail_on", "no_fail", "waivers", "evaluation_date", "color"} <= names, path


def test_a_former_spelling_still_works_and_says_so(tmp_path):
    # models check spelled the registry timeout --timeout; scripts written for it keep working
    result = CliRunner().invoke(cli, ["models", "check", "x@production", "--tracking-uri", "http://127.0.0.1:9",
                                      "--timeout", "0.2", "--retries", "0", "--no-color"])
    assert "--timeout is now --mlflow-timeout" in result.stderr
    assert "--retries is now --mlflow-retries" in result.stderr
    assert result.exit_code == 2
    assert "--timeout" not in CliRunner().invoke(cli, ["models", "check", "--help"]).output.replace(
        "--mlflow-timeout", "").replace("--eval-timeout", "")


def test_a_former_spelling_beside_the_new_one_is_a_usage_error_not_a_silent_choice():
    result = CliRunner().invoke(cli, ["models", "check", "x@production", "--tracking-uri", "http://127.0.0.1:9",
                                      "--timeout", "5", "--mlflow-timeout", "20", "--no-color"])
    assert result.exit_code == 2
    assert "--timeout and --mlflow-timeout name the same setting" in result.stderr
