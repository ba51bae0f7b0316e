"""`cxgov audit`: parse the command's options, run the audit (cxgov/audit.py), write the bundle and the
outputs, and map the verdict to an exit code."""

from __future__ import annotations

import sys
from pathlib import Path

from cxgov.audit import default_bundle_dir, resolve_key, run_audit, stage_count, write_bundle
from cxgov.commands.outputs import Outputs
from cxgov.progress import Stages
from cxgov.sources.live import LiveOptions


def run_audit_command(*, config_file: str, evaluation_date: str, out: str | None, key_file: str | None,
                      key_env: str | None, unsigned: bool, overwrite: bool, outputs: Outputs, jobs: int | None,
                      live: LiveOptions = LiveOptions()) -> int:
    import shutil

    from cxgov.audit_config import load_config

    import signal

    # SIGTERM (a cancelled CI job) unwinds like Ctrl-C, so the staging directory is removed too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    config_path = Path(config_file)
    config = load_config(config_path)
    key = resolve_key(config, config_path.resolve(), key_file, key_env, unsigned)  # a bad key fails before the work
    bundle_dir = Path(out) if out else default_bundle_dir(config, config_path, evaluation_date)
    if not overwrite:
        from cxgov.evidence.write import refuse_existing

        refuse_existing(bundle_dir)  # say so before the work, not after
    stages = Stages(stage_count(config))
    run = run_audit(config, config_path=config_path, evaluation_date=evaluation_date, jobs=jobs, stages=stages,
                    live=live)
    try:
        target, archive = write_bundle(run, bundle_dir, key=key, overwrite=overwrite)
    finally:
        shutil.rmtree(run.artifacts_dir, ignore_errors=True)
    outputs.write(run.result, subjects=run.subjects)
    c = run.result.verdict.counts
    verdict = "PASSED" if run.result.verdict.passed else "FAILED"
    print(f"{config.system}: gate {verdict} ({c['deny']} deny, {c['warn']} warn, {c['waived']} waived)", file=sys.stderr)
    if key:
        print(f"evidence: {target}/ and {archive.name}, signed by key {key.keyid[:16]}", file=sys.stderr)
    else:
        print(f"evidence: {target}/ and {archive.name}, UNSIGNED", file=sys.stderr)
        print("warning: the bundle is unsigned: its hashes show it is intact, but nothing shows who made it, and "
              "`cxgov evidence verify` accepts it only with --allow-unsigned. Sign with --key FILE (`cxgov init` "
              "makes .cxgov/keys/signing.key, `cxgov evidence keygen` another), --key-env VAR or "
              "evidence.signing_key in the config", file=sys.stderr)
    return run.result.verdict.exit_code
