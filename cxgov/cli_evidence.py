"""The launch audit and its evidence: audit, init and the evidence group."""

from __future__ import annotations

import sys

import click

from cxgov.cli import cli
from cxgov.cli_options import (color_option, evaluation_date_option, jobs_option, live_source_options, output_option,
                               outputs_from, parse_date)
from cxgov.commands.engine_options import eval_bound_options
from cxgov.commands.trust_options import trust_options


# --- audit, init and the evidence bundle ---------------------------------------------------------


@cli.command(epilog="""\b
Examples:
  cxgov audit                                   ./cxgov.yaml; bundle in evidence/<system>-<date>/
  cxgov audit --key cxgov-signing.key           sign with a key file (cxgov evidence keygen)
  cxgov audit --key-env CXGOV_SIGNING_KEY       sign with a PEM key held in a CI secret
  SOURCE_DATE_EPOCH=1764000000 cxgov audit      pin the bundle's timestamps (reproducible)
  cxgov audit --tracking-uri http://127.0.0.1:5000 --ui-base-url http://127.0.0.1:8765/
                                                the models from this registry, the UI on a local copy""")
@click.argument("config_file", default="cxgov.yaml", metavar="[CONFIG]")
@evaluation_date_option()
@click.option("--out", metavar="DIR", help="Bundle directory (DIR.tar.gz beside it). Default: from the config.")
@click.option("--key", "key_file", metavar="FILE", help="Ed25519 private key (PEM) to sign with.")
@click.option("--key-env", metavar="VAR", help="Environment variable holding the PEM private key.")
@click.option("--unsigned", is_flag=True, help="Do not sign, even when the config names a key.")
@click.option("--overwrite", is_flag=True, help="Replace an existing bundle at the same path.")
@output_option("Also report as text, json, sarif, junit, github, markdown")
@jobs_option()
@color_option()
@live_source_options
@eval_bound_options
def audit(config_file, evaluation_date, out, key_file, key_env, unsigned, overwrite, output, jobs, color, live):
    """Audit the system cxgov.yaml describes and write a signed evidence bundle.

    Every source of the config (descriptor, manifests, plans, MLflow model versions, UI scans) goes
    through one evaluation; the bundle (a directory and a byte-reproducible .tar.gz) holds the
    findings, control matrix, redacted inputs, exact policies and a DSSE-signed in-toto attestation.
    Exit 0 gate passed, 1 gate failed (the bundle is written either way), 2 could not audit.
    """
    from cxgov.commands.audit import run_audit_command

    sys.exit(run_audit_command(config_file=config_file, evaluation_date=parse_date(evaluation_date), out=out,
                               key_file=key_file, key_env=key_env, unsigned=unsigned, overwrite=overwrite,
                               outputs=outputs_from(output, None, color), jobs=jobs, live=live))


@cli.command()
@click.argument("directory", default=".", metavar="[DIR]")
@click.option("--system", metavar="NAME", help="The system's name. Default: the directory's name.")
def init(directory, system):
    """Draft a descriptor from the repository's Kubernetes and Terraform files, and scaffold the rest.

    Writes cxgov/descriptor.yaml (TODO where only a person knows the answer), cxgov.yaml, waivers.yaml,
    .github/workflows/cxgov-audit.yml, .gitignore entries for keys and bundles, and a signing key pair
    in .cxgov/keys/; existing files are kept. Prints the check and audit commands to run next.
    """
    from cxgov.commands.init import run_init

    sys.exit(run_init(directory, system))


@cli.group()
def evidence() -> None:
    """Check an evidence bundle offline: verify, show, replay, diff; and make signing keys."""


@evidence.command("verify")
@click.argument("bundle", metavar="BUNDLE")
@trust_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--subject", metavar="ARTIFACT",
              help="Also answer whether ARTIFACT was covered by the bundle's attestation: an image "
                   "(repo@sha256:...), a digest (sha256:<hex>), a git commit or a subject name such as "
                   "models:/NAME/VERSION. Exit 0 covered, 1 not covered (the bundle must verify first).")
def evidence_verify(bundle, trust, as_json, subject):
    """Check that BUNDLE (directory or .tar.gz) is exactly what a trusted key signed.

    The manifest must list exactly the files present, every size and sha256 must match, and the
    signature over the manifest must be valid for a trusted key (--public-key, $CXGOV_TRUSTED_KEYS or
    evidence.trusted_keys in ./cxgov.yaml). Exit 0 intact and signed by a trusted key, 1 any difference
    (each one named), 2 unreadable, or intact but UNTRUSTED (no trusted key given; --allow-untrusted
    accepts it) or UNSIGNED (--allow-unsigned accepts it).
    """
    from cxgov.commands.evidence import run_verify

    sys.exit(run_verify(bundle, trust, as_json, subject))


@evidence.command("show")
@click.argument("bundle", metavar="BUNDLE")
@trust_options
@click.option("--json", "as_json", is_flag=True, help="Print the manifest (without the file list) and summary as JSON.")
def evidence_show(bundle, trust, as_json):
    """Summarise BUNDLE: system, verdict, counts per framework, findings, signature.

    The bundle is verified first, as `evidence verify` does with the same options; one that does not
    verify is refused (exit 2)."""
    from cxgov.commands.evidence import run_show

    sys.exit(run_show(bundle, as_json, trust))


@evidence.command("replay")
@click.argument("bundle", metavar="BUNDLE")
@trust_options
@jobs_option()
@eval_bound_options
def evidence_replay(bundle, trust, jobs):
    """Re-evaluate BUNDLE's inputs with its own policies and data; findings.json must come out byte for byte.

    The bundle is verified first (as `evidence verify`). Exit 0 reproduced, 1 not reproduced (the
    differences are listed), 2 unreadable or not verified."""
    from cxgov.commands.evidence import run_replay

    sys.exit(run_replay(bundle, jobs, trust))


@evidence.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@trust_options
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
def evidence_diff(a, b, trust, as_json):
    """Compare bundle A with bundle B: controls, findings per rule and subject (new, resolved,
    changed), inputs. Both are verified first (as `evidence verify`). Exit 0 no differences, 1
    differences, 2 unreadable or not verified."""
    from cxgov.commands.evidence import run_diff

    sys.exit(run_diff(a, b, as_json, trust))


@evidence.command("keygen")
@click.option("--out", default="cxgov-signing.key", show_default=True, metavar="FILE",
              help="Private key file; the public key goes to FILE.pub.")
@click.option("--force", is_flag=True, help="Overwrite existing key files.")
def evidence_keygen(out, force):
    """Create an Ed25519 key pair for signing bundles (private key written with mode 0600)."""
    from cxgov.commands.evidence import run_keygen

    sys.exit(run_keygen(out, force))
