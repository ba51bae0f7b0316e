"""Running the behavioural checks beside one entry point's steps.

The UI source calls `before_step` / `after_step` around every step it performs, `at_scan` at every
`scan:` (after axe-core), and `finish` once the steps are done. Around a click or key press the page
script notes what opened or closed; from the first step that acts on the page it records what appears
in the widget (leaving out what a step that opens a panel shows: the panel itself); each scan
drains those records and runs the per-state checks; `finish` runs the keyboard probes on a fresh
replay of the steps up to the first opening, lets every check judge the whole entry point, and
writes each scan's `behaviour` section:

    {"engine": {name, version}, "checks": {name: {status, criteria, note}},
     "violations": [axe-core-shaped results], "incomplete": [...]}

Nothing in a section depends on timing, so an unchanged page gives the same section on every run
(drift compares them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cxgov.sources.ui_checks import CHECKS, ENGINE, keyboard
from cxgov.sources.ui_checks.interface import INCOMPLETE, Check, Node, Outcome, PageError, target_text

_CALL = """
var cx = window.__cxgov;
if (!cx) { return {__cxgov_missing: true}; }
return cx[arguments[0]].apply(null, arguments[1]);
"""


class Page:
    """Calls into the page library (injecting it into a document it did not reach) and key presses."""

    def __init__(self, browser, library: str):
        self.browser, self.driver, self.library = browser, browser.driver, library

    def call(self, name: str, *args: Any) -> Any:
        out = self.driver.execute_script(_CALL, name, list(args))
        if isinstance(out, dict) and out.get("__cxgov_missing"):
            self.driver.execute_script(self.library)
            out = self.driver.execute_script(_CALL, name, list(args))
        return out

    def cdp(self, command: str, params: dict) -> Any:
        return self.driver.execute_cdp_cmd(command, params)

    def click(self, element) -> None:
        element.click()


@dataclass
class ScanContext:
    """What a per-state check sees: the page as scanned, and what the steps did since the last scan."""

    page: Page
    index: int
    state: str
    viewport: tuple[int, int]
    selectors: list[str]  # every selector the entry point's steps use: where the widget is
    events: list[dict]  # what appeared since the previous scan (page_script's records)
    typed: list[str]  # the messages typed so far
    armed: bool  # a message was sent on this document
    memory: dict  # per check, kept across the entry point's scans
    axe_violations: list[dict]
    narrowed: bool = False  # the viewport was narrowed for this check after the steps
    answers: dict = field(default_factory=dict)  # check name -> what its query() returned

    def ask(self, checks: tuple[Check, ...], *, drain: bool = False) -> None:
        """Every check's page function (and the records of what appeared) in one driver call."""
        calls = [["", "drain", []]] if drain else []
        for check in checks:
            query = check.query(self)
            if query:
                calls.append([check.name, query[0], query[1]])
        if calls:
            self.answers = self.page.call("many", calls)
        if drain:
            self.events = self.answers.pop("", [])

    def answer(self, name: str):
        out = self.answers.get(name)
        if isinstance(out, dict) and "__error" in out:
            raise PageError(out["__error"])
        return out

    def axe_targets(self, rule_id: str) -> list[str]:
        return [n["target"][0] for v in self.axe_violations if v.get("id") == rule_id
                for n in v.get("nodes") or [] if len(n.get("target") or []) == 1 and isinstance(n["target"][0], str)]


@dataclass
class EntryContext:
    """What the end-of-entry-point checks see: the openings and closings, and the keyboard probes."""

    opens: list[dict]
    closes: list[dict]
    probe: dict
    probed: dict | None  # the opening the probes replayed, with its scan
    memory: dict

    @property
    def escape_closes(self) -> bool:
        return bool(self.probed and (self.probe.get("escape") or {}).get("closed"))


@dataclass
class ScanRecord:
    index: int
    state: str
    viewport: tuple[int, int]
    section: dict  # the subject document's `behaviour`, filled in by finish()
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    ms: float = 0.0  # time the per-state checks took (not in the document: it varies between runs)


