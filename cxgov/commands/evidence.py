"""`cxgov evidence ...`: the auditor's commands over a bundle (verify, show, replay, diff) and keygen.

Every one of them verifies the bundle first, against the trusted keys (cxgov/evidence/trust.py):
show, replay and diff read only a bundle that verify accepts under the same options."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from cxgov.commands.trust_options import TrustRequest
from cxgov.errors import InputError
from cxgov.evidence.bundle import open_bundle

CONFIG = "cxgov.yaml"  # where a repository's evidence.trusted_keys are read from, when present


def _bundle_shape(command):
    """A bundle whose files lack what format 1.0 holds is an input error (exit 2), not a traceback."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise InputError(f"not a cxgov evidence bundle of format 1.0 (missing or malformed: {exc})",
                             where=str(args[0]) if args else None,
                             hint="`cxgov evidence verify` says whether it was altered") from None
    return wrapper


def run_verify(bundle_path: str, trust: TrustRequest, as_json: bool, subject: str | None = None) -> int:
    from cxgov.evidence import verify as check

    pinned = trust.resolve(CONFIG)
    bundle = open_bundle(bundle_path)
    report = check.verify(bundle, pinned)
    line, code = check.outcome(report, pinned)
    coverage = None
    if subject is not None and code == 0:
        from cxgov.evidence.attest_subjects import covering

        coverage = covering(report.statement, subject)
    if as_json:
        result = check.as_json(report, pinned)
        if subject is not None:
            result["subject"] = {"query": subject, "checked": coverage is not None,
                                 "covered": bool(coverage), "matches": coverage or []}
        click.echo(json.dumps(result, indent=2, sort_keys=True))
        return code if coverage is None else (0 if coverage else 1)
    for problem in report.problems:
        click.echo(f"{bundle_path}: {problem}")
    for note in report.notes:
        click.echo(f"note: {note}")
    click.echo(line)
    if subject is None:
        return code
    if coverage is None:
        click.echo(f"NOT CHECKED: {subject}: the bundle was not accepted (above), so its attestation answers nothing")
        return code
    for match in coverage:
        digests = ", ".join(f"{alg}:{value}" for alg, value in sorted(match["digest"].items()))
        click.echo(f"COVERED: {subject} is the attested subject {match['name']} ({digests})")
    if not coverage:
        attested = [s for s in report.statement.get("subject") or [] if isinstance(s, dict)]
        click.echo(f"NOT COVERED: {subject} is none of the {len(attested)} subjects this bundle's attestation "
                   "names (its manifest, the git commit, the images pinned by digest, the model versions)")
        return 1
    return 0


def open_checked(bundle_path: str, trust: TrustRequest):
    """The bundle, once it verified under the reader's trust options; (bundle, verification, trust)."""
    from cxgov.evidence.trust import open_verified

    pinned = trust.resolve(CONFIG)
    bundle, report = open_verified(bundle_path, pinned)
    return bundle, report, pinned


def signature_line(report, pinned) -> str:
    """How the bundle's signature was accepted, as `show` and the other readers say it."""
    if report.trust == "trusted":
        return f"ed25519 key {report.keyid}: valid, a trusted key ({pinned.origin})"
    if report.trust == "untrusted":
        return (f"ed25519 key {report.keyid}: valid for the key the bundle names, NOT checked against a trusted key "
                "(accepted with --allow-untrusted)")
    return "UNSIGNED (accepted with --allow-unsigned)"


