"""Secret redaction: the one function every byte cxgov writes about the inputs goes through.

Bundles travel to auditors, reports to CI logs, pull requests and chat channels, so no credential
that sat in a manifest, plan, model tag or page may reach any of them. The evidence bundle, every
`-o` format, annotations, step summaries, drift reports, alerts and history all redact through a
Redactor (commands/outputs.py holds the write-time step). Three nets, applied to every string:

- shapes: credentials recognisable by their form (SHAPES below: cloud and AI provider keys, VCS and
  chat tokens, payment keys, JWTs, private key blocks, passwords in URLs, connection strings and
  `password=` style assignments);
- names: the value of a key named like a password, secret or token (`db_password`, `clientSecret`,
  `API_TOKEN`), every value under such a key, the `value` of a `{name: X_API_KEY, value: ...}` pair
  (container env), and every value of a Kubernetes Secret's `data` / `stringData`;
- memory: a value redacted by name is also cut out wherever it appears later (in a finding's
  message, in the system view's copy of the document, in a report), longest first.

The shapes were written for cxgov and checked against the rule sets of detect-secrets and gitleaks
(tests/redaction_corpus.py holds a sample of each form, assembled from pieces). A redacted value
becomes `[REDACTED:<what>]`: still a non-empty literal, so a rule that flags "a literal secret"
flags it the same on the redacted copy and `evidence replay` reproduces the finding. The redactor
is deterministic; `count` is recorded in the manifest.
"""

from __future__ import annotations

import re
from typing import Any

MARK = "[REDACTED:{}]"
MIN_REMEMBERED = 6  # shorter values are redacted where they stand, not searched for elsewhere
_NOT_BEFORE = r"(?![A-Za-z0-9_\-])"
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Token:
    """A whole token of this form, not the middle of a longer identifier. The pattern starts with its
    literal prefix (so the regex engine scans for it quickly); that no token character precedes the
    match is checked on each match instead of in a look-behind, which would hide the prefix."""

    def __init__(self, body: str):
        self.pattern = re.compile("(?:" + body + ")" + _NOT_BEFORE)

    def sub(self, replace, text: str) -> str:
        return self.pattern.sub(lambda m: m.group(0) if m.start() and text[m.start() - 1] in _TOKEN_CHARS
                                else replace(m), text)

    def findall(self, text: str) -> list:
        return [m.group(0) for m in self.pattern.finditer(text)
                if not (m.start() and text[m.start() - 1] in _TOKEN_CHARS)]


def _token(body: str) -> _Token:
    return _Token(body)


