"""`cxgov.yaml`: the system under audit, in one file a launch owner can review.

It names every source the audit reads (descriptor, manifests, plans, MLflow model versions, UI entry
points), the policies and data to judge them with, the waivers, and where the evidence bundle goes and
how it is signed. Paths are relative to the file itself, so the audit gives the same answer from any
working directory. `cxgov schema config` prints the JSON Schema for editors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cxgov.descriptor_schema import UIEntryPoint
from cxgov.errors import InputError

CONFIG_VERSION = 1
BUILTIN_PACKS = ("residency", "gdpr", "soc2", "ai_act", "wcag", "governance")
Pack = Literal["residency", "gdpr", "soc2", "ai_act", "wcag", "governance"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Policies(_Model):
    builtin: Union[bool, list[Pack]] = Field(
        True, description="The builtin packs: true (all), false (none) or a list of packs to run.")
    paths: list[str] = Field([], description="Your own Rego policies: directories or .rego files.")
    data: list[str] = Field([], description="JSON/YAML data merged under data.* (overrides builtin settings).")
    namespaces: list[str] = Field(["main"], description="Packages of your policies to evaluate (globs).")
    all_namespaces: bool = False

    def packs(self) -> tuple[str, ...]:
        if self.builtin is True:
            return BUILTIN_PACKS
        return tuple(p for p in BUILTIN_PACKS if self.builtin and p in self.builtin)


class Gate(_Model):
    fail_on: Literal["deny", "warn", "never"] = "deny"


class Models(_Model):
    tracking_uri: Optional[str] = Field(None, description="MLflow tracking server, e.g. https://mlflow.example.")
    refs: list[str] = Field([], description="Model versions: models:/<name>/<version> or models:/<name>@<alias>.")
    skip: Optional[str] = Field(None, description="Leave models out of this audit, and say why (recorded).")

    @model_validator(mode="after")
    def _complete(self) -> "Models":
        if self.skip is None and self.refs and not self.tracking_uri:
            raise ValueError("refs need a tracking_uri")
        for ref in self.refs:
            if not ref.startswith("models:/"):
                raise ValueError(f"model reference {ref!r} must look like models:/<name>/<version>")
        return self


class UI(_Model):
    entry_points: list[UIEntryPoint] = Field([], description="Pages to scan and the states to reach on each.")
    skip: Optional[str] = Field(None, description="Leave the UI scan out of this audit, and say why (recorded).")


class SigningKey(_Model):
    file: Optional[str] = Field(None, description="PEM Ed25519 private key (from `cxgov evidence keygen`).")
    env: Optional[str] = Field(None, description="Environment variable holding the PEM key (e.g. a CI secret).")

    @model_validator(mode="after")
    def _one(self) -> "SigningKey":
        if (self.file is None) == (self.env is None):
            raise ValueError("give exactly one of file or env")
        return self


class Evidence(_Model):
    out: str = Field("evidence-bundles", description="Directory the bundles go into: <out>/<system>-<date>/ and .tar.gz.")
    signing_key: Optional[SigningKey] = Field(None, description="Sign the bundle; without it the bundle is unsigned.")


class AuditConfig(_Model):
    """The whole audit: what to read, what to judge it with, where the evidence goes."""

    version: Literal[1] = CONFIG_VERSION
    system: str = Field(description="The system's name, as the bundle and report call it.", min_length=1)
    descriptor: Optional[str] = Field(None, description="The AISystem descriptor (cxgov.io/v1).")
    manifests: list[str] = Field([], description="Kubernetes manifests: files or directories.")
    plans: list[str] = Field([], description="Terraform plans (`terraform show -json` output).")
    files: list[str] = Field([], description="Any other YAML, JSON, TOML or HCL2 to evaluate.")
    policies: Policies = Policies()
    waivers: Optional[str] = Field(None, description="The waivers file (waivers.yaml).")
    gate: Gate = Gate()
    models: Models = Models()
    ui: UI = UI()
    evidence: Evidence = Evidence()

    def file_paths(self) -> list[str]:
        return ([self.descriptor] if self.descriptor else []) + self.manifests + self.plans + self.files

    def skipped(self) -> dict[str, str]:
        """Sources the config leaves out on purpose, with the reason; recorded in the bundle."""
        out = {}
        if self.models.skip is not None:
            out["models"] = self.models.skip
        if self.ui.skip is not None:
            out["ui"] = self.ui.skip
        return out


def schema() -> dict[str, Any]:
    return AuditConfig.model_json_schema()


def load_config(path: str | Path) -> AuditConfig:
    """Read and validate cxgov.yaml; an InputError names every problem with its line and field."""
    from cxgov.descriptor import DescriptorError, problems
    from cxgov.sources.readers import read_one
    from cxgov.sources.yaml_paths import line_of

    path = Path(path)
    if not path.is_file():
        raise InputError("audit config not found", where=str(path), hint="create one with `cxgov init`")
    document = read_one(path)
    if not isinstance(document.value, dict) or not document.value:
        raise InputError("expected a mapping with at least `system:`", where=str(path),
                         hint="see `cxgov schema config`")
    try:
        return AuditConfig.model_validate(document.value)
    except ValidationError as exc:
        text = path.read_text(encoding="utf-8")
        found = problems(exc, AuditConfig, lambda loc: line_of(text, loc))
        raise DescriptorError(found, str(path), what=path.name, hint="see `cxgov schema config`") from None
