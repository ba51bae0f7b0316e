"""Target size (WCAG 2.2 SC 2.5.8 target size, minimum).

Method. In every scanned state, every interactive target in the widget (links, buttons, form
fields, ARIA widgets and anything else tabbable, rendered and not disabled; the widget is the
smallest element holding every element the steps use and every panel they opened, or the whole
page when the steps use none) must have a box of at least 24 x 24 CSS px, or meet the spacing
exception: a 24 px circle centred on its box intersects no other target and no other undersized
target's circle (all targets of the page count as neighbours). Exempt as the criterion says: a
target inline in a sentence (an inline element sharing its parent with other text) and a native
checkbox or radio button left to the browser's own look. Targets axe-core already reported under
its `target-size` rule in the same state are left to axe-core's finding, so nothing is reported
twice.
"""

from __future__ import annotations

from cxgov.sources.ui_checks.interface import Check, Node, Outcome, Rule

MIN_PX = 24

SCRIPT = r"""
  var INTERACTIVE = 'a[href],area[href],button,input:not([type="hidden"]),select,textarea,summary,[tabindex],' +
    '[role="button"],[role="link"],[role="checkbox"],[role="radio"],[role="switch"],[role="tab"],[role="menuitem"],' +
    '[role="option"],[role="slider"],[role="spinbutton"],[role="combobox"],[role="textbox"],[role="searchbox"]';
  cx.targets = function () {
    return cx.all(INTERACTIVE).filter(function (el) {
      if (el.disabled || el.getAttribute('tabindex') === '-1' && !el.matches('a[href],button,input,select,textarea,[role]')) { return false; }
      if (el.closest('[inert]') || cx.atHidden(el) || !cx.rendered(el)) { return false; }
      var r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    });
  };
  function inSentence(el) {
    if (getComputedStyle(el).display !== 'inline') { return false; }
    var parent = el.parentElement, own = (el.textContent || '').trim().length;
    return !!parent && (parent.textContent || '').trim().length > own;
  }
  function nativeLook(el) {
    return el.matches('input[type="checkbox"],input[type="radio"]') && getComputedStyle(el).appearance !== 'none';
  }
  cx.targetSize = function (selectors, min, skip) {
    var scope = cx.scope(selectors);
    if (!scope) { return null; }
    var all = cx.targets(), rects = all.map(function (e) { return e.getBoundingClientRect(); });
    var small = rects.map(function (r) { return r.width < min - 0.05 || r.height < min - 0.05; });
    var out = [], checked = 0, left = skip.map(cx.one);  // axe-core's own findings
    all.forEach(function (el, i) {
      if (!cx.contains(scope, el)) { return; }
      checked++;
      var r = rects[i];
      if (!small[i] || inSentence(el) || nativeLook(el) || left.indexOf(el) >= 0) { return; }
      var cxp = r.left + r.width / 2, cyp = r.top + r.height / 2, clash = null;
      all.forEach(function (o, j) {
        if (clash || j === i || cx.contains(o, el) || cx.contains(el, o)) { return; }
        var q = rects[j];
        var dx = Math.max(q.left - cxp, 0, cxp - q.right), dy = Math.max(q.top - cyp, 0, cyp - q.bottom);
        var oc = [q.left + q.width / 2, q.top + q.height / 2];
        if (Math.hypot(dx, dy) < min / 2 || (small[j] && Math.hypot(oc[0] - cxp, oc[1] - cyp) < min)) { clash = o; }
      });
      if (clash) {
        out.push(cx.node(el, Math.round(r.width * 10) / 10 + ' x ' + Math.round(r.height * 10) / 10 +
          ' CSS px, and a ' + min + ' px circle around it overlaps ' + JSON.stringify(cx.target(clash))));
      }
    });
    return {checked: checked, nodes: out};
  };
"""


class TargetSize(Check):
    name = "target-size"
    rules = (Rule("cx-target-size", "2.5.8", "wcag22aa", "serious",
                  "Chat widget controls must be at least 24 x 24 CSS px, or spaced so a 24 px circle around each "
                  "touches no other", "target-size-minimum"),)
    script = SCRIPT
    per_scan = True
    method = "every interactive target in the widget is 24 x 24 CSS px or has the spacing exception"

    def query(self, scan):
        return "targetSize", [scan.selectors, MIN_PX, scan.axe_targets("target-size")]

    def at_scan(self, scan) -> Outcome:
        result = scan.answer(self.name)
        if result is None:
            return Outcome.skipped("none of the elements the steps use is on the page")
        if not result["checked"]:
            return Outcome.skipped("no interactive target in the widget")
        return Outcome.of({"cx-target-size": [Node(n["target"], n["html"], n["summary"]) for n in result["nodes"]]},
                          note=f"{result['checked']} target(s)")


CHECK = TargetSize()
