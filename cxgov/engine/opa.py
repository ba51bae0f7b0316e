"""The OPA engine: the same plan and findings as the embedded engine, evaluated by a running OPA server.

It talks to OPA's REST API through opa-python-client 3.x. Unless the server already holds the
policies (`preloaded`), every run pushes its modules and data under a run-specific root,
`data.cxgov_run_<random>`, so concurrent runs (and whatever else the server holds) never mix, and
removes them afterwards. It queries the same per-kind collector rules as the embedded engine and
hands the values to `results.judge_subject`, so both engines turn identical values into identical findings.

Every failure (unreachable, TLS, timeout, HTTP error, a policy OPA rejects, an evaluation error) is an
EngineError naming the server and what to do: exit 2, never a pass.
"""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cxgov.errors import EngineError, UsageError
from cxgov.model import Subject
from cxgov.engine.embedded import collector_module, collector_path
from cxgov.engine.interface import Engine, Evaluation, Progress, data_with_run_facts, rego_input
from cxgov.engine.opa_modules import rewrite_under, upload_order
from cxgov.engine.policyset import NamespacePlan, PolicySet
from cxgov.engine.rego_source import Module, parse_module
from cxgov.engine.results import grouped, judge_subject

#: OPA's data API evaluates with builtin errors as errors, as the embedded engine does (strict mode)
STRICT = {"strict-builtin-errors": "true"}
_CHUNK = 64  # subjects per task in the thread pool


class PolicyRejected(EngineError):
    """OPA's compiler refused a module (it compiles on every PUT)."""


@dataclass(frozen=True)
class OpaSettings:
    """How to reach the server: `--opa-url`, `--opa-token`, TLS files, timeout, `--opa-preloaded`."""

    url: str
    token: str | None = None
    ca_cert: str | None = None  # CA bundle that signed the server's certificate (default: system trust)
    client_cert: str | None = None  # mutual TLS: certificate file (and key file, or one combined file)
    client_key: str | None = None
    timeout: float = 10.0
    retries: int = 2
    preloaded: bool = False

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--opa-url {self.url!r} is not an http(s) URL", hint="e.g. http://127.0.0.1:8181")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise UsageError("--opa-url takes no credentials, query or fragment", where=self.url,
                             hint="pass a bearer token with --opa-token or CXGOV_OPA_TOKEN")
        if parts.scheme == "http" and (self.ca_cert or self.client_cert):
            raise UsageError("TLS options need an https:// --opa-url", where=self.url)
        if self.client_key and not self.client_cert:
            raise UsageError("--opa-client-key needs --opa-client-cert")

    @property
    def display_url(self) -> str:
        return self.url.rstrip("/")