@_bundle_shape
def run_show(bundle_path: str, as_json: bool, trust: TrustRequest = TrustRequest()) -> int:
    from cxgov.evidence.verify import as_json as verification_json

    bundle, report, pinned = open_checked(bundle_path, trust)
    manifest, summary = bundle.manifest, bundle.summary
    if as_json:
        click.echo(json.dumps({"manifest": {k: v for k, v in manifest.items() if k != "files"}, "summary": summary,
                               "verification": verification_json(report, pinned)}, indent=2, sort_keys=True))
        return 0
    from cxgov.formats._common import conftest_summary, findings_summary, not_judged_text

    verdict = summary["verdict"]
    # the counts the audit's verdict computed (gate.verdict), read as recorded; a bundle written before
    # they carried the findings total has it as the sum of its buckets
    c = {"findings": sum(verdict["counts"][k] for k in ("deny", "warn", "waived")), **verdict["counts"]}
    lines = [
        f"system      {manifest['system']}",
        f"created     {manifest['created']} (evaluation date {summary['evaluation_date']})",
        f"verdict     {'PASSED' if verdict['passed'] else 'FAILED'} (fail on {verdict['fail_on']}): "
        f"{findings_summary(c)}",
        f"tests       {conftest_summary(c)}",
        f"subjects    {summary['subject_counts']['total']} ("
        + ", ".join(f"{n} {k}" for k, n in summary["subject_counts"]["by_kind"].items()) + ")",
        f"cxgov       {manifest['cxgov']['version']}, engine {manifest['engine']['version']}",
        f"policies    digest {manifest['policy_digest']}",
        f"git         {manifest['git']['commit'] if manifest.get('git') else '-'}"
        + (" (with uncommitted changes)" if (manifest.get('git') or {}).get('dirty') else ""),
        f"ci          {manifest['ci'].get('url', '-') if manifest.get('ci') else '-'}",
        f"signature   {signature_line(report, pinned)}",
        f"redactions  {manifest['redactions']}",
    ]
    for source, reason in sorted((summary.get("skipped_sources") or {}).items()):
        lines.append(f"skipped     {source}: {reason}")
    unjudged: dict[tuple[str, str], int] = {}
    for s in summary.get("not_judged") or []:
        key = ((s.get("origin") or {}).get("file") or s["id"], s["kind"])
        unjudged[key] = unjudged.get(key, 0) + 1
    for (file, kind), n in sorted(unjudged.items()):
        lines.append(f"not judged  {not_judged_text(file, kind, n)}")
    lines.append("")
    # findings that map to each framework, each counted once (the verdict's by_framework)
    for fw, n in verdict["by_framework"].items():
        lines.append(f"findings    {fw}: {sum(n.values())} ({n['deny']} deny, {n['warn']} warn, {n['waived']} waived)")
    matrix = bundle.controls
    for fw in (matrix or {}).get("frameworks", []):
        n = fw.get("summary", {})
        lines.append(f"controls    {fw.get('title', fw.get('id'))}: {n.get('satisfied', 0)} satisfied, "
                     f"{n.get('not-satisfied', 0)} not satisfied, {n.get('not-assessed', 0)} not assessed")
    findings = bundle.findings
    if findings:
        lines.append("")
        for f in findings:
            status = "WAIVED" if f["waiver"] else {"deny": "FAIL", "warn": "WARN"}[f["gate"]]
            where = f["location"]["file"] or f["subject"]
            where += f":{f['location']['line']}" if f["location"]["line"] else ""
            lines.append(f"{status:6} {f['rule_id']:14} {where}  {f['message']}")
    click.echo("\n".join(lines))
    return 0


@_bundle_shape
def run_replay(bundle_path: str, jobs: int | None, trust: TrustRequest = TrustRequest()) -> int:
    from cxgov.evidence.replay import replay

    bundle, report, pinned = open_checked(bundle_path, trust)
    click.echo(f"{bundle_path}: verified: signature {signature_line(report, pinned)}")
    outcome = replay(bundle, jobs)
    for line in outcome.differences:
        click.echo(f"{bundle_path}: {line}")
    if outcome.reproduced:
        n = len(json.loads(outcome.expected)["findings"])
        click.echo(f"REPRODUCED: {n} findings, byte for byte; policy digest and verdict match")
        return 0
    click.echo("NOT REPRODUCED: the bundled inputs and policies do not give the bundled findings")
    return 1


@_bundle_shape
def run_diff(a: str, b: str, as_json: bool, trust: TrustRequest = TrustRequest()) -> int:
    from cxgov.evidence.diff import diff, has_differences, render_text

    opened = []
    for path in (a, b):
        bundle, report, pinned = open_checked(path, trust)
        click.echo(f"cxgov: {path}: verified: signature {signature_line(report, pinned)}", err=True)
        opened.append(bundle)
    d = diff(*opened)
    click.echo(json.dumps(d, indent=2, sort_keys=True) if as_json else render_text(d), nl=as_json)
    return 1 if has_differences(d) else 0


def run_keygen(out: str, force: bool) -> int:
    from cxgov.evidence.sign import generate

    private, public, keyid = generate(Path(out), force=force)
    click.echo(f"private key: {private} (keep it secret; e.g. a CI secret for --key-env)")
    click.echo(f"public key:  {public} (publish it; auditors pass it to `cxgov evidence verify --public-key`)")
    click.echo(f"key id:      {keyid}")
    return 0
