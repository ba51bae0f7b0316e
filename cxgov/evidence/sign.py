"""Signing: an in-toto Statement v1 over manifest.json, in a DSSE envelope signed with Ed25519.

The statement's first subject is manifest.json by its sha256, and the manifest holds the sha256 of
every other file, so one signature covers the whole bundle; its other subjects name what was
deployed (cxgov/evidence/attest_subjects.py). DSSE signs PAE(payloadType, payload)
(https://github.com/secure-systems-lab/dsse/blob/master/protocol.md), never the bare payload, so
an auditor can check it with openssl or a few lines of Python (evidence/FORMAT.md). Ed25519
signatures are deterministic: the same bundle signed with the same key is byte-identical.

The crypto is securesystemslib's: a key file becomes a `CryptoSigner`, the envelope is its DSSE
`Envelope`, and a signature is checked by an `SSlibKey`. Any other securesystemslib signer of an
Ed25519 key (KMS, HSM, Sigstore, ...) signs the same way through `SigningKey.from_signer`. cxgov
keeps its key id (the sha256 of the public key's DER SubjectPublicKeyInfo), so the bytes on disk do
not depend on which signer made them.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cxgov.errors import InputError, UsageError

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://in-toto.io/attestation/test-result/v0.1"
ALGORITHM = "ed25519"


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding: "DSSEv1 <len> <type> <len> <body>", lengths in ASCII decimal."""
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


@dataclass(frozen=True)
class SigningKey:
    """A securesystemslib signer of an Ed25519 key, with cxgov's key id and the public key as PEM."""

    signer: object  # securesystemslib.signer.Signer
    keyid: str
    public_pem: str

    @classmethod
    def from_signer(cls, signer) -> SigningKey:
        """Any securesystemslib Signer whose public key is Ed25519 (the algorithm bundles name)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        public = signer.public_key
        if (public.keytype, public.scheme) != (ALGORITHM, ALGORITHM):
            raise InputError(f"the signer's key is {public.keytype}/{public.scheme}; bundles are signed with Ed25519",
                             where=type(signer).__name__)
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public.keyval["public"]))
        return cls(signer, keyid_of(key), public_pem(key))

    def sign(self, data: bytes) -> bytes:
        """The raw signature over `data` (the DSSE PAE)."""
        return bytes.fromhex(self.signer.sign(data).signature)


def _signer_of(private_key) -> SigningKey:
    """A CryptoSigner of a cryptography Ed25519 private key, its SSlibKey carrying cxgov's key id."""
    from securesystemslib.signer import CryptoSigner, SSlibKey

    public = private_key.public_key()
    return SigningKey.from_signer(CryptoSigner(private_key, SSlibKey.from_crypto(public, keyid=keyid_of(public),
                                                                                 scheme=ALGORITHM)))


def keyid_of(public_key) -> str:
    """sha256 (hex) of the DER SubjectPublicKeyInfo: `openssl pkey -pubin -outform DER | sha256sum`."""
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def public_pem(public_key) -> str:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def generate(private_path: Path, *, force: bool = False) -> tuple[Path, Path, str]:
    """A new Ed25519 key pair: PKCS#8 PEM private key (mode 0600) and `<name>.pub` beside it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public_path = private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists() and not force:
            raise UsageError("refusing to overwrite an existing key", where=str(path), hint="choose another path")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    private_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public_path.write_text(public_pem(key.public_key()), encoding="utf-8")
    return private_path, public_path, keyid_of(key.public_key())


def load_private(text: bytes, where: str) -> SigningKey:
    """A PEM (or base64 of a PEM) Ed25519 private key; anything else is an InputError naming `where`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    data = text.strip()
    if not data.startswith(b"-----BEGIN"):
        try:
            data = base64.b64decode(data, validate=True).strip()
        except ValueError:
            pass
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InputError(f"not a readable unencrypted PEM private key ({exc})", where=where,
                         hint="create one with `cxgov evidence keygen`") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError("the signing key is not an Ed25519 key", where=where,
                         hint="create one with `cxgov evidence keygen`")
    return _signer_of(key)


def load_key_file(path: Path) -> SigningKey:
    try:
        return load_private(path.read_bytes(), str(path))
    except OSError as exc:
        raise InputError(f"cannot read the signing key: {exc.strerror}", where=str(path)) from None


def load_key_env(name: str) -> SigningKey:
    value = os.environ.get(name)
    if not value:
        raise InputError(f"environment variable {name} is not set or empty", where=f"${name}",
                         hint="set it to the PEM private key, sign with a key file (--key FILE), or write an "
                              "unsigned bundle (--unsigned)")
    return load_private(value.encode(), f"${name}")


def load_public(path: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read the public key: {exc.strerror}", where=str(path)) from None
    except ValueError as exc:
        raise InputError(f"not a PEM public key ({exc})", where=str(path)) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError("the public key is not an Ed25519 key", where=str(path))
    return key


def public_from_pem(text: str):
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_public_key(text.encode())


def public_from_pem_text(text: str, *, where: str):
    """An Ed25519 public key given as PEM text (e.g. in CXGOV_TRUSTED_KEYS); InputError naming `where`."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = public_from_pem(text)
    except ValueError as exc:
        raise InputError(f"not a PEM public key ({exc})", where=where) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError("the public key is not an Ed25519 key", where=where)
    return key


def envelope(statement_bytes: bytes, key) -> dict:
    """The DSSE envelope; with no key, `signatures` is empty (an unsigned bundle says so). `key` is a
    SigningKey, or anything with a `keyid` and `sign(bytes) -> bytes`."""
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import Signature

    env = Envelope(statement_bytes, PAYLOAD_TYPE, {})
    if key is not None:
        env.signatures[key.keyid] = Signature(key.keyid, key.sign(env.pae()).hex())
    return env.to_dict()


def verify_signature(public_key, payload_type: str, payload: bytes, sig_b64: str) -> bool:
    """Whether `sig_b64` is `public_key`'s signature over PAE(payload_type, payload)."""
    from securesystemslib.exceptions import UnverifiedSignatureError
    from securesystemslib.signer import Signature, SSlibKey

    try:
        key = SSlibKey.from_crypto(public_key, keyid=keyid_of(public_key))
        raw = base64.b64decode(sig_b64, validate=True)
        key.verify_signature(Signature(key.keyid, raw.hex()), pae(payload_type, payload))
        return True
    except (UnverifiedSignatureError, ValueError):
        return False