class OpaEngine(Engine):
    name = "opa"

    def __init__(self, settings: OpaSettings, jobs: int | None = None):
        self.settings = settings
        self.jobs = max(1, jobs or 4)  # concurrent requests: the server does the work
        self.prefix = "" if settings.preloaded else f"cxgov_run_{uuid.uuid4().hex[:16]}"
        self._local = threading.local()
        self._plans: list[NamespacePlan] = []
        self._policies: PolicySet | None = None
        self._evaluation_date = ""
        self._pushed_policies: list[str] = []
        self._pushed_data = False
        self._server_version: str | None = None

    # --- the Engine interface ---------------------------------------------------------------------

    def version(self) -> str:
        known = f"OPA {self._server_version}" if self._server_version else "OPA (version not reported)"
        return f"{known} at {self.settings.display_url}"

    def prepare(self, policies: PolicySet, plans: list[NamespacePlan], evaluation_date: str, *,
                has_descriptor: bool = False) -> None:
        self._accept(policies, plans, evaluation_date)
        if self.settings.preloaded:
            return
        try:
            self._call("storing the policy data", lambda c: c.update_or_create_data(
                data_with_run_facts(policies, evaluation_date, has_descriptor), self.prefix))
            self._pushed_data = True
            info = f"package {self.prefix}.cxgov_engine\n\nimport rego.v1\n\nversion := opa.runtime().version\n"
            self._push([*upload_order(policies.modules_for(plans)), parse_module("<cxgov>/engine-info.rego", info)])
            self._server_version = self._read_version()
        except BaseException:
            self.cleanup()
            raise

    def evaluate(self, subjects: Sequence[Subject], progress: Progress | None = None) -> list[Evaluation]:
        if self._policies is None:
            raise EngineError("evaluate() called before prepare()")
        try:
            if not subjects:
                return []
            kinds = sorted({s.kind for s in subjects})
            if not self.settings.preloaded:
                self._push([parse_module(f"<cxgov>/collect-{k}.rego", collector_module(k, self._plans))
                            for k in kinds])
            chunks = [subjects[i : i + _CHUNK] for i in range(0, len(subjects), _CHUNK)]
            out: list[Evaluation] = []
            pool = ThreadPoolExecutor(max_workers=min(self.jobs, len(chunks)))
            try:
                for done in pool.map(self._evaluate_chunk, chunks):
                    out += done
                    if progress:
                        progress(len(done))
            finally:  # on the first error, drop the queued chunks rather than evaluate them all first
                pool.shutdown(wait=True, cancel_futures=True)
            return out
        finally:
            self.cleanup()

    def cleanup(self) -> None:
        """Remove what this run pushed; a failure here leaves only inert run-scoped documents behind."""
        if self.settings.preloaded:
            return
        leftovers = []
        for policy_id in self._pushed_policies:
            try:
                self._client().delete_policy(policy_id)
            except Exception:
                leftovers.append(policy_id)
        if self._pushed_data:
            try:
                self._client().delete_data(self.prefix)
            except Exception:
                leftovers.append(f"data.{self.prefix}")
        self._pushed_policies, self._pushed_data = [], False
        if leftovers:
            print(f"cxgov: warning: could not remove {len(leftovers)} documents of this run from "
                  f"{self.settings.display_url} (under {self.prefix}); they affect no other run", file=sys.stderr)

    # --- evaluation -------------------------------------------------------------------------------

    def _evaluate_chunk(self, subjects: Sequence[Subject]) -> list[Evaluation]:
        return [self._evaluate_one(s) for s in subjects]

    def _evaluate_one(self, subject: Subject) -> Evaluation:
        document = rego_input(subject, self._evaluation_date)
        if not self.settings.preloaded:
            by_package = grouped(self._query(f"{self.prefix}/{collector_path(subject.kind)}", document, subject))
        else:  # no collector on the server: each package's rules, read from the package document
            by_package = {}
            for plan in (p for p in self._plans if p.applies(subject.kind)):
                value = self._query(plan.package, document, subject)
                if not isinstance(value, dict):
                    raise EngineError(f"package {plan.package} is not loaded on the OPA server",
                                      where=self.settings.display_url,
                                      hint="--opa-preloaded expects the server to hold the same policies and data "
                                           "(e.g. an OPA bundle built from them); drop it to let cxgov push them")
                by_package[plan.package] = {k: v for k, v in value.items() if k in plan.rules or k == "exception"}
        return judge_subject(subject, self._plans, by_package, self._policies.rules, self._evaluation_date)

    def _query(self, path: str, document: Any, subject: Subject) -> Any:
        response = self._call(f"evaluating data.{_unprefixed(path, self.prefix)}",
                              lambda c: c.query_rule(document, path, query_params=STRICT), where=str(subject.origin))
        return response.get("result") if isinstance(response, dict) else None

    # --- pushing ----------------------------------------------------------------------------------

    def _push(self, modules: list[Module]) -> None:
        """PUT each module under the run prefix. OPA compiles on every PUT, so a module that calls a
        function of one not yet pushed is retried after the others; what still fails is reported."""
        pending = [(m.path, rewrite_under(m, self.prefix)) for m in modules]
        while pending:
            failed: list[tuple[str, str, PolicyRejected]] = []
            for path, source in pending:
                policy_id = f"{self.prefix}/{path}"
                try:
                    self._call(f"loading {path}",
                               lambda c: c.update_policy_from_string(source, policy_id, rego_compat=False), where=path)
                    self._pushed_policies.append(policy_id)
                except PolicyRejected as exc:
                    failed.append((path, source, exc))
            if len(failed) == len(pending):
                raise failed[0][2]
            pending = [(path, source) for path, source, _ in failed]

    def _read_version(self) -> str | None:
        try:
            response = self._client().query_rule({}, f"{self.prefix}.cxgov_engine", "version")
        except Exception:
            return None
        value = response.get("result") if isinstance(response, dict) else None
        return value if isinstance(value, str) else None

    # --- the client and its errors ------------------------------------------------------------------

    def _client(self):
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = make_client(self.settings)
        return client

    def _call(self, doing: str, action: Callable, where: str | None = None) -> Any:
        """Run one client call; every way it can fail becomes an EngineError saying what and where."""
        import requests
        from opa_client.errors import RegoParseError

        s = self.settings
        try:
            return action(self._client())
        except requests.exceptions.SSLError as exc:
            raise EngineError(f"TLS with the OPA server failed while {doing}: {_reason(exc)}", where=s.display_url,
                              hint="pass the CA that signed its certificate with --opa-ca-cert") from None
        except requests.exceptions.ConnectionError as exc:  # also a read timeout once retries ran out
            if _timed_out(exc):
                raise self._timeout(doing) from None
            raise EngineError(f"cannot reach the OPA server while {doing}: {_reason(exc)}", where=s.display_url,
                              hint="check --opa-url and that OPA runs (opa run --server --addr HOST:PORT)") from None
        except requests.exceptions.Timeout:
            raise self._timeout(doing) from None
        except requests.exceptions.HTTPError as exc:
            raise self._http_error(doing, exc.response, where) from None
        except RegoParseError as exc:  # the client raises it for any refused PUT, not only compile errors
            detail = "; ".join(self._describe(e) for e in exc.errors if isinstance(e, dict)) or str(exc.message)
            if exc.expression in _NOT_POLICY_ERRORS:
                raise EngineError(f"the OPA server refused this ({exc.expression}) while {doing}: {detail}",
                                  where=s.display_url, hint=_NOT_POLICY_ERRORS[exc.expression]) from None
            raise PolicyRejected(f"OPA rejected the policies while {doing}: {detail}", where=s.display_url,
                              hint="fix the policy; OPA's compiler is stricter than cxgov's lint") from None
        except requests.exceptions.JSONDecodeError:
            raise EngineError(f"the OPA server sent a response that is not JSON while {doing}", where=s.display_url,
                              hint="is --opa-url an OPA server (not a proxy's error page)?") from None
        except requests.exceptions.RequestException as exc:
            raise EngineError(f"the request to the OPA server failed while {doing}: {_reason(exc)}",
                              where=s.display_url) from None
        except (TypeError, ValueError) as exc:  # a document requests cannot encode as JSON
            raise EngineError(f"cannot send this document to the OPA server: {exc}", where=where) from None

    def _timeout(self, doing: str) -> EngineError:
        return EngineError(f"the OPA server did not answer within {self.settings.timeout:g}s while {doing}",
                           where=self.settings.display_url, hint="check the server's load, or raise --opa-timeout")

    def _http_error(self, doing: str, response, where: str | None) -> EngineError:
        status = response.status_code if response is not None else "?"
        try:
            body = response.json()
        except Exception:
            body = {}
        message = body.get("message") if isinstance(body, dict) else None
        errors = body.get("errors") if isinstance(body, dict) else None
        details = [self._describe(e) for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
        text = "; ".join(details) or _unprefixed(message or (response.reason if response is not None else ""), self.prefix)
        hints = {401: _NOT_POLICY_ERRORS["unauthorized"], 403: _NOT_POLICY_ERRORS["forbidden"],
                 404: "is --opa-url the server's root URL?"}
        hint = hints.get(status) or ("a builtin failed while evaluating (OPA runs in strict mode, as the embedded "
                                     "engine does); fix the policy or the input" if status == 500 else None)
        return EngineError(f"the OPA server answered HTTP {status} while {doing}: {text}",
                           where=where or self.settings.display_url, hint=hint)

    def _describe(self, error: dict) -> str:
        """One OPA error as `file:row:col: message`, with the run prefix taken out of names."""
        message = _unprefixed(str(error.get("message", "")), self.prefix)
        loc = error.get("location")
        if isinstance(loc, dict) and loc.get("file"):
            file = _unprefixed(str(loc["file"]), self.prefix)
            return f"{file}:{loc.get('row', '?')}:{loc.get('col', '?')}: {message}"
        return message


def make_client(settings: OpaSettings):
    """An OpaClient for the URL: opa-python-client takes host, port and API version separately, and a
    path in the URL (OPA behind a proxy at /opa) becomes part of that version segment."""
    from opa_client import OpaClient

    parts = urlsplit(settings.url)
    https = parts.scheme == "https"
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    base = parts.path.strip("/")
    cert: str | tuple[str, str] | None = settings.client_cert
    if settings.client_cert and settings.client_key:
        cert = (settings.client_cert, settings.client_key)
    client = OpaClient(host=host, port=parts.port or (443 if https else 80), version=f"{base}/v1" if base else "v1",
                       ssl=(settings.ca_cert or True) if https else False, cert=cert, token=settings.token,
                       retries=settings.retries, timeout=settings.timeout)
    if settings.ca_cert:
        _pin_ca(client._session, settings.ca_cert)
    return client


def _pin_ca(session, ca_cert: str) -> None:
    """Make an explicit --opa-ca-cert win: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE in the
    environment override a session's own `verify` (psf/requests#3829); proxies from it still apply."""
    merge = session.merge_environment_settings

    def merged(url, proxies, stream, verify, cert):
        settings = merge(url, proxies, stream, verify, cert)
        settings["verify"] = ca_cert
        return settings

    session.merge_environment_settings = merged


#: OPA error codes a refused PUT can carry that are not about the policy, and what to do about them
_NOT_POLICY_ERRORS = {
    "unauthorized": "pass a bearer token with --opa-token or CXGOV_OPA_TOKEN",
    "forbidden": "the token may not do this (check OPA's authorization policy)",
    "resource_not_found": "is --opa-url the server's root URL?",
    "internal_error": "see the OPA server's log",
}


def _causes(exc: BaseException):
    """`exc` and everything underneath it: urllib3 keeps causes in `.reason` or `args`, Python in
    `__cause__` and `__context__`."""
    seen: set[int] = set()
    stack: list = [exc]
    while stack:
        e = stack.pop()
        if isinstance(e, BaseException) and id(e) not in seen:
            seen.add(id(e))
            yield e
            stack += [getattr(e, "reason", None), e.__cause__, e.__context__, *e.args]


def _timed_out(exc: BaseException) -> bool:
    """Whether a requests ConnectionError was, underneath, a read or connect timeout."""
    import socket

    from urllib3.exceptions import NewConnectionError, TimeoutError as Urllib3Timeout

    for e in _causes(exc):
        if isinstance(e, NewConnectionError):  # refused or unresolvable (urllib3 files it under timeouts)
            return False
        if isinstance(e, (Urllib3Timeout, socket.timeout)):
            return True
    return False


def _reason(exc: BaseException) -> str:
    """The operating system's or TLS library's reason (`[Errno 111] Connection refused`), else the error."""
    for e in _causes(exc):
        if isinstance(e, OSError) and type(e).__module__.split(".")[0] not in ("requests", "urllib3"):
            return str(e)
    return str(exc)


def _unprefixed(text: str, prefix: str) -> str:
    if not prefix:
        return text
    return text.replace(f"{prefix}/", "").replace(f"{prefix}.", "").replace(prefix, "")
