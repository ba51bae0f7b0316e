"""Registries as teams run them: a local sqlite store, MLflow's legacy file store, a database server,
read through MlflowClient, and the same registry read over REST and from its sqlite file.

Each store is the test's own (in tmp_path), except the shared `mlflow server`, whose sqlite file is
read directly beside its REST API.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from mlflow_fixtures import local_server, seed_registry

REGISTRY_FILTER = "name LIKE 'cx-%'"


def models_check(uri, *refs, extra=(), cwd=None, env=None):
    return run_cxgov("models", "check", *refs, "--tracking-uri", uri, "--evaluation-date", EVALUATION_DATE,
                     *extra, cwd=cwd, env=env)


def test_rest_and_sqlite_read_the_same_versions_and_find_the_same(mlflow_registry):
    """The shared server's registry through its REST API and through its sqlite file: both evidence
    styles (cxgov's tags, MLflow 3 logged models with GenAI evaluations), the same findings."""
    from cxgov.sources.mlflow import MlflowSource

    sqlite_uri = f"sqlite:///{mlflow_registry.server.workdir / 'mlflow.db'}"
    over_rest = models_check(mlflow_registry.uri, extra=("--filter", REGISTRY_FILTER, "-o", "json"))
    from_file = models_check(sqlite_uri, extra=("--filter", REGISTRY_FILTER, "-o", "json"))
    assert over_rest.stderr == "" and from_file.stderr == "", from_file.stderr
    rest_doc, file_doc = json.loads(over_rest.stdout), json.loads(from_file.stdout)
    assert {f["rule_id"] for f in rest_doc["findings"]} >= {"AIACT-15-01", "AIACT-10-01", "SOC2-CC8.1-01"}
    assert file_doc["findings"] == rest_doc["findings"]
    assert file_doc["checks"] == rest_doc["checks"]
    assert from_file.code == over_rest.code == 1

    def documents(uri):
        # what legitimately differs: the URI, and the MLmodel file, which only the server's artifact
        # proxy serves (mlflow-artifacts:/...)
        return {s.id: {k: v for k, v in s.document.items() if k not in ("tracking_uri", "model")}
                for s in MlflowSource(uri, [], filters=[REGISTRY_FILTER]).subjects()}

    rest, local = documents(mlflow_registry.uri), documents(sqlite_uri)
    assert len(rest) == 5 and local == rest
    assert rest["models:/cx-answer-llm/1"]["genai_evaluation"]["linked_by"] == ["logged_model"]
    assert rest["models:/cx-intent-router/1"]["genai_evaluation"]["linked_by"] == ["tag"]


HIDDEN = "hidden-router"


@pytest.fixture(scope="module")
def hidden_store(tmp_path_factory):
    """reg.db with hidden-router version 1: no dataset inputs, no git commit, no approval; alias production."""
    from mlflow import MlflowClient

    workdir = tmp_path_factory.mktemp("hidden-store")
    uri = f"sqlite:///{workdir / 'reg.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("hidden-router")
    run = client.create_run(experiment, tags={"mlflow.user": "someone@acme-shop.eu"})
    client.log_metric(run.info.run_id, "accuracy", 0.91)
    client.set_terminated(run.info.run_id, "FINISHED")
    client.create_registered_model(HIDDEN)
    version = client.create_model_version(HIDDEN, source="s3://acme-cx-models-eu-central-1/hidden/model",
                                          run_id=run.info.run_id, tags={"risk_class": "high"}, await_creation_for=0)
    client.set_registered_model_alias(HIDDEN, "production", version.version)
    return workdir


def test_an_untraceable_version_in_a_local_store_fails_the_gate(hidden_store):
    """The relative sqlite:///reg.db URI from the store's directory, as a team would type it."""
    run = models_check("sqlite:///reg.db", f"{HIDDEN}@production", extra=("-o", "sarif=out.sarif", "-o", "json"),
                       cwd=hidden_store)
    assert run.code == 1, run.stderr
    assert run.stderr == ""
    sarif = json.loads((hidden_store / "out.sarif").read_text())
    rule_ids = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert {"AIACT-10-01", "SOC2-CC8.1-01", "SOC2-CC8.1-02"} <= rule_ids
    messages = {f["message"] for f in json.loads(run.stdout)["findings"]}
    assert f"models:/{HIDDEN}/1: its run logs no training dataset" in messages
    assert f"models:/{HIDDEN}/1: its source run records no git commit (mlflow.source.git.commit)" in messages
    assert f"models:/{HIDDEN}/1 has no GenAI evaluation: no mlflow.genai.evaluate run is linked to its logged " \
           f"model and no run is tagged evaluated_model=models:/{HIDDEN}/1" in messages


def test_a_run_that_read_a_store_ends_through_its_exit_handlers(hidden_store, tmp_path):
    """The CLI skips mlflow's interpreter teardown after reading a store, never its exit handlers: the
    engine worker started while the store was read is stopped and its directory removed, also when
    the run ends before evaluating, and what was printed is all there."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    empty = models_check("sqlite:///reg.db", extra=("--filter", "name = 'no-such-model'"), cwd=hidden_store,
                         env={"TMPDIR": str(tmp)})
    assert empty.code == 2
    assert "the filter selected no model versions in sqlite:///reg.db" in empty.stderr
    judged = models_check("sqlite:///reg.db", f"{HIDDEN}@production", cwd=hidden_store, env={"TMPDIR": str(tmp)})
    assert judged.code == 1, judged.stderr
    assert "AIACT-10-01" in judged.stdout and judged.stdout.endswith("\n")
    assert list(tmp.iterdir()) == []


EXIT_NOW = """
import atexit, sys
from cxgov.sources.mlflow_store import exit_without_teardown
atexit.register(lambda: print("handler ran"))
print("output", end="")
exit_without_teardown(int(sys.argv[1]) if sys.argv[1].isdigit() else sys.argv[1])
print(" then the ordinary exit")
"""


@pytest.mark.parametrize("code, stdout, status", [
    ("3", "outputhandler ran\n", 3),  # handlers run, streams flushed, the process ends there
    ("a message", "output then the ordinary exit\nhandler ran\n", 0),  # not an exit status: the ordinary exit
])
def test_exiting_without_teardown_runs_the_exit_handlers_first(code, stdout, status):
    proc = subprocess.run([sys.executable, "-c", EXIT_NOW, code], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert (proc.stdout, proc.returncode) == (stdout, status), proc.stderr


# ---- faults: each is exit 2, naming the store


def test_a_locked_sqlite_store_is_an_error(hidden_store):
    holder = sqlite3.connect(hidden_store / "reg.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # a writer holding the database, as a migration or a training job may
    try:
        run = models_check("sqlite:///reg.db", f"{HIDDEN}@production", extra=("--mlflow-timeout", "0.5", "--mlflow-retries", "1"),
                           cwd=hidden_store)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.code == 2 and run.stdout == ""
    assert run.error_lines[-1] == (
        "cxgov: error: sqlite:///reg.db: the MLflow store at sqlite:///reg.db is locked by another process (database "
        "is locked: waited 0.5 s, 1 retries) (another process holds a write lock (a training job, `mlflow server` "
        "migrating); retry when it is done, or raise --mlflow-timeout)")


def test_a_missing_store_path_is_an_error_and_nothing_is_created(tmp_path):
    run = models_check("sqlite:///no-such.db", "cx-router@production", cwd=tmp_path)
    assert run.code == 2
    assert "no MLflow store at sqlite:///no-such.db: no-such.db does not exist" in run.stderr
    assert list(tmp_path.iterdir()) == []  # MLflow would have created an empty store


def test_a_file_that_is_not_an_mlflow_store_is_an_error(tmp_path):
    with sqlite3.connect(tmp_path / "other.db") as db:
        db.execute("CREATE TABLE orders (id INTEGER)")
    run = models_check("sqlite:///other.db", "cx-router@production", cwd=tmp_path)
    assert run.code == 2
    assert "no MLflow store at sqlite:///other.db: other.db has no MLflow tables" in run.stderr
    with sqlite3.connect(tmp_path / "other.db") as db:  # and cxgov did not make it one
        assert {r[0] for r in db.execute("SELECT name FROM sqlite_master")} == {"orders"}


def test_an_unreachable_database_server_is_an_error():
    port = local_server.free_port()
    run = models_check(f"postgresql://cx:s3cret@127.0.0.1:{port}/mlflow", "cx-router@production",
                       extra=("--mlflow-retries", "1", "--mlflow-timeout", "1"))
    assert run.code == 2
    assert (f"cannot read the MLflow registry at postgresql://cx:***@127.0.0.1:{port}/mlflow: connection refused "
            "(after 1 retries)") in run.stderr
    assert "s3cret" not in run.stderr


def test_an_unreachable_tracking_server_is_an_error():
    uri = f"http://127.0.0.1:{local_server.free_port()}"
    run = models_check(uri, "cx-router@production", extra=("--mlflow-retries", "0"))
    assert run.code == 2
    assert f"cannot read the MLflow registry at {uri}: connection refused" in run.stderr


def test_an_unknown_scheme_is_a_usage_error():
    run = models_check("ftp://registry.example/mlflow", "cx-router@production")
    assert run.code == 2
    assert "cxgov cannot read an MLflow registry at ftp://registry.example/mlflow: unknown scheme ftp:" in run.stderr


@pytest.fixture(scope="module")
def file_store(tmp_path_factory):
    """MLflow's legacy file store (./mlruns), written with MLFLOW_ALLOW_FILE_STORE=true as its owner would."""
    workdir = tmp_path_factory.mktemp("file-store")
    code = ("from mlflow import MlflowClient\n"
            "c = MlflowClient(tracking_uri='file:./mlruns', registry_uri='file:./mlruns')\n"
            "e = c.create_experiment('legacy')\n"
            "r = c.create_run(e, tags={'mlflow.user': 'a@acme-shop.eu'})\n"
            "c.create_registered_model('legacy-router')\n"
            "v = c.create_model_version('legacy-router', 's3://models/legacy', run_id=r.info.run_id, "
            "await_creation_for=0)\n"
            "c.set_registered_model_alias('legacy-router', 'production', v.version)\n")
    subprocess.run([sys.executable, "-c", code], cwd=workdir, check=True, capture_output=True,
                   env={**os.environ, "MLFLOW_ALLOW_FILE_STORE": "true", **local_server.SERVER_ENV})
    return workdir


def test_the_legacy_file_store_needs_its_opt_in(file_store):
    refused = models_check("file:./mlruns", "legacy-router@production", cwd=file_store,
                           env={"MLFLOW_ALLOW_FILE_STORE": "false"})
    assert refused.code == 2
    assert "refuses its legacy file store at file:./mlruns unless MLFLOW_ALLOW_FILE_STORE=true is set" in refused.stderr
    assert "set MLFLOW_ALLOW_FILE_STORE=true to read it as it is" in refused.stderr
    read = models_check("file:./mlruns", "legacy-router@production", extra=("-o", "json"), cwd=file_store,
                        env={"MLFLOW_ALLOW_FILE_STORE": "true"})
    assert read.code == 1, read.stderr  # read, and judged: it carries none of the contract
    assert [s["id"] for s in json.loads(read.stdout)["subjects"]] == ["models:/legacy-router/1"]


COLD_START = """
import sys
from click.testing import CliRunner
from cxgov.cli import cli
runner = CliRunner()
runner.invoke(cli, ["models", "check", "cx-router@production", "--tracking-uri", "http://127.0.0.1:9",
                    "--mlflow-retries", "0"])
runner.invoke(cli, ["check", sys.argv[1]])
print(sorted(m for m in sys.modules if m == "mlflow" or m.startswith("mlflow.")))
"""


def test_http_registries_and_check_never_import_mlflow(tmp_path):
    manifest = tmp_path / "deploy.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cx\ndata:\n  mode: live\n")
    proc = subprocess.run([sys.executable, "-c", COLD_START, str(manifest)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("uri, scheme, shown", [
    ("http://mlflow.example:5000", "http", "http://mlflow.example:5000"),
    ("sqlite:///mlflow.db", "sqlite", "sqlite:///mlflow.db"),
    ("postgresql+psycopg2://cx:pw@db.example/mlflow", "postgresql", "postgresql+psycopg2://cx:***@db.example/mlflow"),
    ("databricks", "databricks", "databricks"),
    ("databricks://prod", "databricks", "databricks://prod"),
    ("file:./mlruns", "file", "file:./mlruns"),
    ("./mlruns", "", "./mlruns"),
])
def test_tracking_uri_schemes_and_masked_passwords(uri, scheme, shown):
    from cxgov.sources.mlflow_reader import masked, scheme_of

    assert (scheme_of(uri), masked(uri)) == (scheme, shown)


@pytest.mark.parametrize("uri, expected", [
    ("sqlite:///mlflow.db", "sqlite:///mlflow.db?timeout=2.5"),
    ("sqlite:////abs/mlflow.db?timeout=30", "sqlite:////abs/mlflow.db?timeout=30"),  # the URI's own wins
    ("postgresql://cx@db/mlflow?sslmode=require", "postgresql://cx@db/mlflow?sslmode=require&connect_timeout=2"),
])
def test_the_timeout_reaches_the_database_driver(uri, expected):
    from cxgov.sources.mlflow_reader import scheme_of
    from cxgov.sources.mlflow_store import _with_timeout

    assert _with_timeout(uri, scheme_of(uri), 2.5) == expected
