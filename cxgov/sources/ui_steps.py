"""The step language that reaches the states of an agent UI worth scanning.

An entry point (descriptor `ui.entry_points[]`, cxgov.yaml, or `cxgov wcag --states FILE`) is
`{name, url, states: [step, ...], allowed_origins: [origin, ...]}`; each step is a one-key mapping:

    goto: URL                              (relative URLs resolve against the entry point)
    click: SELECTOR | {selector, timeout}
    type: TEXT | {selector, text}          (TEXT alone types into the focused element)
    press: KEY | {key, selector}           (Enter, Escape, Tab, ArrowDown, ...)
    wait_for: SELECTOR | {selector | text, timeout}
    viewport: WIDTHxHEIGHT | {width, height}
    scan: STATE                            (run axe-core and take a screenshot, as state STATE)

`allowed_origins` lists the other origins (`https://login.example.eu`) the page may redirect or
navigate to; any other origin reached is an error (ui_page.Navigation). The page is loaded before the
first step. Entry points without any `scan` step are scanned once,
as state `load`, after their steps. Parsing is strict: a typo is an error naming the entry point
and step, never a silently skipped state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from cxgov.errors import InputError

ACTIONS = ("goto", "click", "type", "press", "wait_for", "viewport", "scan")
DEFAULT_STATE = "load"
# selenium's names for the keys a chat user presses
KEYS = {"enter": "ENTER", "return": "RETURN", "escape": "ESCAPE", "esc": "ESCAPE", "tab": "TAB", "space": "SPACE",
        "backspace": "BACK_SPACE", "arrowdown": "ARROW_DOWN", "arrowup": "ARROW_UP", "arrowleft": "ARROW_LEFT",
        "arrowright": "ARROW_RIGHT", "home": "HOME", "end": "END", "pagedown": "PAGE_DOWN", "pageup": "PAGE_UP"}


@dataclass(frozen=True, slots=True)
class Step:
    """One action. `selector`/`text`/`key`/`url`/`size`/`state` hold what the action needs;
    `timeout` (seconds) bounds waiting for its element, None for the run's default."""

    action: str
    selector: str | None = None
    text: str | None = None
    key: str | None = None
    url: str | None = None
    size: tuple[int, int] | None = None
    state: str | None = None
    timeout: float | None = None
    where: str = ""  # e.g. "ui.entry_points[0].states[3]", for error messages

    def describe(self) -> dict[str, Any]:
        """The step as recorded in a scan's evidence."""
        out: dict[str, Any] = {"action": self.action}
        for name in ("selector", "text", "key", "url", "state", "timeout"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.size:
            out["viewport"] = {"width": self.size[0], "height": self.size[1]}
        return out


@dataclass(frozen=True, slots=True)
class UITarget:
    """A page to scan: where it is declared, where the browser goes, and the steps."""

    name: str
    url: str  # as declared; identifies the scan subjects
    load_url: str  # where the browser goes (differs when --ui-base-url rewrites the origin)
    steps: tuple[Step, ...]
    where: str = ""
    allowed_origins: tuple[str, ...] = ()  # origins besides the entry point's (and its goto steps') it may reach

    @property
    def states(self) -> list[str]:
        return [s.state for s in self.steps if s.action == "scan"]


def ui_targets(entry_points: list[dict], *, where: str = "ui.entry_points", base_url: str | None = None) -> list[UITarget]:
    """UITargets from the descriptor / cxgov.yaml form `[{name, url, states: [...]}, ...]`.

    `base_url` points every declared origin at another server (a locally served copy of the UI).
    """
    if not isinstance(entry_points, list):
        raise InputError("UI entry points must be a list of {name, url, states}", where=where)
    targets = []
    names: set[str] = set()
    for i, entry in enumerate(entry_points):
        at = f"{where}[{i}]"
        if not isinstance(entry, dict):
            raise InputError("an entry point must be a mapping {name, url, states}", where=at)
        unknown = set(entry) - {"name", "url", "states", "allowed_origins"}
        if unknown:
            raise InputError(f"unknown entry point field(s): {', '.join(sorted(unknown))}", where=at,
                             hint="an entry point has name, url, states and allowed_origins")
        url = entry.get("url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https", "file"):
            raise InputError(f"entry point url {url!r} is not an http(s) or file URL", where=at)
        name = entry.get("name") or url
        if not isinstance(name, str):
            raise InputError("entry point name must be a string", where=at)
        if name in names:
            raise InputError(f"two entry points are named {name!r}", where=at, hint="give each a unique name")
        names.add(name)
        raw_steps = entry.get("states")
        if raw_steps is None:
            raw_steps = []
        if not isinstance(raw_steps, list):
            raise InputError("states must be a list of steps", where=f"{at}.states")
        load_url = rebase(url, base_url) if base_url else url
        steps = [parse_step(step, f"{at}.states[{n}]", load_url, url, base_url) for n, step in enumerate(raw_steps)]
        if not any(s.action == "scan" for s in steps):
            steps.append(Step("scan", state=DEFAULT_STATE, where=f"{at}.states"))
        seen: set[str] = set()
        for s in steps:
            if s.action == "scan":
                if s.state in seen:
                    raise InputError(f"state {s.state!r} is scanned twice", where=s.where,
                                     hint="give each scan its own state name")
                seen.add(s.state)
        allowed = _origins(entry.get("allowed_origins"), f"{at}.allowed_origins")
        targets.append(UITarget(name, url, load_url, tuple(steps), at, allowed))
    return targets


def parse_step(raw: Any, where: str, load_url: str, declared_url: str, base_url: str | None) -> Step:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise InputError("a step is a mapping with exactly one action", where=where,
                         hint="one of " + ", ".join(f"{a}:" for a in ACTIONS))
    action, value = next(iter(raw.items()))
    if action not in ACTIONS:
        raise InputError(f"unknown step {action!r}", where=where, hint="one of " + ", ".join(ACTIONS))
    opts = value if isinstance(value, dict) else {}
    if isinstance(value, dict):
        allowed = {"click": {"selector", "timeout"}, "type": {"selector", "text", "timeout"},
                   "press": {"key", "selector", "timeout"}, "wait_for": {"selector", "text", "timeout"},
                   "viewport": {"width", "height"}}.get(action, set())
        unknown = set(value) - allowed
        if unknown:
            raise InputError(f"{action}: unknown field(s) {', '.join(sorted(unknown))}", where=where,
                             hint="allowed: " + (", ".join(sorted(allowed)) or "a single value"))
    timeout = _timeout(opts.get("timeout"), where)
    if action == "goto":
        url = _string(value, "goto", where)
        target = urljoin(load_url, url)
        if base_url and urlsplit(target)[:2] == urlsplit(declared_url)[:2]:
            target = rebase(target, base_url)
        return Step("goto", url=target, where=where)
    if action == "scan":
        return Step("scan", state=_string(value, "scan", where), where=where)
    if action == "click":
        return Step("click", selector=_string(opts.get("selector", value), "click selector", where), timeout=timeout,
                    where=where)
    if action == "type":
        if isinstance(value, str):
            return Step("type", text=value, where=where)
        return Step("type", selector=_string(opts.get("selector"), "type selector", where),
                    text=_string(opts.get("text"), "type text", where), timeout=timeout, where=where)
    if action == "press":
        key = _string(opts.get("key", value), "press key", where)
        if key.lower() not in KEYS and len(key) != 1:
            raise InputError(f"press: unknown key {key!r}", where=where,
                             hint="one character, or one of " + ", ".join(sorted({k.title() for k in KEYS})))
        selector = opts.get("selector")
        return Step("press", key=key, selector=_string(selector, "press selector", where) if selector else None,
                    timeout=timeout, where=where)
    if action == "wait_for":
        if isinstance(value, str):
            return Step("wait_for", selector=value, where=where)
        selector, text = opts.get("selector"), opts.get("text")
        if (selector is None) == (text is None):
            raise InputError("wait_for needs a selector or a text (one of them)", where=where)
        return Step("wait_for", selector=_string(selector, "wait_for selector", where) if selector else None,
                    text=_string(text, "wait_for text", where) if text else None, timeout=timeout, where=where)
    return Step("viewport", size=_size(value, where), where=where)


def origin(url: str) -> str:
    """`scheme://host[:port]` of a URL, the default port left out (`file://` for local files)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


def _origins(value: Any, where: str) -> tuple[str, ...]:
    """`allowed_origins`: http(s) origins only, each without a path, query or user name."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError("allowed_origins must be a list of origins, e.g. [https://login.example.eu]", where=where)
    out = []
    for n, item in enumerate(value):
        if not (isinstance(item, str) and _is_origin(item)):
            raise InputError(f"{item!r} is not an origin (scheme://host[:port], http or https, nothing after it)",
                             where=f"{where}[{n}]", hint="e.g. https://login.example.eu")
        out.append(origin(item))
    return tuple(dict.fromkeys(out))


def _is_origin(text: str) -> bool:
    parts = urlsplit(text.strip())
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError:
        return False
    return (parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and parts.username is None
            and parts.path in ("", "/") and not parts.query and not parts.fragment and text == text.strip())


def rebase(url: str, base_url: str) -> str:
    """`https://www.acme-shop.eu/help?x` on base `http://127.0.0.1:8000/broken` ->
    `http://127.0.0.1:8000/broken/help?x`."""
    original, base = urlsplit(url), urlsplit(base_url)
    if base.scheme not in ("http", "https", "file"):
        raise InputError(f"UI base URL {base_url!r} is not an http(s) or file URL")
    path = base.path.rstrip("/") + (original.path or "/")
    return urlunsplit((base.scheme, base.netloc, path, original.query, original.fragment))


def _string(value: Any, what: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{what} must be a non-empty string, not {value!r}", where=where)
    return value


def _timeout(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 600:
        raise InputError(f"timeout {value!r} must be a number of seconds between 0 and 600", where=where)
    return float(value)


def _size(value: Any, where: str) -> tuple[int, int]:
    width = height = None
    if isinstance(value, str) and "x" in value:
        w, _, h = value.partition("x")
        if w.strip().isdigit() and h.strip().isdigit():
            width, height = int(w), int(h)
    elif isinstance(value, dict):
        width, height = value.get("width"), value.get("height")
    ok = all(isinstance(v, int) and not isinstance(v, bool) and 100 <= v <= 10000 for v in (width, height))
    if not ok:
        raise InputError(f"viewport {value!r} must be WIDTHxHEIGHT or {{width, height}} in CSS px (100-10000)",
                         where=where)
    return width, height
