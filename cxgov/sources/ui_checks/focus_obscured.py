"""Focus is not hidden by the launcher or the widget (WCAG 2.2 SC 2.4.11 focus not obscured, minimum).

Method. In every scanned state, each tabbable element of the page (up to MAX_ELEMENTS) is focused
the way the browser focuses it, which scrolls it into view as Tab does; the part of its box inside
the viewport is sampled on a 3x3 grid (plus its centre) with `elementsFromPoint`-style hit testing
(`document.elementFromPoint`, through open shadow roots). The element is obscured when at no sample
point is the topmost element the focused one, something inside it, or an ancestor it lets show
through. Partly covered is not a failure of this criterion (2.4.12, AAA, is stricter); an element
entirely outside the viewport is not judged here. The covering element is named: the nearest
control or positioned box at the centre. Content the user opened (a panel the steps opened) that
Escape closes is exempt, as the Understanding document allows; the focus and scroll positions are
restored afterwards.
"""

from __future__ import annotations

from cxgov.sources.ui_checks.interface import Check, Node, Outcome, Rule, target_text

MAX_ELEMENTS = 400

SCRIPT = r"""
  cx.hit = function (x, y) {
    var el = document.elementFromPoint(x, y);
    while (el && el.shadowRoot) { var inner = el.shadowRoot.elementFromPoint(x, y); if (!inner || inner === el) { break; } el = inner; }
    return el;
  };
  cx.coverer = function (el) {  // the control or positioned box a hit belongs to, as people see it
    for (var n = el; n && n.nodeType === 1 && n !== document.body; n = cx.parent(n)) {
      if (n.matches('a[href],button,input,select,textarea,[role="button"],[role="dialog"]')) { return n; }
      if (getComputedStyle(n).position !== 'static') { return n; }
    }
    return el;
  };
  cx.obscured = function (limit) {
    var start = cx.active(), sx = window.scrollX, sy = window.scrollY, scrolled = new Map();
    var tabs = cx.tabbables().slice(0, limit), out = [], checked = 0;
    var vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
    tabs.forEach(function (el) {
      for (var a = cx.parent(el); a; a = cx.parent(a)) {
        if (a.nodeType === 1 && !scrolled.has(a) && (a.scrollTop || a.scrollLeft || a.scrollHeight > a.clientHeight)) {
          scrolled.set(a, [a.scrollTop, a.scrollLeft]);
        }
      }
      el.focus();
      if (cx.active() !== el) { return; }
      var r = el.getBoundingClientRect();
      var x0 = Math.max(r.left, 0), x1 = Math.min(r.right, vw), y0 = Math.max(r.top, 0), y1 = Math.min(r.bottom, vh);
      if (x1 - x0 < 1 || y1 - y0 < 1) { return; }
      checked++;
      var shown = false, cover = null, points = [[0.5, 0.5]];
      [1 / 6, 0.5, 5 / 6].forEach(function (fx) { [1 / 6, 0.5, 5 / 6].forEach(function (fy) { points.push([fx, fy]); }); });
      points.forEach(function (f) {
        if (shown) { return; }
        var hit = cx.hit(x0 + (x1 - x0) * f[0], y0 + (y1 - y0) * f[1]);
        if (!hit || cx.contains(el, hit) || cx.contains(hit, el)) { shown = true; } else if (!cover) { cover = hit; }
      });
      if (!shown) {
        var by = cx.coverer(cover);
        out.push(cx.node(el, 'covered by ' + JSON.stringify(cx.target(by)), {
          cover: cx.target(by), opened: cx.panels.some(function (p) { return cx.contains(p.panel, cover); })}));
      }
    });
    scrolled.forEach(function (pos, a) { a.scrollTop = pos[0]; a.scrollLeft = pos[1]; });
    window.scrollTo(sx, sy);
    if (start) { start.focus({preventScroll: true}); } else if (document.activeElement) { document.activeElement.blur(); }
    return {checked: checked, nodes: out};
  };
"""


class FocusObscured(Check):
    name = "focus-obscured"
    rules = (Rule("cx-focus-obscured", "2.4.11", "wcag22aa", "serious",
                  "A focused element must not be entirely hidden by the launcher, the widget or other content",
                  "focus-not-obscured-minimum"),)
    script = SCRIPT
    per_scan = True
    method = "every tabbable element, focused in turn, must show at some sampled point of its box"

    def query(self, scan):
        return "obscured", [MAX_ELEMENTS]

    def at_scan(self, scan) -> Outcome:
        result = scan.answer(self.name)
        if not result["checked"]:
            return Outcome.skipped("no tabbable element on screen")
        nodes = [(Node(n["target"], n["html"], f"focused, it is entirely covered by {target_text(n['cover'])}"),
                  n["opened"]) for n in result["nodes"]]
        scan.memory.setdefault(self.name, {})[scan.index] = (nodes, result["checked"])
        return self._outcome(nodes, result["checked"], exempt=False)

    def at_end(self, entry) -> dict[int, Outcome]:
        """Covered only by a panel the user opened and can close with Escape: not obscured."""
        if not entry.escape_closes:
            return {}
        return {index: self._outcome(nodes, checked, exempt=True)
                for index, (nodes, checked) in entry.memory.get(self.name, {}).items()}

    @staticmethod
    def _outcome(nodes: list[tuple[Node, bool]], checked: int, *, exempt: bool) -> Outcome:
        kept = [node for node, opened in nodes if not (exempt and opened)]
        return Outcome.of({"cx-focus-obscured": kept}, note=f"{checked} focusable element(s)")


CHECK = FocusObscured()
