"""Live announcements (WCAG 2.2 SC 4.1.3 status messages).

Method. From the first step that acts on each loaded document (a click, typing, a key press), the
page script records every text in the widget (the elements the steps use and the panels they opened)
that becomes visible or changes, grouped by the live region it would be announced through (the
nearest `aria-live` polite/assertive, `role=log|status|alert` or `<output>`; `aria-live=off` ends
the search). What a step that opens a panel shows is the panel, not a status, and is left out. Each
scan judges what appeared since the previous one:

- the change must be inside a live region (text hidden from assistive technology on purpose, with
  `aria-hidden` below the region or outside any region, is decorative and not judged);
- the region must have been in the accessibility tree before the change (rendered, in an earlier
  DOM update): a region inserted or un-hidden together with its text is not announced by screen
  readers, except `role=alert`, whose appearance is itself announced;
- the region must not be `aria-hidden` or inside an `aria-hidden` or `inert` element;
- chat messages (what is added beside the echo of the user's own message) belong in a polite region:
  an assertive one interrupts the user at every reply;
- a message whose text grows in three updates or more while neither its region nor anything between
  them is `aria-busy` (a reply streamed token by token) is re-announced at every update: the region
  should be `aria-busy` while it streams, or get the reply once.

Not judged: the echo of what the user typed, new content that holds a form control (a panel being
opened, not a status) and content that holds or is the focused element (focus moved to it, so it
is read). Whether a screen reader actually speaks the announcement stays a person's test
(WCAG-413-01's assistive-technology evidence).
"""

from __future__ import annotations

import re

from cxgov.sources.ui_checks.interface import Check, Node, Outcome, Rule, target_text

STREAMED_UPDATES = 3  # updates of one message, outside aria-busy, that make a re-announced stream
ECHO_EXTRA = 12  # characters beside the typed text that still make an echo (a time, "You:")


class LiveAnnouncements(Check):
    name = "live-announcements"
    rules = (
        Rule("cx-live-region", "4.1.3", "wcag21aa", "serious",
             "New chat messages and status changes must be announced through a live region that was on the page "
             "before the change", "status-messages"),
        Rule("cx-live-politeness", "4.1.3", "wcag21aa", "moderate",
             "Chat messages must be announced politely (role=log or aria-live=polite), not interrupt the user",
             "status-messages"),
        Rule("cx-live-streaming", "4.1.3", "wcag21aa", "moderate",
             "A reply streamed into a live region must be announced once: mark the region aria-busy while it "
             "streams", "status-messages"),
    )
    per_scan = True
    method = ("text that appears in the widget must be inside a live region rendered before the change "
              "(not aria-hidden; polite for chat messages; aria-busy while a reply streams)")

    def at_scan(self, scan) -> Outcome:
        events = [e for e in scan.events if not e["control"] and not e["focused"] and not _echo(e, scan.typed)]
        if not events:
            return Outcome.skipped("nothing appeared in the widget since the previous state" if scan.armed else
                                   "no step acted on the page before this state")
        found: dict[str, list[Node]] = {r.id: [] for r in self.rules}
        reported: set[str] = set()
        for e in events:
            problem = _region_problem(e)
            if problem and target_text(e["target"]) not in reported:
                reported.add(target_text(e["target"]))
                found["cx-live-region"].append(Node(e["target"], e["html"], f"{problem} (\"{_short(e['text'])}\")"))
        transcripts = scan.memory.setdefault(self.name, set())
        transcripts |= {target_text(e["parent"]) for e in scan.events if _echo(e, scan.typed, strict=False)}
        for e in (e for e in events if target_text(e["parent"]) in transcripts):
            region = e["region"]
            if region and region["politeness"] == "assertive" and target_text(region["target"]) not in reported:
                reported.add(target_text(region["target"]))
                how = f"role={region['role']}" if region["role"] in ("alert",) else "aria-live=assertive"
                found["cx-live-politeness"].append(Node(region["target"], e["html"], (
                    f"chat messages arrive in an assertive live region ({how}): every reply interrupts the user; "
                    "use role=log or aria-live=polite")))
        for e in _streamed(events):
            found["cx-live-streaming"].append(Node(e["message"], e["html"], (
                f"the message grew in {STREAMED_UPDATES} or more separate updates in live region "
                f"{target_text(e['region']['target'])} without aria-busy: a screen reader announces every update")))
        return Outcome.of(found)


def _region_problem(e: dict) -> str | None:
    region = e["region"]
    if region is None:
        return "appeared outside any live region: screen readers do not announce it"
    if region["hidden"]:
        return f"its live region {target_text(region['target'])} is aria-hidden (or inert): nothing is announced"
    if not region["before"] and region["role"] != "alert":
        return (f"its live region {target_text(region['target'])} was added or shown together with the text: it must be "
                "on the page, empty, before the change")
    return None


def _streamed(events: list[dict]) -> list[dict]:
    """Messages whose text grew in STREAMED_UPDATES or more updates while their region was not busy
    (a status shown again with the same text, such as a typing indicator, is not growing)."""
    grown: dict[str, list] = {}
    for e in events:
        if e["region"] is None or e["region"]["busy"]:
            continue
        first, last, count = grown.get(target_text(e["message"]), (e, -1, 0))
        if e["size"] > last:
            grown[target_text(e["message"])] = (first, e["size"], count + 1)
    return [first for _, (first, _, count) in sorted(grown.items()) if count >= STREAMED_UPDATES]


def _echo(e: dict, typed: list[str], strict: bool = True) -> bool:
    text = _norm(e["text"])
    for t in typed:
        t = _norm(t)
        if t and t in text and (not strict or len(text) - len(t) <= ECHO_EXTRA):
            return True
    return False


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


CHECK = LiveAnnouncements()
