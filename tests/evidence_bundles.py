"""Bundles the evidence tests share: the acme-cx example audited once per session through the real CLI.

Import the fixtures into a test module (`from evidence_bundles import noncompliant_bundle`); a
session-scoped fixture runs once however many modules use it. Each variant is copied to a temporary
directory first, so nothing is written into the repository.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov

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


def audit_variant(base: Path, name: str, *, signed: bool) -> Audited:
    variant = base / name
    shutil.copytree(EXAMPLE / name, variant)
    key = pub = None
    args = ["audit", "--evaluation-date", EVALUATION_DATE, "--out", str(base / f"{name}-bundle"), "-o", "json"]
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
def noncompliant_bundle(tmp_path_factory) -> Audited:
    return audit_variant(tmp_path_factory.mktemp("nc"), "noncompliant", signed=True)


@pytest.fixture(scope="session")
def compliant_bundle(tmp_path_factory) -> Audited:
    return audit_variant(tmp_path_factory.mktemp("c"), "compliant", signed=False)
