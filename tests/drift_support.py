"""Fixtures for drift tests: a real local webhook receiver and edits that make the example system drift."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

US_LOG_SINK = """\
  - name: debug-logs
    type: application
    provider: aws
    region: us-east-1
    data_kinds: [chat_transcript]
    retention_days: 30
    immutable: false
    redaction_enabled: false
    encryption_at_rest: true
    classification: confidential
    contains_personal_data: true
    ropa_ref: RP-CX-04
"""


#: `cxgov check` of the example's files alone: the live registry and widget are left out (their drift is
#: tested against a real mlflow server and Chromium in test_drift_live.py and test_drift_ui.py)
CHECK_FILES = ("check", "cxgov", "k8s", "terraform/plan.json", "--no-models", "--no-ui")
#: what leaving them out costs the compliant example, in every report alike: models unverified, UI not scanned
OPT_OUT_RULES = {"SOC2-CC8.1-02", "WCAG-SCAN-01"}


def failing_rules(report: Path) -> set[str]:
    return {f["rule_id"] for f in json.loads(report.read_text())["findings"] if f["gate"] == "deny" and not f["waiver"]}


def add_us_log_sink(system: Path) -> str:
    """Add a US log sink to the descriptor's log_sinks; returns the original text to restore."""
    descriptor = system / "cxgov" / "descriptor.yaml"
    original = descriptor.read_text()
    assert original.count("\nlog_sinks:\n") == 1
    descriptor.write_text(original.replace("\nlog_sinks:\n", "\nlog_sinks:\n" + US_LOG_SINK))
    return original


def skip_source(system: Path, source: str, reason: str) -> None:
    """Leave `models` or `ui` out of the system's cxgov.yaml, with the reason the bundle records."""
    config = system / "cxgov.yaml"
    text = config.read_text()
    key, skip = f"\n{source}:\n", f"  skip: {json.dumps(reason)}\n"  # a JSON string is a YAML string
    if key in text:
        text = text.replace(key, key + skip, 1)
    else:
        text = text.rstrip("\n") + key + skip
    config.write_text(text)


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that records every POSTed JSON body; `fail_next` answers 503 first."""

    def __init__(self):
        self.bodies: list[dict] = []
        self.attempts = 0
        self.fail_next = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.attempts += 1
                if receiver.fail_next > 0:
                    receiver.fail_next -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.bodies.append({"path": self.path, "content_type": self.headers["Content-Type"],
                                        **json.loads(body)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T0-secret-token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