# (what, pattern, group to replace: 0 = the whole match)
SHAPES: tuple[tuple[str, re.Pattern, int], ...] = (
    ("private-key", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?-----END [A-Z0-9 ]*PRIVATE KEY"
                               r"(?: BLOCK)?-----|-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*", re.S), 0),
    ("aws-access-key-id", _token(r"A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA|BIA|CCA)[A-Z0-9]{16}(?![A-Z0-9])"), 0),
    ("aws-secret-access-key", re.compile(
        r"(?i)aws.{0,20}?(?:secret|private).{0,20}?[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"), 1),
    # OpenAI: project, service-account and admin keys, and the older user keys (T3BlbkFJ is "OpenAI" in base64)
    ("openai-api-key", _token(r"sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_\-]{16,}|"
                              r"[A-Za-z0-9_\-]*T3BlbkFJ[A-Za-z0-9_\-]+|[A-Za-z0-9]{48})"), 0),
    # Anthropic: API (api03), admin (admin01) and OAuth (oat01, ort01) keys
    ("anthropic-api-key", _token(r"sk-ant-[a-z]{2,8}\d{2}-[A-Za-z0-9_\-]{16,}"), 0),
    ("github-token", _token(r"g(?:h[pousr]_[A-Za-z0-9]{36,255}|ithub_pat_[A-Za-z0-9_]{22,255})"), 0),
    ("gitlab-token", _token(r"gl(?:pat|oas|dt|rt|cbt|ptt|ft|imt|agent|soat|ffct)-[A-Za-z0-9_\-]{20,64}"), 0),
    ("google-api-key", _token(r"AIza[A-Za-z0-9_\-]{35}"), 0),
    ("huggingface-token", _token(r"hf_[A-Za-z0-9]{30,40}"), 0),
    ("slack-token", re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}"), 0),
    ("slack-webhook", re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_\-]{20,}"), 0),
    ("payment-api-key", _token(r"(?:sk|rk|pk|pz)_(?:live|test|prod)_[A-Za-z0-9]{12,}"), 0),
    ("sendgrid-api-key", _token(r"SG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{30,64}"), 0),
    ("npm-token", _token(r"npm_[A-Za-z0-9]{36}"), 0),
    ("pypi-token", _token(r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{40,}"), 0),
    ("groq-api-key", _token(r"gsk_[A-Za-z0-9]{40,60}"), 0),
    ("langsmith-api-key", _token(r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}"), 0),
    ("databricks-token", _token(r"dapi[a-f0-9]{32}(?:-\d)?"), 0),
    ("digitalocean-token", _token(r"do[opr]_v1_[a-f0-9]{64}"), 0),
    ("shopify-token", _token(r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"), 0),
    ("twilio-api-key", _token(r"SK[0-9a-fA-F]{32}"), 0),
    ("azure-client-secret", _token(r"[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}"), 0),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), 0),
    ("bearer-token", re.compile(r"(?i)\bbearer\s+([A-Za-z0-9\-._~+/]{12,}=*)"), 1),
    ("basic-auth", re.compile(r"(?i)\bbasic\s+([A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])"), 1),
    # user:password@ in a URL, the user name possibly empty (redis://:password@host)
    # a password already masked as *** (cxgov's own messages mask one) is left as it is
    ("url-password", re.compile(r"://[^/\s:@\"']{0,256}:(?!\*\*\*@)([^@\s/\"']{1,512})@"), 1),
    ("connection-string-secret", re.compile(
        r"(?i)(?:^|[;\s&?])(?:password|pwd|accountkey|sharedaccesskey|sharedaccesssignature|sig)=([^;&\s\"']+)"), 1),
    # `DB_PASSWORD=...`, `api_key: ...`, `"client_secret": "..."` in free text; not a reference (${X},
    # {{ x }}) nor a value already redacted
    # matched on the text with ASCII letters lower-cased (LOWERED), where its first letters can be
    # scanned for quickly; the value keeps its case in the output
    ("secret-assignment", re.compile(
        r"(?:password|passwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key)[\"']?[ \t]{0,8}"
        r"[:=][ \t]{0,8}[\"']?(?![$\[{<])(?!\d+(?![^\s\"',;&)}\]]))([^\s\"',;&)}\]]{8,})"), 1),
)
LOWERED = frozenset({"secret-assignment"})
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# what each shape cannot match without (lower-cased): a pattern runs only on text that holds one, so a
# report of megabytes costs a few scans, not one per shape
GATES: dict[str, tuple[str, ...]] = {
    "private-key": ("private key",),
    "aws-access-key-id": ("akia", "asia", "agpa", "aida", "aroa", "anpa", "anva", "aipa", "abia", "acca"),
    "aws-secret-access-key": ("aws",),
    "openai-api-key": ("sk-",),
    "anthropic-api-key": ("sk-ant-",),
    "github-token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    "gitlab-token": ("glpat-", "gloas-", "gldt-", "glrt-", "glcbt-", "glptt-", "glft-", "glimt-", "glagent-",
                     "glsoat-", "glffct-"),
    "google-api-key": ("aiza",),
    "huggingface-token": ("hf_",),
    "slack-token": ("xox", "xapp-"),
    "slack-webhook": ("hooks.slack.com",),
    "payment-api-key": ("_live_", "_test_", "_prod_"),
    "sendgrid-api-key": ("sg.",),
    "npm-token": ("npm_",),
    "pypi-token": ("pypi-",),
    "groq-api-key": ("gsk_",),
    "langsmith-api-key": ("lsv2_",),
    "databricks-token": ("dapi",),
    "digitalocean-token": ("_v1_",),
    "shopify-token": ("shpat_", "shpca_", "shppa_", "shpss_"),
    "twilio-api-key": ("sk",),
    "azure-client-secret": ("q~",),
    "jwt": ("eyj",),
    "bearer-token": ("bearer",),
    "basic-auth": ("basic",),
    "url-password": ("://",),
    "connection-string-secret": ("password=", "pwd=", "accountkey=", "sharedaccesskey=", "sharedaccesssignature=",
                                 "sig="),
    "secret-assignment": ("password", "passwd", "secret", "token", "api_key", "api-key", "apikey", "access_key",
                          "access-key", "accesskey", "private_key", "private-key", "privatekey"),
}
assert set(GATES) == {what for what, _, _ in SHAPES}


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
        self._seen: dict[str, tuple[str, int]] = {}  # text -> (redacted, redactions), while _known is unchanged

    def learn(self, document: Any) -> None:
        """Remember the secrets a document holds by name, without counting them as redactions: what
        redacts a report learns the inputs the report is about (their other strings are not touched)."""
        count = self.count
        self._walk(document, secret=None, learn=True)
        self.count = count

    # --- documents ----------------------------------------------------------------------------

    def document(self, value: Any) -> Any:
        """A redacted copy of a parsed document (dicts, lists, scalars); the input is not changed."""
        return self._walk(value, secret=None)

    def _walk(self, value: Any, secret: str | None, learn: bool = False) -> Any:
        if isinstance(value, str):
            return self._whole(value, secret) if secret else value if learn else self.text(value)
        if isinstance(value, list):
            return [self._walk(v, secret, learn) for v in value]
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
            out[key] = self._walk(item, why, learn)
        return out

    def _whole(self, value: str, what: str) -> str:
        if value == "" or value.startswith("[REDACTED:"):
            return value
        mark = MARK.format(what)
        self.count += 1
        if len(value) >= MIN_REMEMBERED and value not in self._known:
            self._known[value] = mark
            self._known_re = None
            self._seen.clear()
        return mark

    # --- text ---------------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """`value` with every remembered secret and every secret shape replaced.

        Remembered values go first: a value redacted whole in a document must be redacted whole in a
        message quoting it too, as the redacted document would have produced it on replay."""
        seen = self._seen.get(value)
        if seen is not None:
            self.count += seen[1]
            return seen[0]
        before, original = self.count, value
        value = self._text(value)
        if len(self._seen) < 100_000:
            self._seen[original] = (value, self.count - before)
        return value

    def _text(self, value: str) -> str:
        if self._known:
            if self._known_re is None:
                ordered = sorted(self._known, key=lambda s: (-len(s), s))
                self._known_re = re.compile("|".join(re.escape(s) for s in ordered))
            value, n = self._known_re.subn(lambda m: self._known[m.group(0)], value)
            self.count += n
        lowered = value.lower()
        for what, pattern, group in SHAPES:
            if not any(key in lowered for key in GATES[what]):
                continue
            if what in LOWERED:
                value = self._spans(pattern.finditer(value.translate(_ASCII_LOWER)), value, what, group)
            else:
                value = pattern.sub(lambda m, w=what, g=group: self._replace(m, w, g), value)
        return value

    def _spans(self, matches, value: str, what: str, group: int) -> str:
        """`value` with the spans of `matches` (found in a same-length copy of it) replaced by the mark."""
        out, last = [], 0
        for m in matches:
            start, end = m.span(group)
            out += [value[last:start], MARK.format(what)]
            last = end
            self.count += 1
        return "".join(out) + value[last:] if out else value

    def _replace(self, match: re.Match, what: str, group: int) -> str:
        self.count += 1
        mark = MARK.format(what)
        if group == 0:
            return mark
        start, end = match.span(group)
        whole = match.group(0)
        offset = match.start(0)
        return whole[: start - offset] + mark + whole[end - offset :]
