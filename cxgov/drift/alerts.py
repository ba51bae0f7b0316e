"""Webhook alerts: one JSON POST per change of drift, with a timeout and retries.

The payload carries a Slack-compatible `text` line and the structured drift summary, so the same
URL works for a chat channel and for an incident tool. Which change is new is decided by the
history (History.append claims the alert); this module only builds and delivers it.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

from cxgov import __version__
from cxgov.drift.compare import Drift
from cxgov.errors import SourceError, UsageError

#: changes listed in an alert; the report has all of them
MAX_LISTED = 20
_RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


def payload(drift: Drift | None, *, run_id: int, system: str, baseline: str, report: str | None,
            fingerprint: str, previous: str | None) -> dict:
    """The alert body: a one-line `text`, then the drift summary (or, when resolved, its absence)."""
    name = system or "system"
    if drift is None or not drift.drifted:
        text = f"cxgov drift resolved: {name} matches its approved baseline again"
        return {"schema": "cxgov/drift-alert/v1", "text": text, "status": "resolved", "system": system,
                "run_id": run_id, "baseline": baseline, "report": report, "fingerprint": fingerprint,
                "previous_fingerprint": previous, "cxgov_version": __version__}
    counts = drift.counts()
    verdict = "fails the gate" if drift.fails_gate else "does not fail the gate"
    text = f"cxgov drift on {name}: {drift.summary()} ({verdict})"
    changes = [
        {"change": c.change, "rule_id": c.rule_id, "subject": c.subject, "severity": c.severity,
         "status": c.after, "location": c.location, "message": c.messages[0] if c.messages else ""}
        for c in drift.findings[:MAX_LISTED]
    ]
    return {
        "schema": "cxgov/drift-alert/v1", "text": text, "status": "drift", "system": system, "run_id": run_id,
        "baseline": baseline, "report": report, "fingerprint": fingerprint, "previous_fingerprint": previous,
        "fails_gate": drift.fails_gate, "counts": counts, "findings": changes,
        "aliases": [{"model": a.model, "alias": a.alias, "before": a.before, "after": a.after} for a in drift.aliases],
        "digests": [d.name for d in drift.digests], "cxgov_version": __version__,
    }


def post(url: str, body: dict, *, timeout: float = 10.0, retries: int = 3, backoff: float = 1.0) -> None:
    """POST `body` as JSON; retry connection failures, timeouts and 408/429/5xx answers with
    exponential backoff; raise SourceError naming the URL when every attempt failed."""
    data = json.dumps(body, sort_keys=True).encode()
    last = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": f"cxgov/{__version__}"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                return
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code} {exc.reason}"
            if exc.code not in _RETRY_STATUSES:
                break
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            last = str(getattr(exc, "reason", exc))
    raise SourceError(f"the webhook did not accept the alert: {last}", where=redacted(url),
                      hint="check --webhook; the alert is retried on the next run")


def check_url(url: str) -> str:
    """An http(s) URL, or a UsageError before any work is done."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--webhook {redacted(url)!r} is not an http(s) URL")
    return url


def redacted(url: str) -> str:
    """Scheme, host and port only: webhook paths and queries often hold a secret token."""
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname:
        return "<webhook>"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}/..."
