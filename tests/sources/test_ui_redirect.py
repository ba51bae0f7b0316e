"""UI navigation is honest: a page that redirects or navigates to another origin is not scanned as
the page declared. Two local servers on two ports are two origins; the scans run in real headless
Chromium with the real axe-core.

A redirect (HTTP, meta refresh, script) to the other origin is exit 2 naming both URLs; the same
redirect passes when the entry point lists the origin in `allowed_origins`; a same-origin redirect
is followed and recorded with the scan (its final URL and the chain).
"""

from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from conftest import run_cxgov

from cxgov.errors import InputError, SourceError
from cxgov.sources.ui import UISource
from cxgov.sources.ui_steps import ui_targets

PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Help</title>{head}</head>'
        '<body><main><h1>Help</h1><p>How can we help?</p></main></body></html>')


class _Handler(BaseHTTPRequestHandler):
    """/cross: 302 to the other server; /same: 301 to /page here; /meta and /script: a page that
    goes to the other server by itself; anything else: an accessible page."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def do_GET(self):  # noqa: N802 - the base class's name
        other = self.server.other
        redirects = {"/cross": other + "/page", "/same": "/page", "/twice": "/same"}
        if self.path in redirects:
            self.send_response(302 if self.path == "/cross" else 301)
            self.send_header("Location", redirects[self.path])
            self.end_headers()
            return
        head = {"/meta": f'<meta http-equiv="refresh" content="0;url={other}/page">',
                "/script": f'<script>location.replace("{other}/page")</script>'}.get(self.path, "")
        body = PAGE.format(head=head).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def _two_origins():
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Handler) for _ in range(2)]
    origins = [f"http://127.0.0.1:{s.server_address[1]}" for s in servers]
    servers[0].other, servers[1].other = origins[1], origins[0]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield origins
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def origins():
    with _two_origins() as pair:
        yield pair


@pytest.mark.parametrize("path,how", [("/cross", "redirected to another origin (HTTP 302)"),
                                      ("/meta", "the page navigated to another origin"),
                                      ("/script", "the page navigated to another origin")])
def test_a_redirect_to_another_origin_is_exit_2_naming_both_urls(origins, path, how, tmp_path):
    home, other = origins
    run = run_cxgov("wcag", home + path, "-o", "json", cwd=tmp_path, timeout=180)
    assert run.code == 2, run.stderr
    assert f"{how}: {home}{path} -> {other}/page" in run.stderr
    assert "allowed_origins" in run.stderr
    assert run.stdout == ""  # no verdict is written for a page that was not the one declared


def test_an_allowed_origin_is_followed_and_the_scan_passes(origins, tmp_path):
    home, other = origins
    states = tmp_path / "states.yaml"
    states.write_text(yaml.safe_dump({"entry_points": [
        {"name": "help", "url": home + "/cross", "allowed_origins": [other]},
        {"name": "refresh", "url": home + "/meta", "allowed_origins": [other + "/"]},
    ]}))
    run = run_cxgov("wcag", "--states", str(states), "-o", "text", cwd=tmp_path, timeout=180)
    assert run.code == 0, run.stdout + run.stderr
    assert "PASS" in run.stdout and "2 subjects" in run.stdout


def test_another_allowed_origin_does_not_allow_this_one(origins, tmp_path):
    home, other = origins
    states = tmp_path / "states.yaml"
    states.write_text(yaml.safe_dump({"entry_points": [
        {"name": "help", "url": home + "/cross", "allowed_origins": ["https://login.example.eu"]}]}))
    run = run_cxgov("wcag", "--states", str(states), cwd=tmp_path, timeout=180)
    assert run.code == 2
    assert f"{home}/cross -> {other}/page" in run.stderr


@pytest.mark.parametrize("value", [["https://login.example.eu/path"], ["ftp://login.example.eu"],
                                   ["https://user@login.example.eu"], "https://login.example.eu", [7]])
def test_allowed_origins_are_validated(tmp_path, value):
    states = tmp_path / "states.yaml"
    states.write_text(yaml.safe_dump({"entry_points": [
        {"name": "help", "url": "https://www.acme-shop.eu/help", "allowed_origins": value}]}))
    run = run_cxgov("wcag", "--states", str(states), cwd=tmp_path)
    assert run.code == 2
    assert "states.yaml[0].allowed_origins" in run.stderr
    with pytest.raises(InputError):
        ui_targets([{"url": "https://www.acme-shop.eu/help", "allowed_origins": value}])


def test_same_origin_redirects_are_followed_and_recorded_with_the_scan(origins, tmp_path):
    home, other = origins
    targets = ui_targets([{"name": "help", "url": home + "/twice",
                           "states": [{"scan": "first"}, {"goto": "/cross"}, {"scan": "elsewhere"}],
                           "allowed_origins": [other]}])
    first, elsewhere = UISource(targets, artifacts_dir=tmp_path, jobs=1).subjects()
    assert first.id == f"{home}/twice#first"
    assert first.document["scanned_url"] == f"{home}/page"
    assert first.document["redirects"] == [{"from": f"{home}/twice", "to": f"{home}/same", "by": "HTTP 301"},
                                           {"from": f"{home}/same", "to": f"{home}/page", "by": "HTTP 301"}]
    assert elsewhere.document["scanned_url"] == f"{other}/page"
    assert elsewhere.document["redirects"][2:] == [{"from": f"{home}/cross", "to": f"{other}/page",
                                                    "by": "HTTP 302"}]


def test_redirects_are_recorded_in_declared_urls_when_scanned_on_another_base_url(origins, tmp_path):
    home, _ = origins
    targets = ui_targets([{"name": "help", "url": "https://www.acme-shop.eu/same"}], base_url=home)
    (scan,) = UISource(targets, artifacts_dir=tmp_path, jobs=1).subjects()
    assert scan.document["url"] == "https://www.acme-shop.eu/same"
    assert scan.document["redirects"] == [{"from": "https://www.acme-shop.eu/same",
                                           "to": "https://www.acme-shop.eu/page", "by": "HTTP 301"}]


def test_a_cross_origin_redirect_is_refused_by_the_source_itself(origins, tmp_path):
    home, other = origins
    targets = ui_targets([{"name": "help", "url": home + "/same", "states": [{"goto": "/script"}]}])
    with pytest.raises(SourceError, match=f"navigated to another origin: {home}/script -> {other}/page"):
        list(UISource(targets, artifacts_dir=tmp_path, jobs=1).subjects())