class BehaviourSession:
    """The behavioural checks for one entry point (see the module docstring)."""

    def __init__(self, page: Page, *, selectors: list[str], tags: list[str], timeout: float,
                 replay: Callable[[int], None], perform: Callable[[int], None],
                 set_viewport: Callable[[tuple[int, int]], None], checks: tuple[Check, ...] = CHECKS):
        """`replay(n)`: load the entry point afresh and run the steps before step n; `perform(n)`: run
        step n and the waits after it."""
        self.page, self.selectors, self.timeout, self.checks = page, selectors, timeout, checks
        self.tags, self.replay, self.perform, self.set_viewport = set(tags), replay, perform, set_viewport
        self.typed: list[str] = []
        self.armed = False  # the page script records what appears, on the current document
        self.events: list[dict] = []  # what appeared, drained before a click or key press
        self.pending: tuple[int, Any] | None = None
        self.scans: list[ScanRecord] = []
        self.opens: list[dict] = []
        self.closes: list[dict] = []
        self.memory: dict = {}
        self.probe_ms = 0.0

    # -- around the steps ------------------------------------------------------------------------

    def before_step(self, n: int, step) -> None:
        if step.action == "wait_for":
            return
        self._settle()
        if step.action == "goto":
            self.armed = False
        if step.action in ("type", "press", "click") and not self.armed:
            self.page.call("arm", self.selectors)
            self.armed = True
        if step.action == "type":
            self.typed.append(step.text)
        if step.action in ("click", "press"):
            # what appeared before the step stays to be judged; what its opening shows is a panel, not a status
            self.events += self.page.call("drain")
            self.page.call("before")
            self.pending = (n, step)

    def _settle(self) -> None:
        """Judge what the last click or key press opened or closed, once its waits are done."""
        if self.pending is None:
            return
        n, step = self.pending
        self.pending = None
        self._animations_end()
        event = self.page.call("after", step.selector, False)
        if step.action == "click":
            action = f"the click on {step.selector}"
        else:
            action = f"pressing {step.key}" + (f" in {step.selector}" if step.selector else "")
        if event.get("event") == "open":
            self.page.call("drain")  # the panel appearing
            if not event["inside"]:  # a widget may move focus once its opening animation ends
                event.update(self._focus_settles(event["index"], "inPanel"))
            self.opens.append({**event, "step": n, "action": action, "selector": step.selector, "scan": None})
        elif event.get("event") == "close":
            if not event["returned"] and event["shown"]:
                settled = self._focus_settles(event["index"], "onLauncher")
                event.update({"returned": True, "focus": settled["focus"]} if settled else {})
            self.closes.append({**event, "step": n, "action": action, "scan": None})

    def _animations_end(self) -> None:
        """Let a panel that slides or fades in arrive (at most keyboard.SETTLE_S)."""
        deadline = time.monotonic() + keyboard.SETTLE_S
        while self.page.call("animating") and time.monotonic() < deadline:
            time.sleep(0.05)

    def _focus_settles(self, index: int, where: str) -> dict:
        """Follow focus for up to keyboard.SETTLE_S until it is `where` ("inPanel", "onLauncher")."""
        deadline = time.monotonic() + keyboard.SETTLE_S
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.page.call("where", index)
            if now[where]:
                return {"inside": True, "focus": now["target"]}
        return {}

    def at_scan(self, index: int, state: str, viewport: tuple[int, int], axe_violations: list[dict]) -> ScanRecord:
        """Run the per-state checks; the returned record's `section` is the document's `behaviour`."""
        self._settle()
        started = time.perf_counter()
        for event in (*self.opens, *self.closes):
            if event["scan"] is None:
                event["scan"] = index
        record = ScanRecord(index, state, viewport, {})
        context = ScanContext(self.page, index, state, viewport, self.selectors, [], list(self.typed), self.armed,
                              self.memory, axe_violations)
        context.ask(tuple(c for c in self.checks if c.per_scan), drain=self.armed)
        context.events, self.events = self.events + context.events, []
        for check in self.checks:
            if check.per_scan:
                outcome = _guarded(check, lambda c=check: c.at_scan(context))
                if outcome is not None:
                    record.outcomes[check.name] = outcome
        record.ms = (time.perf_counter() - started) * 1000
        self.scans.append(record)
        return record

    def targets(self, record: ScanRecord) -> list[str]:
        """The plain selectors of a scan's failing nodes so far (for the disclosure probe)."""
        return sorted({n.target for o in record.outcomes.values() for nodes in o.violations.values()
                       for n in nodes if isinstance(n.target, str)})

    # -- after the steps -------------------------------------------------------------------------

    def finish(self, viewport: tuple[int, int]) -> None:
        """Probes, end-of-entry-point checks, and every scan's `behaviour` section."""
        self._settle()
        if not self.scans:
            return
        started = time.perf_counter()
        self._narrow(viewport)
        probed, probe = self._probe()
        entry = EntryContext(self.opens, self.closes, probe, probed, self.memory)
        for check in self.checks:
            for index, outcome in (_guarded(check, lambda c=check: c.at_end(entry)) or {}).items():
                scan = next((s for s in self.scans if s.index == index), None)
                if scan is not None:
                    scan.outcomes[check.name] = outcome
        self.probe_ms = (time.perf_counter() - started) * 1000
        for scan in self.scans:
            scan.section.clear()
            scan.section.update(self._section(scan))

    def _narrow(self, viewport: tuple[int, int]) -> None:
        """Checks that judge a narrow screen run once at their width when no state was that narrow."""
        last = self.scans[-1]
        for check in self.checks:
            width = getattr(check, "narrow", None)
            if not width or any(s.viewport[0] <= width for s in self.scans):
                continue
            # not narrowed back: what comes next (the probes' replay, the next page) sets its own viewport
            size = (width, viewport[1])
            self.set_viewport(size)
            context = ScanContext(self.page, last.index, last.state, size, self.selectors, [], [], False,
                                  self.memory, [], narrowed=True)
            outcome = _guarded(check, lambda c=check: (context.ask((c,)), c.at_scan(context))[1])
            if outcome is not None:
                last.outcomes[check.name] = outcome

    def _probe(self) -> tuple[dict | None, dict]:
        """The keyboard probes on a replay of the steps up to the first panel they opened."""
        first = next((e for e in self.opens if e["scan"] is not None), None)
        if first is None:
            return self._probe_inline()
        try:
            self.replay(first["step"])
            self.page.call("before")
            self.perform(first["step"])
            self._animations_end()
            again = self.page.call("after", first["selector"], False)
            if again.get("event") != "open":
                return first, {"error": "replaying the steps did not open the panel again"}
            return first, keyboard.probe(self.page, again, first["selector"], self.timeout)
        except Exception as exc:  # noqa: BLE001 - a probe that cannot run makes its checks incomplete
            return first, {"error": _reason(exc)}

    def _probe_inline(self) -> tuple[dict | None, dict]:
        """A widget always on the page: Tab through what the steps used, where they left it."""
        if not self.selectors:
            return None, {}
        try:
            adopted = self.page.call("adopt", self.selectors)
            if adopted is None:
                return None, {}
            event = {**adopted, "scan": self.scans[-1].index, "launcher": None, "modal": False, "floating": False,
                     "inline": True}
            return event, keyboard.probe(self.page, event, None, self.timeout, inline=True)
        except Exception as exc:  # noqa: BLE001 - as for the replayed probes
            return {"scan": self.scans[-1].index, "panel": "html", "html": "", "launcher": None, "modal": False,
                    "floating": False, "inline": True}, {"error": _reason(exc)}

    def _section(self, scan: ScanRecord) -> dict:
        checks: dict[str, dict] = {}
        results: dict[str, dict[str, list[Node]]] = {"violations": {}, "incomplete": {}}
        rules = {r.id: r for c in self.checks for r in c.rules}
        for check in self.checks:
            outcome = scan.outcomes.get(check.name) or Outcome.skipped("not judged in this state")
            if not any(r.level in self.tags for r in check.rules):
                outcome = Outcome.skipped("its WCAG level is not among the tags asked for")
            checks[check.name] = {"status": outcome.status, "criteria": sorted({r.criterion for r in check.rules}),
                                  **({"note": outcome.note} if outcome.note else {})}
            for kind, found in (("violations", outcome.violations), ("incomplete", outcome.incomplete)):
                for rule_id, nodes in found.items():
                    results[kind].setdefault(rule_id, []).extend(nodes)
        return {
            "engine": dict(ENGINE),
            "checks": checks,
            **{kind: [rules[rule_id].result(_merged(nodes)) for rule_id, nodes in sorted(found.items())]
               for kind, found in results.items()},
        }


def _guarded(check: Check, run: Callable[[], Any]) -> Any:
    """A check that fails in the page (a script error, a page that navigated away) is incomplete,
    never a pass: its rules' needs-review items name the error."""
    from selenium.common.exceptions import WebDriverException

    try:
        return run()
    except (WebDriverException, PageError) as exc:
        rule = check.rules[0]
        return Outcome(INCOMPLETE, incomplete={rule.id: [Node("html", "", f"the check could not run: {_reason(exc)}")]},
                       note="the check could not run")


def _merged(nodes: list[Node]) -> list[Node]:
    """One node per element: what is wrong with it, in one sentence after another."""
    out: dict[str, Node] = {}
    for node in nodes:
        key = target_text(node.target)
        if key in out:
            first = out[key]
            if node.summary not in first.summary:
                out[key] = Node(first.target, first.html or node.html, f"{first.summary}; {node.summary}",
                                first.impact or node.impact)
        else:
            out[key] = node
    return list(out.values())


def _reason(exc: BaseException) -> str:
    from cxgov.sources.ui_browser import driver_message

    return driver_message(exc) if hasattr(exc, "msg") else str(exc) or type(exc).__name__

