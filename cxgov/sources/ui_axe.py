"""axe-core in the page: the options it runs with, the script that runs it, and its results trimmed
to what the rules read (the full results go to the artifacts directory)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cxgov.errors import InputError
from cxgov.sources.ui_browser import expand_tags

# [HTTP status, load error] of the document's navigation: a navigation Chromium refused or could not
# complete (an unsafe port such as 9, a missing file) raises nothing in chromedriver but leaves its
# own error page, whose text names the net error (the headless shell's is blank: see ui_page.net_error)
NAV_STATUS_FN = """
function () {
  var e = performance.getEntriesByType('navigation')[0];
  var status = e && typeof e.responseStatus === 'number' ? e.responseStatus : 0;
  if (document.URL.indexOf('chrome-error:') !== 0) { return [status, null]; }
  var code = (document.body ? document.body.innerText : '').match(/\\bERR_[A-Z0-9_]+/);
  return [status, code ? 'net::' + code[0] : 'the browser showed its error page'];
}
"""
NAV_STATUS = f"return ({NAV_STATUS_FN})();"

# also returns the navigation status (so a scan straight after a load needs no call of its own to
# check it), where the page is and its full size, which the screenshot needs
RUN_AXE = f"""
var done = arguments[arguments.length - 1];
var nav = ({NAV_STATUS_FN})();
if (nav[1]) {{ done({{nav: nav}}); return; }}
if (typeof window.axe !== 'object' || typeof window.axe.run !== 'function') {{ done({{missing: true, nav: nav}}); return; }}
axe.run(document, JSON.parse(arguments[0])).then(
  function (r) {{
    var page = document.scrollingElement || document.documentElement;
    done({{results: r, version: axe.version, nav: nav, url: location.href,
           size: [page.scrollWidth, page.scrollHeight]}});
  }},
  function (e) {{ done({{error: String((e && e.message) || e), nav: nav}}); }});
"""

# for each selector: is the element there, can a person see it, and which failing nodes (axe-core's
# and the behavioural checks') lie inside it
PROBE = """
var selectors = arguments[0], targets = arguments[1], out = {};
selectors.forEach(function (sel) {
  var el = null;
  try { el = document.querySelector(sel); } catch (e) { out[sel] = {present: false, visible: false, text: "",
    targets: [], error: String(e)}; return; }
  if (!el) { out[sel] = {present: false, visible: false, text: "", targets: []}; return; }
  var r = el.getBoundingClientRect();
  var visible = r.width > 0 && r.height > 0 && (!el.checkVisibility ||
    el.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true}));
  if (visible && el.closest('[aria-hidden="true"]')) { visible = false; }
  var inside = targets.filter(function (t) {
    try { var n = document.querySelector(t); return n !== null && el.contains(n); } catch (e) { return false; }
  });
  out[sel] = {present: true, visible: visible, text: (el.innerText || "").trim().slice(0, 500), targets: inside};
});
return out;
"""


def axe_run_options(tags: Sequence[str] | None = None, options_json: str | None = None) -> dict[str, Any]:
    """axe.run options: the user's JSON text, with runOnly tags (lower levels always included) and,
    unless given, only violations reported in full: passes and needs-review items are still found
    and counted, but axe-core skips building selectors and HTML for more than one node of each,
    which is most of its work on a page that passes (bench/wcag_bench.py)."""
    options: dict[str, Any] = {}
    if options_json:
        try:
            options = json.loads(options_json)
        except json.JSONDecodeError as exc:
            raise InputError(f"axe options are not valid JSON: {exc}") from None
        if not isinstance(options, dict):
            raise InputError("axe options must be a JSON object, e.g. {\"rules\": {\"region\": {\"enabled\": true}}}")
    run_only = options.get("runOnly")
    if tags or run_only is None:
        options["runOnly"] = {"type": "tag", "values": expand_tags(list(tags or []))}
    elif isinstance(run_only, dict) and run_only.get("type") == "tag":
        options["runOnly"] = {"type": "tag", "values": expand_tags(list(run_only.get("values") or []))}
    options.setdefault("resultTypes", ["violations"])
    return options


def fallback_options(driver, options: dict[str, Any], options_json: str) -> str:
    """The old bundled axe-core rejects tags it predates (wcag21a, wcag22aa): ask only for those it
    knows. The recorded toolOptions show what ran, and WCAG-SCAN-01 fails such a scan."""
    run_only = options.get("runOnly") or {}
    if run_only.get("type") != "tag":
        return options_json
    known = set(driver.execute_script(
        "return [].concat.apply([], axe.getRules().map(function (r) { return r.tags; }));"))
    values = [t for t in run_only.get("values", []) if t in known]
    return json.dumps({**options, "runOnly": {"type": "tag", "values": values}}, sort_keys=True)


def target_key(node: dict) -> str | None:
    """A node's selector when it is a plain one (not inside a frame or shadow root)."""
    target = node.get("target") or []
    return target[0] if len(target) == 1 and isinstance(target[0], str) else None


def trim(rule: dict) -> dict:
    """An axe result as rules need it: the check details (any/all/none) stay in the results file."""
    return {
        "id": rule.get("id"),
        "impact": rule.get("impact"),
        "tags": rule.get("tags") or [],
        "help": rule.get("help"),
        "helpUrl": rule.get("helpUrl"),
        "nodes": [{"target": n.get("target"), "html": n.get("html"), "impact": n.get("impact"),
                   "failureSummary": n.get("failureSummary")} for n in rule.get("nodes") or []],
    }
