#!/usr/bin/env python3
"""Throw what an attacker or an accident brings at cxgov, through the real CLI, and count what held.

    .venv/bin/python bench/trust_probe.py [--keep DIR]

Seven categories, each a set of real runs in a scratch directory; a case holds when cxgov fails
closed (exit 2 with one `cxgov: error:` line, no traceback) or, for secrets and injection, when
nothing it wrote carries the payload:

- bad input: malformed, binary, deep, bombed and escaping inputs to `check` and `audit`;
- tamper: every file of a real signed bundle flipped, removed or joined by another, an empty
  directory, and the bundle re-signed by another key or stripped, through verify, show and replay;
- secrets: each secret of tests/redaction_corpus.py, echoed by a user rule, in every -o format, the
  step summary and the bundle's findings, inputs and report;
- faults: an MLflow registry that refuses, errs, hangs or answers garbage, a UI page that is not
  there, errs, or redirects to another origin;
- concurrency: parallel checks and parallel drift runs on one state file;
- archives: bundle archives with `..` and absolute paths, links, devices, duplicates, garbage, truncation;
- injection: links, HTML and terminal controls in messages, through Markdown, the step summary,
  the terminal formats and the report.

Prints one table, "tried N, held M" per category, and the cases that did not hold.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from redaction_corpus import SHAPES  # noqa: E402 - the corpus the tests use

DATE = "2025-06-02"
POLICY = """\
package main

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Deployment %s must set runAsNonRoot", [input.metadata.name])
}

