"""Secret redaction for everything an evidence bundle stores about the inputs.

A bundle travels to auditors, so no credential that sat in a manifest, plan or model tag may reach
it. Three nets, applied to every string:

- shapes: AWS access key ids, GitHub tokens, bearer tokens, JWTs, private key blocks, passwords in
  connection URLs and `Password=...;` connection strings, vendor live keys;
- names: the value of a key named like a password, secret or token (`db_password`, `clientSecret`,
  `API_TOKEN`), every value under such a key, the `value` of a `{name: X_API_KEY, value: ...}` pair
  (container env), and every value of a Kubernetes Secret's `data` / `stringData`;
- memory: a value redacted by name is also cut out wherever it appears later (in a finding's
  message, in the system view's copy of the document), longest first.

A redacted value becomes `[REDACTED:<what>]`: still a non-empty literal, so a rule that flags "a
literal secret" flags it the same on the redacted copy and `evidence replay` reproduces the finding.
The redactor is deterministic; `count` is recorded in the manifest.
"""

from __future__ import annotations

import re
from typing import Any

MARK = "[REDACTED:{}]"
MIN_REMEMBERED = 6  # shorter values are redacted where they stand, not searched for elsewhere

# (what, pattern, group to replace: 0 = the whole match)
SHAPES: tuple[tuple[str, re.Pattern, int], ...] = (
    ("private-key", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?-----END [A-Z0-9 ]*PRIVATE KEY-----|"
                               r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*", re.S), 0),
    ("aws-access-key-id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Z0-9])"), 0),
    ("aws-secret-access-key", re.compile(
        r"(?i)aws.{0,20}?(?:secret|private).{0,20}?[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"), 1),
    ("github-token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"), 0),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), 0),
    ("bearer-token", re.compile(r"(?i)\bbearer\s+([A-Za-z0-9\-._~+/]{12,}=*)"), 1),
    ("slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), 0),
    ("live-api-key", re.compile(r"\b(?:sk|rk|pk|pz)_live_[A-Za-z0-9]{12,}"), 0),
    ("url-password", re.compile(r"(?i)\b[a-z][a-z0-9+.\-]*://[^/\s:@\"']+:([^@\s/\"']+)@"), 1),
    ("connection-string-secret", re.compile(
        r"(?i)(?:^|[;\s&?])(?:password|pwd|accountkey|sharedaccesskey|sharedaccesssignature|sig)=([^;&\s\"']+)"), 1),
)

# key names (lower-cased, without - _ . and spaces) whose values are secrets
SECRET_KEY_SUFFIXES = (
    "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "accesskey", "secretkey", "privatekey",
    "clientsecret", "secretstring", "secretbinary", "secretdata", "connectionstring", "sastoken", "credentials",
    "accountkey", "sharedaccesskey",
)
# environment-variable names (upper-cased) whose `value` is a secret, as SOC2-CC6.1-04 reads them
SECRET_ENV_SUFFIXES = ("_KEY", "_TOKEN", "_SECRET", "PASSWORD", "_PASSWD", "_CREDENTIALS", "_API_KEY", "_PWD")
_NORMALISE = re.compile(r"[-_. ]")


def secret_key(name: Any) -> bool:
    return isinstance(name, str) and _NORMALISE.sub("", name).lower().endswith(SECRET_KEY_SUFFIXES)


def secret_env_name(name: Any) -> bool:
    return isinstance(name, str) and name.upper().endswith(SECRET_ENV_SUFFIXES)


class Redactor:
    """Redacts documents and text; remembers what it removed so later text loses it too."""

    def __init__(self) -> None:
        self.count = 0
        self._known: dict[str, str] = {}  # secret value -> its mark
        self._known_re: re.Pattern | None = None

    # --- documents ----------------------------------------------------------------------------

    def document(self, value: Any) -> Any:
        """A redacted copy of a parsed document (dicts, lists, scalars); the input is not changed."""
        return self._walk(value, secret=None)

    def _walk(self, value: Any, secret: str | None) -> Any:
        if isinstance(value, str):
            return self._whole(value, secret) if secret else self.text(value)
        if isinstance(value, list):
            return [self._walk(v, secret) for v in value]
        if not isinstance(value, dict):
            return value
        kube_secret = value.get("kind") == "Secret" and isinstance(value.get("apiVersion"), str)
        env_pair = secret_env_name(value.get("name")) and "value" in value
        out = {}
        for key, item in value.items():
            if secret:
                why = secret
            elif kube_secret and key in ("data", "stringData"):
                why = "kubernetes-secret"
            elif env_pair and key == "value":
                why = "secret-env"
            elif secret_key(key):
                why = "secret-key"
            else:
                why = None
            out[key] = self._walk(item, why)
        return out

    def _whole(self, value: str, what: str) -> str:
        if value == "" or value.startswith("[REDACTED:"):
            return value
        mark = MARK.format(what)
        self.count += 1
        if len(value) >= MIN_REMEMBERED and value not in self._known:
            self._known[value] = mark
            self._known_re = None
        return mark

    # --- text ---------------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """`value` with every remembered secret and every secret shape replaced.

        Remembered values go first: a value redacted whole in a document must be redacted whole in a
        message quoting it too, as the redacted document would have produced it on replay."""
        if self._known:
            if self._known_re is None:
                ordered = sorted(self._known, key=lambda s: (-len(s), s))
                self._known_re = re.compile("|".join(re.escape(s) for s in ordered))
            value, n = self._known_re.subn(lambda m: self._known[m.group(0)], value)
            self.count += n
        for what, pattern, group in SHAPES:
            value = pattern.sub(lambda m, w=what, g=group: self._replace(m, w, g), value)
        return value

    def _replace(self, match: re.Match, what: str, group: int) -> str:
        self.count += 1
        mark = MARK.format(what)
        if group == 0:
            return mark
        start, end = match.span(group)
        whole = match.group(0)
        offset = match.start(0)
        return whole[: start - offset] + mark + whole[end - offset :]
