"""The `cxgov: error:` line on stderr goes through the one redaction, as every output does: an error
that quotes its input (a registry URI with a password, a step's value, an origin with a user name)
names it redacted, and carries no terminal control from it. Each through the CLI, exit 2."""

from __future__ import annotations

import yaml

from conftest import run_cxgov
from ui_support import unused_port

PASSWORD = "S3cretPassw0rd1"
OPENAI = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"


def test_a_registry_uri_with_a_password_is_redacted_in_the_error(tmp_path):
    for uri in (f"http://admin:{PASSWORD}@127.0.0.1:{unused_port()}/",
                f"postgresql://admin:{PASSWORD}@127.0.0.1:{unused_port()}/registry"):
        run = run_cxgov("models", "check", "models:/assistant/1", "--tracking-uri", uri, cwd=tmp_path)
        assert run.code == 2
        assert run.stderr.startswith("cxgov: error: ")
        # the source masks the password itself (***); the redaction leaves that mask as it is
        assert "cannot read the MLflow registry at" in run.stderr and "admin:***@" in run.stderr
        assert PASSWORD not in run.stderr + run.stdout


def test_a_key_and_a_password_quoted_by_an_input_error_are_redacted(tmp_path):
    states = tmp_path / "states.yaml"
    for entry, quoted in (
            ({"url": "https://www.acme-shop.eu/help", "states": [{"click": {"selector": "#x", "timeout": OPENAI}}]},
             "timeout '[REDACTED:openai-api-key]' must be a number"),
            ({"url": "https://www.acme-shop.eu/help", "allowed_origins": [f"https://admin:{PASSWORD}@sso.example.eu"]},
             "'https://admin:[REDACTED:url-password]@sso.example.eu' is not an origin")):
        states.write_text(yaml.safe_dump({"entry_points": [entry]}))
        run = run_cxgov("wcag", "--states", str(states), cwd=tmp_path)
        assert run.code == 2
        assert quoted in run.stderr
        assert OPENAI not in run.stderr and PASSWORD not in run.stderr


def test_terminal_controls_quoted_by_an_error_are_removed(tmp_path):
    name = "late\x1b]0;owned\x07\x1b[2J\x9b2Jreport.yaml"  # a file name that retitles and clears the terminal
    run = run_cxgov("check", name, cwd=tmp_path)
    assert run.code == 2
    assert run.stderr == "cxgov: error: latereport.yaml: no such file or directory (check the path)\n"