deny contains msg if {
	some i, value in object.get(input, "echo", [])
	msg := sprintf("value %d: %s", [i, value])
}
"""
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Tally:
    def __init__(self):
        self.rows: dict[str, list[int]] = {}
        self.misses: list[str] = []

    def case(self, category: str, name: str, held: bool) -> None:
        row = self.rows.setdefault(category, [0, 0])
        row[0] += 1
        row[1] += bool(held)
        if not held:
            self.misses.append(f"{category}: {name}")


def cxgov(*args, cwd, env=None, timeout=300):
    full = {**os.environ, "NO_COLOR": "1", **(env or {})}
    if not env or "GITHUB_STEP_SUMMARY" not in env:
        full.pop("GITHUB_STEP_SUMMARY", None)
    proc = subprocess.run([sys.executable, "-m", "cxgov", *map(str, args)], cwd=cwd, capture_output=True,
                          env=full, timeout=timeout)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def failed_closed(result) -> bool:
    code, _, err = result
    return code == 2 and "Traceback" not in err and any(line.startswith("cxgov: error:") for line in err.splitlines())


def refused(result) -> bool:
    """A bundle reader said no: 1 (verify: a difference, each named) or 2 (unreadable, untrusted)."""
    code, out, err = result
    return code in (1, 2) and "Traceback" not in err and any(word in out + err for word in (
        "FAILED", "UNTRUSTED", "UNSIGNED", "error:"))


def deployment(name: str, non_root: bool, **extra) -> dict:
    spec = {"containers": [{"name": "app", "image": f"registry.example/{name}:1"}]}
    if non_root:
        spec["securityContext"] = {"runAsNonRoot": True}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"template": {"spec": spec}}, **extra}


def project(base: Path, name: str, docs: list[dict]) -> Path:
    root = base / name
    (root / "policy").mkdir(parents=True)
    (root / "policy" / "main.rego").write_text(POLICY)
    (root / "k8s").mkdir()
    for n, doc in enumerate(docs):
        (root / "k8s" / f"app{n}.json").write_text(json.dumps(doc))
    (root / "cxgov.yaml").write_text(f"system: {name}\nmanifests: [k8s]\npolicies: {{builtin: false, paths: [policy]}}\n"
                                     "models: {skip: not probed}\nui: {skip: not probed}\n")
    return root


# -- bad input ---------------------------------------------------------------------------------------

def bad_input(base: Path, tally: Tally) -> None:
    root = base / "bad"
    root.mkdir()
    (root / "policy").mkdir()
    (root / "policy" / "main.rego").write_text(POLICY)
    files = {
        "invalid.yaml": b"kind: Deployment\nmetadata: {name: [unclosed\n",
        "invalid.json": b'{"kind": "Deployment", ',
        "binary.yaml": bytes(range(256)) * 4,
        "latin1.yaml": "kind: D\xe9ploiement\n".encode("latin-1"),
        "nul.yaml": b"kind: Deployment\x00\nmetadata: {}\n",
        "deep.json": b"[" * 200000 + b"]" * 200000,
        "bomb.yaml": b"a: &a [x,x,x,x,x,x,x,x,x]\n" + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
            f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n".encode() for i in range(9)),
        "dupkeys.yaml": b"kind: Deployment\nkind: Service\n",
        "nan.json": b'{"kind": "Deployment", "replicas": NaN}',
        "broken.tf": b'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n',
        "plan.json": b'{"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": "nope"}',
        "tabs.yaml": b"kind: Deployment\n\tmetadata: {}\n",
        "oversized.yaml": b"kind: " + b"x" * (20 << 20) + b"\n",
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
        tally.case("bad input", name, failed_closed(cxgov("check", "-p", "policy", "--no-builtin", name, cwd=root)))
        (root / name).unlink()
    tally.case("bad input", "missing file", failed_closed(cxgov("check", "nope.yaml", cwd=root)))
    (root / "empty").mkdir()
    tally.case("bad input", "empty directory", failed_closed(cxgov("check", "-p", "policy", "empty", cwd=root)))
    (root / "dangling.yaml").symlink_to(root / "gone.yaml")
    tally.case("bad input", "dangling symlink", failed_closed(cxgov("check", "-p", "policy", "dangling.yaml", cwd=root)))
    (root / "dangling.yaml").unlink()
    for n, config in enumerate(('system: "../../../elsewhere/ESCAPED"\nmanifests: [k8s]\n',
                                "system: ok\nmanifests: [/etc]\n",
                                'system: "a\\u0000b"\nmanifests: [k8s]\n',
                                "system: ok\nunknown_key: 1\nmanifests: [k8s]\n")):
        audit = project(base, f"audit{n}", [deployment("api", True)])
        (audit / "cxgov.yaml").write_text(config)
        result = cxgov("audit", "--evaluation-date", DATE, "--unsigned", cwd=audit)
        escaped = any((parent / "elsewhere").exists() for parent in audit.parents)
        tally.case("bad input", f"cxgov.yaml {config.splitlines()[0]!r}", failed_closed(result) and not escaped)


# -- tamper --------------------------------------------------------------------------------------------

def signed_bundle(base: Path):
    root = project(base, "genuine", [deployment("api", False), deployment("ok", True)])
    cxgov("evidence", "keygen", "--out", root / "team.key", cwd=root)
    code, _, err = cxgov("audit", "--evaluation-date", DATE, "--out", root / "bundle", "--key", root / "team.key",
                         cwd=root)
    if code != 1:
        raise SystemExit(f"could not make the genuine bundle: {err}")
    cxgov("evidence", "keygen", "--out", root / "attacker.key", cwd=root)
    return root, root / "bundle", root / "team.key.pub"


def rehash(bundle: Path, key: Path | None) -> None:
    """Re-hash the manifest and re-sign with `key` (the attacker's), or strip the signature."""
    from test_trusted_keys import rehash as resign  # the tests' own forger

    if key is None:
        resign(bundle, strip=True)
    else:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        resign(bundle, key=load_pem_private_key(key.read_bytes(), None))  # cxgov keygen's PEM


def tamper(base: Path, tally: Tally, genuine) -> None:
    root, bundle, pub = genuine
    work = base / "tamper"
    members = sorted(p.relative_to(bundle) for p in bundle.rglob("*") if p.is_file())

    def verify(copy: Path, *extra) -> bool:
        return refused(cxgov("evidence", "verify", copy, *extra, cwd=root))

    def fresh() -> Path:
        if work.exists():
            shutil.rmtree(work)
        shutil.copytree(bundle, work)
        return work

    ok = cxgov("evidence", "verify", fresh(), "--public-key", pub, cwd=root)
    tally.case("tamper", "the genuine bundle verifies with its key", ok[0] == 0)
    for member in members:
        copy = fresh()
        data = bytearray((copy / member).read_bytes())
        data[len(data) // 2] ^= 0x01
        (copy / member).write_bytes(bytes(data))
        tally.case("tamper", f"byte flipped in {member}", verify(copy, "--public-key", pub))
    for member in members[:: max(1, len(members) // 6)]:
        copy = fresh()
        (copy / member).unlink()
        tally.case("tamper", f"{member} removed", verify(copy, "--public-key", pub))
    copy = fresh()
    (copy / "inputs" / "extra.json").write_text("{}")
    tally.case("tamper", "an extra member", verify(copy, "--public-key", pub))
    copy = fresh()
    (copy / "empty-dir").mkdir()
    tally.case("tamper", "an empty directory", verify(copy, "--public-key", pub))
    for how, key in (("re-signed by another key", root / "attacker.key"), ("signature stripped", None)):
        copy = fresh()
        findings = json.loads((copy / "findings.json").read_text())
        (copy / "findings.json").write_text(json.dumps({**findings, "findings": []} if isinstance(findings, dict)
                                                       else [], indent=2))
        rehash(copy, key)
        for reader in (["evidence", "verify"], ["evidence", "show"], ["evidence", "replay"]):
            for trust in ([], ["--public-key", pub]):
                tally.case("tamper", f"{how}: {' '.join(reader)} {'with' if trust else 'without'} the key",
                           refused(cxgov(*reader, copy, *trust, cwd=root)))


# -- secrets -------------------------------------------------------------------------------------------

def secrets(base: Path, tally: Tally) -> None:
    values = [text for _, _, text in SHAPES]
    root = project(base, "secrets", [deployment("api", True, echo=values)])
    summary = root / "summary.md"
    outputs = ["text=out.txt", "json=out.json", "sarif=out.sarif", "junit=out.xml", "markdown=out.md", "tap=out.tap",
               "table=out.table", "conftest-json=out.cj.json", "github"]
    args = [a for o in outputs for a in ("-o", o)]
    code, stdout, stderr = cxgov("check", "-p", "policy", "--no-builtin", "k8s", *args, cwd=root,
                                 env={"GITHUB_STEP_SUMMARY": str(summary)})
    written = {o.partition("=")[2]: (root / o.partition("=")[2]).read_text() for o in outputs if "=" in o}
    written.update({"github (stdout)": stdout, "stderr": stderr, "step summary": summary.read_text()})
    code_audit, _, _ = cxgov("audit", "--evaluation-date", DATE, "--unsigned", "--out", root / "bundle", cwd=root)
    bundle = root / "bundle"
    for name in ("findings.json", "report.html"):
        written[f"bundle {name}"] = (bundle / name).read_text() if (bundle / name).exists() else ""
    written["bundle inputs"] = "".join(p.read_text() for p in (bundle / "inputs").rglob("*.json")) \
        if (bundle / "inputs").exists() else ""
    for what, secret, _ in SHAPES:
        for output, text in written.items():
            present = bool(text) or output in ("stderr",)
            tally.case("secrets", f"{what} in {output}", present and secret not in text and code == 1 and code_audit == 1)


# -- faults --------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(behaviour: str):
    """A local HTTP server: `500` errs, `hang` never answers, `garbage` answers non-JSON, `redirect`
    sends every page to another origin."""
    other = f"http://localhost:{free_port()}"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            if behaviour == "hang":
                time.sleep(30)
                return
            if behaviour == "redirect":
                self.send_response(302)
                self.send_header("Location", other + "/")
                self.end_headers()
                return
            body = b"<html>oops" if behaviour == "garbage" else b"internal error"
            self.send_response(200 if behaviour == "garbage" else 500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def faults(base: Path, tally: Tally) -> None:
    root = base / "faults"
    root.mkdir()
    models = ["models", "check", "models:/assistant/1", "--timeout", "2", "--retries", "1"]
    tally.case("faults", "registry refuses", failed_closed(cxgov(*models, "--tracking-uri",
                                                                 f"http://127.0.0.1:{free_port()}", cwd=root)))
    for behaviour in ("500", "hang", "garbage"):
        with server(behaviour) as url:
            tally.case("faults", f"registry {behaviour}", failed_closed(cxgov(*models, "--tracking-uri", url, cwd=root)))
    tally.case("faults", "UI page not there", failed_closed(cxgov("wcag", f"http://127.0.0.1:{free_port()}/", cwd=root)))
    for behaviour in ("500", "redirect"):
        with server(behaviour) as url:
            tally.case("faults", f"UI page {behaviour}", failed_closed(cxgov("wcag", url + "/help", cwd=root)))
    with server("hang") as url:
        tally.case("faults", "UI page hangs", failed_closed(cxgov("wcag", url + "/", "--page-timeout", "3", cwd=root)))


# -- concurrency ---------------------------------------------------------------------------------------

def concurrency(base: Path, tally: Tally, genuine) -> None:
    root, bundle, pub = genuine
    work = base / "concurrency"
    work.mkdir()
    runs = 6

    def check(n: int):
        return cxgov("check", "-p", "policy", "--no-builtin", "k8s", "-j", "1", "-o", f"json={work}/r{n}.json",
                     cwd=root)

    with concurrent.futures.ThreadPoolExecutor(runs) as pool:
        results = list(pool.map(check, range(runs)))
    reference = None
    for n, (code, _, _) in enumerate(results):
        body = json.loads((work / f"r{n}.json").read_text()) if (work / f"r{n}.json").exists() else None
        findings = body and json.dumps(body["findings"], sort_keys=True)
        reference = reference or findings
        tally.case("concurrency", f"parallel check {n}", code == 1 and findings == reference)
    state = work / "drift.db"

    def drift(n: int):
        return cxgov("drift", "check", "--baseline", bundle, "--current", bundle, "--public-key", pub, "--state", state,
                     "-o", "json", cwd=root)

    with concurrent.futures.ThreadPoolExecutor(runs) as pool:
        results = list(pool.map(drift, range(runs)))
    for n, (code, _, err) in enumerate(results):
        tally.case("concurrency", f"parallel drift run {n}", code == 0 and "Traceback" not in err)
    code, out, _ = cxgov("drift", "history", "--state", state, "-o", "json", cwd=root)
    history = json.loads(out) if code == 0 else {}
    recorded = len(history.get("runs", history) if isinstance(history, dict) else history)
    tally.case("concurrency", f"all {runs} drift runs recorded ({recorded})", recorded == runs)


# -- archives ------------------------------------------------------------------------------------------

def archives(base: Path, tally: Tally, genuine) -> None:
    root, bundle, _ = genuine
    work = base / "archives"
    work.mkdir()
    genuine_archive = bundle.with_name("bundle.tar.gz").read_bytes()

    def build(name: str, extra) -> Path:
        path = work / f"{name}.tar.gz"
        with tarfile.open(fileobj=io.BytesIO(genuine_archive), mode="r:gz") as src, \
                tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as out:
            for member in src.getmembers():
                out.addfile(member, src.extractfile(member) if member.isfile() else None)
            extra(out, src.getmembers()[0].name.split("/")[0])
        return path

    def add(name, kind=tarfile.REGTYPE, data=b"x", link=""):
        def extra(out, top):
            info = tarfile.TarInfo(name.format(top=top))
            info.type, info.linkname, info.size = kind, link, len(data) if kind == tarfile.REGTYPE else 0
            out.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
        return extra

    cases = {
        "dotdot": add("{top}/../../ESCAPED-dotdot"),
        "absolute": add("/tmp/ESCAPED-absolute-" + str(os.getpid())),
        "symlink": add("{top}/inputs/link", tarfile.SYMTYPE, link="/etc/passwd"),
        "hardlink": add("{top}/inputs/hard", tarfile.LNKTYPE, link="/etc/passwd"),
        "device": add("{top}/inputs/dev", tarfile.CHRTYPE),
        "fifo": add("{top}/inputs/fifo", tarfile.FIFOTYPE),
        "duplicate": add("{top}/findings.json", data=b"[]"),
        "second root": add("other-root/file.json", data=b"{}"),
        "empty directory": add("{top}/empty", tarfile.DIRTYPE),
        "extra member": add("{top}/inputs/extra.json", data=b"{}"),
    }
    for name, extra in cases.items():
        path = build(name.replace(" ", "-"), extra)
        held = refused(cxgov("evidence", "verify", path, "--allow-untrusted", cwd=work))
        escaped = list(work.parent.parent.glob("ESCAPED-*")) + list(Path("/tmp").glob(f"ESCAPED-absolute-{os.getpid()}"))
        tally.case("archives", name, held and not escaped)
    for name, data in (("garbage", os.urandom(4096)), ("truncated", genuine_archive[: len(genuine_archive) // 2]),
                       ("empty", b"")):
        path = work / f"{name}.tar.gz"
        path.write_bytes(data)
        tally.case("archives", name, failed_closed(cxgov("evidence", "verify", path, "--allow-untrusted", cwd=work)))


# -- injection -----------------------------------------------------------------------------------------

LINKS = ["[click](javascript:alert(1))", "![x](data:text/html;base64,PHNjcmlwdD4=)", "<a href='vbscript:x'>a</a>",
         "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "[r]: javascript:alert(2)"]
CONTROLS = ["\x1b[31mred\x1b[0m", "\x1b[2J", "\x1b]0;title\x07", "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
            "line\roverwritten", "\x9b2J"]


def injection(base: Path, tally: Tally) -> None:
    from markdown_it import MarkdownIt

    root = project(base, "inject", [deployment("api", True, echo=LINKS + CONTROLS)])
    summary = root / "summary.md"
    code, stdout, _ = cxgov("check", "-p", "policy", "--no-builtin", "k8s", "-o", "markdown=out.md", "-o", "github",
                            "-o", "text=out.txt", "-o", "table=out.table", "-o", "tap=out.tap", cwd=root,
                            env={"GITHUB_STEP_SUMMARY": str(summary)})
    md = MarkdownIt("commonmark")
    md.validateLink = lambda url: True

    def active(markdown: str) -> list[str]:
        stack, found = md.parse(markdown), []
        while stack:
            token = stack.pop()
            stack.extend(token.children or [])
            if token.type in ("link_open", "image") or (token.type.startswith("html") and token.content != "<br>"):
                found.append(token.type)
        return found

    for name, text in (("markdown", (root / "out.md").read_text()), ("step summary", summary.read_text())):
        for payload in LINKS:
            line = next((ln for ln in text.splitlines() if f"value {LINKS.index(payload)}:" in ln), "")
            tally.case("injection", f"{name}: {payload}", code == 1 and bool(line) and not active(line))
    terminal = {"text": (root / "out.txt").read_text(), "table": (root / "out.table").read_text(),
                "tap": (root / "out.tap").read_text(), "github annotations": stdout}
    for name, text in terminal.items():
        for n, payload in enumerate(CONTROLS, start=len(LINKS)):
            lines = [ln for ln in text.splitlines() if f"value {n}:" in ln]
            tally.case("injection", f"{name}: control {payload!r}",
                       code == 1 and (bool(lines) or name == "github annotations") and not any(CONTROL.search(ln)
                                                                                              for ln in lines))
    code, _, _ = cxgov("audit", "--evaluation-date", DATE, "--unsigned", "--out", root / "bundle", cwd=root)
    report = (root / "bundle" / "report.html").read_text() if (root / "bundle" / "report.html").exists() else ""
    for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "href='vbscript:x'"):
        tally.case("injection", f"report.html: {payload}", code == 1 and bool(report) and payload not in report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Leave the scratch directory here.")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="cxgov-probe-")) / "work"
    base.mkdir()
    tally = Tally()
    started = time.monotonic()
    try:
        genuine = signed_bundle(base)
        for step in (lambda: bad_input(base, tally), lambda: tamper(base, tally, genuine),
                     lambda: secrets(base, tally), lambda: faults(base, tally),
                     lambda: concurrency(base, tally, genuine), lambda: archives(base, tally, genuine),
                     lambda: injection(base, tally)):
            step()
    finally:
        if args.keep:
            shutil.copytree(base, args.keep, dirs_exist_ok=True)
        shutil.rmtree(base.parent, ignore_errors=True)
    print("| category | tried | held |\n|---|---|---|")
    for category in ("bad input", "tamper", "secrets", "faults", "concurrency", "archives", "injection"):
        tried, held = tally.rows.get(category, [0, 0])
        print(f"| {category} | {tried} | {held} |")
    print(f"\n{time.monotonic() - started:.0f} s")
    for miss in tally.misses:
        print(f"did not hold: {miss}")


if __name__ == "__main__":
    main()
