#!/usr/bin/env python3
"""UI scan speed: `cxgov wcag` against `@axe-core/cli` on the same 20 local pages, in one run; and the
milliseconds per state each engine (axe-core, cxgov's behavioural checks) takes.

    .venv/bin/python bench/wcag_bench.py [--pages 20] [--jobs 2] [--runs 3]

Both tools drive the same browser (the one cxgov uses by default: Debian's chromium-headless-shell
when installed, else chromium; or $CXGOV_CHROME) through the same /usr/bin/chromedriver, inject the same
axe-core file (./node_modules/axe-core/axe.min.js, installed by scripts/setup.sh) and run the same
tags. The pages are copies of the example chat widget (examples/acme-cx/ui), half broken and half
fixed, each with its own extra content, served from 127.0.0.1. Wall times are end to end, each a
fresh command as a user runs it (cxgov's includes its behavioural checks, its screenshots and
evaluating its policies), the median of --runs alternating runs: cxgov as it runs by default (a
screenshot of each state with a violation) and with `--screenshots all` (every state, as the audit
photographs them for its bundle). Prints the times, the ratios, and
whether the tools found identical axe-core violations (page, rule, element).

Then the milliseconds per state, in process (UISource's own timings): on the same pages (one state
each, as axe-cli scans them) and on the example widget's six states (the descriptor's steps, broken
and fixed), for axe-core, for the behavioural checks in each state, and per entry point for the
page load and the checks that run once its steps are done (the keyboard probes on a replay, the
320 px reflow pass). Like every bench it prints the versions, the CPU count and the load average
before each run, since figures from a busy machine are not comparable.

@axe-core/cli is not a project dependency: the bench installs it with npm into a cache directory
(~/.cache/cxgov-bench, CHROMEDRIVER_SKIP_DOWNLOAD so nothing but the npm registry is used).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "examples" / "acme-cx" / "ui"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_CLI_VERSION = "4.13.0"

sys.path.insert(0, str(ROOT))
from cxgov import __version__  # noqa: E402
from cxgov.sources.ui_browser import default_chrome, expand_tags  # noqa: E402

# the browser cxgov picks by default (the headless shell when installed), given to both tools
CHROME = os.environ.get("CXGOV_CHROME") or default_chrome()
CHROMEDRIVER = os.environ.get("CXGOV_CHROMEDRIVER", "/usr/bin/chromedriver")

TAGS = expand_tags(None)


def make_pages(root: Path, count: int) -> list[str]:
    """`count` pages under root/pN/help/, alternately the broken and the fixed widget, each different."""
    for name in ("chat-widget.js", "chat-widget.css", "agent-sam.svg"):
        shutil.copy(UI / name, root / name)
    paths = []
    for n in range(count):
        version = "broken" if n % 2 == 0 else "fixed"
        html = (UI / version / "help" / "index.html").read_text(encoding="utf-8")
        extra = "".join(f"<h2>Topic {n}.{k}</h2><p>Answer {k} for page {n}: delivery, returns and payment.</p>"
                        for k in range(n % 5 + 1))
        if n % 4 == 0:
            extra += '<p><img src="../../agent-sam.svg" width="32" height="32"></p>'  # one more violation
        html = html.replace("<h1>How can we help?</h1>", f"<h1>How can we help? ({n})</h1>{extra}")
        page = root / f"p{n:02d}" / "help"
        page.mkdir(parents=True)
        (page / "index.html").write_text(html, encoding="utf-8")
        paths.append(f"p{n:02d}/help/")
    return paths


def axe_cli() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "cxgov-bench" / f"axe-cli-{AXE_CLI_VERSION}"
    binary = cache / "node_modules" / "@axe-core" / "cli" / "dist" / "src" / "bin" / "cli.js"
    if not binary.is_file():
        print(f"installing @axe-core/cli {AXE_CLI_VERSION} into {cache} ...", file=sys.stderr)
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund", "--loglevel=error",
                        f"@axe-core/cli@{AXE_CLI_VERSION}"], check=True,
                       env={**os.environ, "CHROMEDRIVER_SKIP_DOWNLOAD": "true"})
    return binary


def timed(cmd: list[str], **kw) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} {cmd[1]} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return elapsed


def tree_cpu(cmd: list[str], **kw) -> float | None:
    """CPU seconds a command and every process it starts (chromedriver, the browser's processes) used:
    /proc sampled every 20 ms, each process's last reading kept (so up to 20 ms of each one's end is
    missed). A separate, untimed run: the sampling costs CPU of its own. None where there is no /proc."""
    if not os.path.isdir("/proc/self"):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    seen: dict[int, int] = {}
    while True:
        done = proc.poll() is not None
        children: dict[int, list[tuple[int, int]]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                children.setdefault(int(fields[1]), []).append((int(entry), int(fields[11]) + int(fields[12])))
        try:  # the command itself, while it runs
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            seen[proc.pid] = max(seen.get(proc.pid, 0), int(fields[11]) + int(fields[12]))
        except OSError:
            pass
        stack = [proc.pid]
        while stack:
            for pid, ticks in children.get(stack.pop(), []):
                seen[pid] = max(seen.get(pid, 0), ticks)
                stack.append(pid)
        if done:
            return sum(seen.values()) / tick
        time.sleep(0.02)


def violation_set(results: list[dict]) -> set[tuple[str, str, str]]:
    return {(r["url"].rstrip("/"), v["id"], " ".join(map(str, node["target"])))
            for r in results for v in r["violations"] for node in v["nodes"]}


def per_state(urls: list[str], example: str, jobs: int, artifacts: Path) -> list[str]:
    """Lines of milliseconds per state, from UISource's timings: the bench pages, then the example
    widget through the descriptor's six states (broken and fixed)."""
    import yaml

    from cxgov.sources.ui import UISource, ui_targets

    def stats(values: list[float]) -> str:
        values = sorted(values)
        return f"median {statistics.median(values):5.0f}, p90 {values[max(0, -(-9 * len(values) // 10) - 1)]:5.0f}"

    descriptor = ROOT / "examples" / "acme-cx" / "noncompliant" / "cxgov" / "descriptor.yaml"
    steps = yaml.safe_load(descriptor.read_text())["ui"]["entry_points"][0]["states"]
    lines = []
    for what, targets in (
            (f"{len(urls)} pages, one state each", ui_targets([{"name": f"p{n}", "url": u} for n, u in enumerate(urls)])),
            ("example widget, 6 states x broken and fixed",
             [t for v in ("broken", "fixed") for t in ui_targets([{"name": v, "url": f"https://{v}.example/help",
                                                                   "states": steps}], base_url=example + v)])):
        load = os.getloadavg()[0]
        source = UISource(targets, artifacts_dir=artifacts, jobs=jobs)
        started = time.perf_counter()
        list(source.subjects())
        wall = time.perf_counter() - started
        timings = list(source.timings.values())
        entry = [t for t in timings if "probe_ms" in t]
        lines += [f"{what} ({wall:.2f} s wall, {len(timings)} states, load average {load:.2f}), ms:",
                  f"  axe-core per state:                {stats([t['axe_ms'] for t in timings])}",
                  f"  behavioural checks per state:      {stats([t['behaviour_ms'] for t in timings])}",
                  f"  screenshot and files per state:    {stats([t['evidence_ms'] for t in timings])}",
                  f"  page load per entry point:         {stats([t['load_ms'] for t in entry])}",
                  f"  behavioural, after the steps, per entry point (keyboard probes, 320 px reflow): "
                  f"{stats([t['probe_ms'] for t in entry])}"]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2, help="cxgov's browsers in parallel (default 2)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool; the median is printed")
    args = parser.parse_args()
    if not AXE.is_file():
        sys.exit(f"{AXE} is missing: run ./scripts/setup.sh")
    spec = importlib.util.spec_from_file_location("serve", UI / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    cli = axe_cli()
    chromium = subprocess.run([CHROME, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"cxgov {__version__}, {chromium} ({CHROME}), Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    configs = {"cxgov wcag": [], "cxgov wcag --screenshots all": []}
    loads = []
    with tempfile.TemporaryDirectory(prefix="cxgov-wcag-bench-") as tmp:
        tmp = Path(tmp)
        site = tmp / "site"
        site.mkdir()
        server, base = serve.start(site)
        example, example_url = serve.start(UI)
        try:
            urls = [base + p for p in make_pages(site, args.pages)]
            axe_times = []

            def ours_cmd(extra: list[str]) -> list[str]:
                return [sys.executable, "-m", "cxgov", "wcag", *urls, "--axe-source", str(AXE), "--chrome", CHROME,
                        "--chromedriver", CHROMEDRIVER, "--tags", ",".join(TAGS), "--jobs", str(args.jobs),
                        "--artifacts", str(tmp / "cxgov"), "--fail-on", "never", *extra,
                        "-o", f"json={tmp / 'cxgov.json'}"]

            theirs_cmd = ["node", str(cli), *urls, "--axe-source", str(AXE), "--chromedriver-path", CHROMEDRIVER,
                          "--chrome-path", CHROME, "--chrome-options", "no-sandbox,disable-gpu,disable-dev-shm-usage",
                          "--tags", ",".join(TAGS), "--dir", str(tmp / "axe"), "--save", "axe.json", "--no-reporter"]
            for _ in range(args.runs):
                for name, times in configs.items():
                    loads.append(os.getloadavg()[0])
                    times.append(timed(ours_cmd(["--screenshots", "all"] if "all" in name else []), cwd=tmp))
                loads.append(os.getloadavg()[0])
                axe_times.append(timed(theirs_cmd, cwd=tmp))
            cpu = {"@axe-core/cli": tree_cpu(theirs_cmd, cwd=tmp), "cxgov wcag": tree_cpu(ours_cmd([]), cwd=tmp)}
            ours = [json.loads(p.read_text()) for p in sorted((tmp / "cxgov").glob("*.json"))]
            theirs = json.loads((tmp / "axe" / "axe.json").read_text())
            states = per_state(urls, example_url, args.jobs, tmp / "in-process")
        finally:
            server.shutdown()
            example.shutdown()
        same = violation_set(ours) == violation_set(theirs)
        scanned = (len(ours), len(theirs))
        count = len(violation_set(ours))
    print(f"pages: {args.pages} local chat-widget pages, axe-core {json.loads((AXE.parent / 'package.json').read_text())['version']}, "
          f"tags {','.join(TAGS)}")
    axe_time = statistics.median(axe_times)
    print(f"@axe-core/cli {AXE_CLI_VERSION} (axe-core only):          {axe_time:6.2f} s  (median of {args.runs})")
    for name, times in configs.items():
        cx_time = statistics.median(times)
        print(f"{name + f' (--jobs {args.jobs})':44s}{cx_time:6.2f} s  ratio (axe-cli / cxgov) {axe_time / cx_time:5.2f}x")
    per_page = {"@axe-core/cli": axe_time, "cxgov wcag": statistics.median(configs["cxgov wcag"])}
    print("end to end per page:       " + ", ".join(f"{k} {v / args.pages * 1000:.0f} ms" for k, v in per_page.items()))
    if None not in cpu.values():
        # with C cores a tool can be at most C x (its CPU time / the other's) faster than a tool that runs on
        # one: what bounds the ratio once the waits are overlapped
        print("CPU time, the command and every process it starts (one more, untimed run each): " + ", ".join(
            f"{k} {v:.2f} s ({v / args.pages * 1000:.0f} ms per page)" for k, v in cpu.items()) +
            f"; on {os.cpu_count()} CPUs the ratio cannot exceed about "
            f"{per_page['@axe-core/cli'] * (os.cpu_count() or 1) / cpu['cxgov wcag']:.1f}x")
    print(f"results scanned:           cxgov {scanned[0]}, axe-cli {scanned[1]}")
    print(f"axe-core violations identical: {'yes' if same else 'NO'} ({count} page/rule/element violations)")
    print(f"load average before each run: {', '.join(f'{x:.2f}' for x in loads)}")
    print(*states, sep="\n")
    print(f"target: cxgov at least 4x faster than axe-cli with identical axe-core violations; "
          f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
