"""What the attestation says was audited, by digest: the in-toto subjects after manifest.json.

- the git commit of the audited tree: `git+<remote or path>@<commit>`, digest `gitCommit`
  (annotated when the tree had uncommitted changes, so the commit is not all that was audited);
- every container image a Kubernetes manifest or Terraform plan pins by digest
  (`image@sha256:<hex>`), digest `sha256`, with the files that pin it; an image given by tag only
  is not named, since a tag says nothing about what runs;
- every model version read from the registry: `models:/<name>/<version>`, digest `sha256` of the
  model artifact when the registry records it (version tag `artifact_sha256`), else
  `registryRecordSha256`, the sha256 of the registry's record of the version as this bundle holds it.

`covering(statement, query)` answers `cxgov evidence verify --subject`: which of a verified
statement's subjects a digest, image reference, commit or subject name designates.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cxgov.evidence.model_card import artifact_sha256
from cxgov.model import Subject

IMAGE_BY_DIGEST = re.compile(r"^(?P<name>[^@\s]+)@sha256:(?P<hex>[0-9a-f]{64})$")
HEX = re.compile(r"^[0-9a-f]{7,128}$")
RECORD_DIGEST = "registryRecordSha256"
IMAGE_KINDS = ("kubernetes", "terraform-plan", "terraform")


def deployed_subjects(subjects: list[Subject], git: dict | None, files: dict[str, bytes],
                      evidence: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The statement's subjects after manifest.json, in a fixed order: commit, images, model versions."""
    out = []
    if git and git.get("commit"):
        where = git.get("remote") or git.get("path") or "."
        entry: dict[str, Any] = {"name": f"git+{where}@{git['commit']}", "digest": {"gitCommit": git["commit"]}}
        if git.get("dirty"):
            entry["annotations"] = {"uncommitted_changes": True}
        out.append(entry)
    out += _images(subjects)
    out += _models(subjects, files, evidence)
    return out


def remote_without_credentials(url: str | None) -> str | None:
    """A git remote URL with any user and password taken out (`https://user:token@host/...`)."""
    if not url:
        return None
    if "://" not in url:
        return url  # scp-like `git@host:org/repo.git`: the user is the transport's, no secret
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _images(subjects: list[Subject]) -> list[dict[str, Any]]:
    pinned: dict[str, set[str]] = {}
    for s in subjects:
        if s.kind in IMAGE_KINDS:
            for image in _image_values(s.document):
                if IMAGE_BY_DIGEST.match(image):
                    pinned.setdefault(image, set()).add(s.origin.file or s.id)
    out = []
    for image in sorted(pinned):
        digest = IMAGE_BY_DIGEST.match(image)["hex"]
        out.append({"name": image, "digest": {"sha256": digest},
                    "annotations": {"pinned_in": sorted(pinned[image])}})
    return out


def _image_values(value: Any):
    """Every string under an `image` key, at any depth (containers, initContainers, Terraform blocks)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "image" and isinstance(item, str):
                yield item.strip()
            else:
                yield from _image_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _image_values(item)


def _models(subjects: list[Subject], files: dict[str, bytes], evidence: dict[str, list[str]]) -> list[dict[str, Any]]:
    out = []
    for s in sorted((s for s in subjects if s.kind == "model-version"), key=lambda s: s.id):
        doc = s.document if isinstance(s.document, dict) else {}
        record = next((p for p in evidence.get(s.id, []) if p in files), None)
        artifact = artifact_sha256(doc)
        if artifact:
            digest = {"sha256": artifact}
        elif record:
            digest = {RECORD_DIGEST: hashlib.sha256(files[record]).hexdigest()}
        else:
            continue  # nothing to name it by
        annotations = {k: v for k, v in (("registry", doc.get("tracking_uri")), ("record", record),
                                         ("run_id", doc.get("run_id"))) if v}
        out.append({"name": s.id, "digest": digest, "annotations": annotations})
    return out


def covering(statement: dict, query: str) -> list[dict[str, Any]]:
    """The statement's subjects `query` designates: its exact name, an image reference by digest
    (`repo[:tag]@sha256:<hex>`, matched on the digest), `<algorithm>:<hex>`, or bare hex (a full
    digest, or a commit given by at least 7 leading hex digits)."""
    query = query.strip()
    subjects = [s for s in statement.get("subject") or [] if isinstance(s, dict)]
    named = [s for s in subjects if s.get("name") == query]
    if named:
        return named
    image = IMAGE_BY_DIGEST.match(query)
    if image:
        algorithm, value = "sha256", image["hex"]
    elif ":" in query and HEX.match(query.split(":", 1)[1].lower()):
        algorithm, value = query.split(":", 1)[0], query.split(":", 1)[1].lower()
    elif HEX.match(query.lower()):
        algorithm, value = None, query.lower()
    else:
        return []
    out = []
    for s in subjects:
        for alg, have in (s.get("digest") or {}).items():
            if algorithm not in (None, alg) or not isinstance(have, str):
                continue
            if have.lower() == value or (alg == "gitCommit" and algorithm is None and have.lower().startswith(value)):
                out.append(s)
                break
    return out
