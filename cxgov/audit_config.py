"""`cxgov.yaml`: the system under audit, in one file a launch owner can review.

It names every source the audit reads (descriptor, manifests, plans, MLflow model versions, UI entry
points), the policies and data to judge them with, the waivers, and where the evidence bundle goes and
how it is signed. Paths are relative to the file itself, so the audit gives the same answer from any
working directory. `cxgov schema config` prints the JSON Schema for editors.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cxgov.descriptor_schema import UIEntryPoint
from cxgov.errors import InputError
from cxgov.packs import PACKS

CONFIG_VERSION = 1
Pack = Literal[PACKS]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- names and paths that end up in file names: checked before anything is read or written ------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE_NAME = re.compile(r'[/\\<>:"|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.I)  # names Windows gives to devices
MAX_NAME = 100


def safe_name(name: str) -> str:
    """A system name as it stands in the bundle's file name (`<out>/<system>-<date>/`), or ValueError:
    no path separator, `..`, control character or character a file system refuses."""
    if _CONTROL.search(name) or _UNSAFE_NAME.search(name) or name.strip() in (".", "..") or _RESERVED.match(name):
        raise ValueError(f"the system name {name!r} is not a safe file name (the bundle is written to "
                         "<evidence.out>/<system>-<date>/): use letters, digits, spaces, '.', '-' and '_', "
                         "without / \\ : * ? \" < > |")
    if name != name.strip() or name.startswith((".", "-")):
        raise ValueError(f"the system name {name!r} must not start with '.' or '-' nor start or end with a space")
    if len(name) > MAX_NAME:
        raise ValueError(f"the system name is longer than {MAX_NAME} characters")
    return name


def relative_path(path: str) -> str:
    """A path of the config: relative to the config file, so the audit (and a drift re-run of the
    recorded config on another checkout) reads the same files; no control characters."""
    if not path.strip():
        raise ValueError("empty path")
    if _CONTROL.search(path):
        raise ValueError(f"the path {path!r} holds a control character")
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute() or path.startswith("~"):
        raise ValueError(f"the path {path!r} is absolute: paths in cxgov.yaml are relative to the file itself")
    return path


def _paths(values):
    return [relative_path(v) for v in values] if isinstance(values, list) else relative_path(values)


class Policies(_Model):
    builtin: Union[bool, list[Pack]] = Field(
        True, description="The builtin packs: true (all), false (none) or a list of packs to run.")
    paths: list[str] = Field([], description="Your own Rego policies: directories or .rego files.")
    data: list[str] = Field([], description="JSON/YAML data merged under data.* (overrides builtin settings).")
    namespaces: list[str] = Field(["main"], description="Packages of your policies to evaluate (globs).")
    all_namespaces: bool = False

    _check_paths = field_validator("paths", "data")(_paths)

    def packs(self) -> tuple[str, ...]:
        if self.builtin is True:
            return PACKS
        return tuple(p for p in PACKS if self.builtin and p in self.builtin)


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
    baseline: Optional[str] = Field(
        None, description="Known violations (`cxgov wcag --write-baseline`), reviewed like waivers: reported as "
                          "baselined; new ones fail, fixed ones are reported. The bundle keeps the file, so replay "
                          "applies it too.")

    _check_baseline = field_validator("baseline")(_paths)


class SigningKey(_Model):
    file: Optional[str] = Field(None, description="PEM Ed25519 private key (from `cxgov evidence keygen`).")
    env: Optional[str] = Field(None, description="Environment variable holding the PEM key (e.g. a CI secret).")

    _check_file = field_validator("file")(_paths)

    @model_validator(mode="after")
    def _one(self) -> "SigningKey":
        if (self.file is None) == (self.env is None):
            raise ValueError("give exactly one of file or env")
        return self


class Evidence(_Model):
    out: str = Field("evidence-bundles", description="Directory the bundles go into: <out>/<system>-<date>/ and .tar.gz.")
    signing_key: Optional[SigningKey] = Field(None, description="Sign the bundle; without it the bundle is unsigned.")
    trusted_keys: list[str] = Field(
        [], description="Public keys whose signatures `cxgov evidence` and `cxgov drift` trust on a bundle: PEM "
                        "files (relative to this file) or key ids `sha256:<64 hex>`. --public-key and "
                        "CXGOV_TRUSTED_KEYS take precedence.")
    drift_history: Optional[str] = Field(
        None, description="A drift state file (`cxgov drift check/watch --state`): the bundle keeps this system's "
                          "runs from it, and the report charts the trend of open findings.")

    _check_out = field_validator("out", "drift_history")(_paths)

    @field_validator("trusted_keys")
    @classmethod
    def _keys(cls, values: list[str]) -> list[str]:
        for v in values:
            if v.lower().startswith("sha256:") and not re.fullmatch(r"sha256:[0-9a-fA-F]{64}", v):
                raise ValueError(f"the key id {v!r} is not sha256: and 64 hex digits (`cxgov evidence keygen` prints it)")
        return [v if v.lower().startswith("sha256:") else relative_path(v) for v in values]


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

    _check_system = field_validator("system")(lambda v: safe_name(v))
    _check_paths = field_validator("descriptor", "manifests", "plans", "files", "waivers")(
        lambda v: None if v is None else _paths(v))

    def bundle_dir(self, root: Path, evaluation_date: str) -> Path:
        """Where this config's bundle is written: always inside evidence.out."""
        out = root / self.evidence.out
        return out / f"{safe_name(self.system)}-{evaluation_date}"

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
