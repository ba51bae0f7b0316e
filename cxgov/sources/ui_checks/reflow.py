"""Reflow at 320 CSS px (WCAG 2.2 SC 1.4.10 reflow).

Method. In every scanned state whose viewport is at most 320 CSS px wide (a `viewport: 320x640`
step), and, when an entry point has no such state, once at the end of its steps with the viewport
narrowed to 320 px (reported with its last state), the widget (as for target size:
the elements the steps use and the panels they opened, or the whole page) must fit:

- no element of it sticks out past the viewport's left or right edge by more than a pixel (the page
  then scrolls sideways, or, for a fixed-position widget, the part outside is cut off and cannot be
  reached at all); an element entirely outside the viewport on the left, or on the right of a page
  that does not scroll, is treated as deliberately off-screen and left alone;
- no box inside it scrolls sideways (`overflow-x: auto|scroll` with wider content), except content
  that needs two dimensions (tables, code, images, video, canvas, maps);
- no control is clipped sideways by an ancestor with hidden overflow (the send button pushed out of
  a too-narrow panel).

Only the outermost failing element of each kind is reported. Boxes of 1 px or less (visually
hidden text) are ignored.
"""

from __future__ import annotations

from cxgov.sources.ui_checks.interface import Check, Node, Outcome, Rule

WIDTH = 320

SCRIPT = r"""
  var TWO_D = 'table,pre,code,img,video,canvas,svg,map,iframe,[role="img"],[role="table"],[role="grid"],[role="application"]';
  var CONTROL = 'a[href],button,input:not([type="hidden"]),select,textarea,[role="button"],[tabindex]:not([tabindex^="-"])';
  cx.reflow = function (selectors) {
    var scope = cx.scope(selectors);
    if (!scope) { return null; }
    var vw = document.documentElement.clientWidth, page = document.scrollingElement || document.documentElement;
    var pageScrolls = page.scrollWidth > vw + 1, out = [], reported = [];
    function report(el, summary) {
      if (reported.some(function (r) { return cx.contains(r, el); })) { return; }
      reported.push(el);
      out.push(cx.node(el, summary));
    }
    var els = [scope].concat(Array.prototype.slice.call(scope.querySelectorAll('*')));
    els.forEach(function (el) {
      if (!cx.rendered(el) || el.closest(TWO_D)) { return; }
      var r = el.getBoundingClientRect(), fixed = cx.floating(el);
      if (r.width <= 1 || r.height <= 1) { return; }
      var right = r.right - vw, left = -r.left;
      var outside = r.right <= 0 || (r.left >= vw && !(pageScrolls && !fixed));
      if (!outside && (right > 1 || left > 1)) {
        var by = Math.round(Math.max(right, left));
        report(el, 'sticks out ' + by + ' px past the ' + (left > right ? 'left' : 'right') + ' edge of the ' + vw +
          ' px viewport: ' + (fixed ? 'the part outside is cut off and cannot be reached' : 'the page scrolls sideways'));
        return;
      }
      var st = getComputedStyle(el);
      if ((st.overflowX === 'auto' || st.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1 && !el.matches(TWO_D)) {
        report(el, 'scrolls sideways at ' + vw + ' px: its content is ' + el.scrollWidth + ' px wide in ' + el.clientWidth + ' px');
        return;
      }
      if (el.matches(CONTROL)) {
        var x0 = r.left, x1 = r.right;
        for (var a = cx.parent(el); a && a.nodeType === 1; a = cx.parent(a)) {
          var ov = getComputedStyle(a).overflowX;
          if (ov === 'hidden' || ov === 'clip') { var ar = a.getBoundingClientRect(); x0 = Math.max(x0, ar.left); x1 = Math.min(x1, ar.right); }
        }
        if (x1 - x0 < r.width - 1) {
          report(el, 'clipped: ' + Math.max(0, Math.round(x1 - x0)) + ' of its ' + Math.round(r.width) + ' px width show at ' + vw + ' px');
        }
      }
    });
    return {width: vw, nodes: out};
  };
"""


class Reflow(Check):
    name = "reflow"
    rules = (Rule("cx-reflow", "1.4.10", "wcag21aa", "serious",
                  "At 320 CSS px the chat widget must fit the viewport: no sideways scrolling and no clipped controls",
                  "reflow"),)
    script = SCRIPT
    per_scan = True
    narrow = WIDTH  # the session runs it once at this width when no state was that narrow
    method = f"at {WIDTH} CSS px nothing in the widget sticks out, scrolls sideways or clips a control"

    def query(self, scan):
        return ("reflow", [scan.selectors]) if scan.viewport[0] <= WIDTH else None

    def at_scan(self, scan) -> Outcome:
        if scan.viewport[0] > WIDTH:
            return Outcome.skipped(f"the viewport is {scan.viewport[0]} px wide (checked at {WIDTH} px)")
        result = scan.answer(self.name)
        if result is None:
            return Outcome.skipped("none of the elements the steps use is on the page")
        note = f"at {result['width']} CSS px" + (" (the viewport narrowed after the steps)" if scan.narrowed else "")
        return Outcome.of({"cx-reflow": [Node(n["target"], n["html"], n["summary"]) for n in result["nodes"]]},
                          note=note)


CHECK = Reflow()
