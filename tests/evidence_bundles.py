"""Bundles the evidence tests share: the acme-cx example audited once per session through the real CLI.

tests/conftest.py registers the fixtures, so each session-scoped one runs once however many modules
use it (a fixture imported into several test modules would run once per module). Each variant is
copied to a temporary directory first, so nothing is written into the repository.

The audits read the live sources the descriptors declare, as `cxgov audit` does for a launch owner:
acme-cx-intent-router from a real `mlflow server` of their own (seeded by model_registry/seed_registry.py,
so the alias moves other tests make on the shared registry cannot reach them, whatever the test order),
and the chat widget served from examples/acme-cx/ui, scanned with axe-core in headless Chromium.
Before each audit the registry is put in the state its variant describes: `production` on the
approved version 14 (compliant), or on the unapproved version 15 (non-compliant).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from mlflow_fixtures import local_server, seed_registry
from ui_support import serving

EXAMPLE = ROOT / "examples" / "acme-cx"
AUDIT_TIMEOUT = 900  # a whole-system audit on a busy 2-core CI runner


@dataclass
class Audited:
    variant: Path  # the copied example the audit ran in
    bundle: Path  # the bundle directory
    archive: Path  # the .tar.gz beside it
    key: Path | None  # the private key it was signed with
    public_key: Path | None
    code: int
    stdout: str
    stderr: str


class AcmeRegistry:
    """The acme-cx model registry of the evidence tests, and the two states the variants describe."""

    def __init__(self, server):
        self.server, self.uri = server, server.uri
        created = seed_registry.seed(self.uri, "acme-compliant")[seed_registry.ACME_MODEL]
        self.approved = created["aliases"]["production"]  # 14, the version the descriptors deploy
        self.unapproved: str | None = None

    def compliant(self) -> None:
        self._production(self.approved)

    def noncompliant(self) -> None:
        if self.unapproved is None:  # registers version 15 and moves production to it
            created = seed_registry.seed(self.uri, "acme-promote-unapproved")[seed_registry.ACME_MODEL]
            self.unapproved = created["aliases"]["production"]
        self._production(self.unapproved)

    def _production(self, version: str) -> None:
        from mlflow import MlflowClient

        MlflowClient(tracking_uri=self.uri, registry_uri=self.uri).set_registered_model_alias(
            seed_registry.ACME_MODEL, "production", version)


@pytest.fixture(scope="session")
def acme_registry(tmp_path_factory):
    server = local_server.start(tmp_path_factory.mktemp("acme-registry"))
    try:
        yield AcmeRegistry(server)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def acme_ui():
    """The base URL (ending in /) of examples/acme-cx/ui: broken/ and fixed/ copies of the widget."""
    with serving() as url:
        yield url


def live_args(registry: AcmeRegistry, ui_url: str, name: str) -> list[str]:
    """Where `cxgov audit` reads the variant's live sources: the test registry and the local widget."""
    return ["--tracking-uri", registry.uri, "--ui-base-url", ui_url + ("fixed" if name == "compliant" else "broken")]


def audit_variant(base: Path, name: str, *, signed: bool, live: list[str]) -> Audited:
    variant = base / name
    shutil.copytree(EXAMPLE / name, variant)
    key = pub = None
    args = ["audit", "--evaluation-date", EVALUATION_DATE, "--out", str(base / f"{name}-bundle"), "-o", "json",
            *live]
    if signed:
        key = base / "signing.key"
        made = run_cxgov("evidence", "keygen", "--out", str(key))
        assert made.code == 0, made.stderr
        pub = base / "signing.key.pub"
        args += ["--key", str(key)]
    run = run_cxgov(*args, cwd=variant, timeout=AUDIT_TIMEOUT)
    assert run.code in (0, 1), run.stderr
    bundle = base / f"{name}-bundle"
    return Audited(variant, bundle, bundle.with_name(bundle.name + ".tar.gz"), key, pub, run.code, run.stdout, run.stderr)


@pytest.fixture(scope="session")
def noncompliant_bundle(tmp_path_factory, acme_registry, acme_ui) -> Audited:
    acme_registry.noncompliant()
    return audit_variant(tmp_path_factory.mktemp("nc"), "noncompliant", signed=True,
                         live=live_args(acme_registry, acme_ui, "noncompliant"))


@pytest.fixture(scope="session")
def compliant_bundle(tmp_path_factory, acme_registry, acme_ui) -> Audited:
    acme_registry.compliant()
    return audit_variant(tmp_path_factory.mktemp("c"), "compliant", signed=False,
                         live=live_args(acme_registry, acme_ui, "compliant"))
