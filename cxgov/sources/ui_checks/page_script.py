"""The script every scanned document gets before its own scripts run: `window.__cxgov`.

It records what appears in the widget once the steps act on the page (a MutationObserver over the
document and every open shadow root), tracks which live regions were on the page before
each change, notes what a click or key press opened or closed, and holds the helpers the checks
share: short stable selectors, visibility as the accessibility tree sees it, tabbable elements,
the live region an element is announced through, the part of the page a widget occupies. Each
check adds its own functions (its `script`), so its method lives beside its judgement.
"""

from __future__ import annotations

BASE = r"""
(function () {
  'use strict';
  if (window.__cxgov) { return; }
  var cx = window.__cxgov = {armed: false, batch: 0, events: [], panels: [], roots: [document]};
  var seen = new WeakMap(), regions = new Map();

  // ---- selectors: an id, a class or a short path, unique in its document or shadow root ----
  var STATE_CLASS = /\d{3,}|^(is|has|js)-|open|active|focus|hover|visible|hidden|show|expanded|collapsed/;
  function unique(root, s) { try { return root.querySelectorAll(s).length === 1; } catch (e) { return false; } }
  function part(n, root) {
    if (n === document.documentElement) { return 'html'; }
    if (n === document.body) { return 'body'; }
    if (n.id && unique(root, '#' + CSS.escape(n.id))) { return '#' + CSS.escape(n.id); }
    var s = n.localName;
    for (var i = 0, k = 0; i < n.classList.length && k < 2; i++) {
      if (!STATE_CLASS.test(n.classList[i])) { s += '.' + CSS.escape(n.classList[i]); k++; }
    }
    var p = n.parentElement;
    if (p) {
      var same = 0;
      for (var j = 0; j < p.children.length; j++) { if (p.children[j].matches(s)) { same++; } }
      if (same > 1) { s += ':nth-child(' + (Array.prototype.indexOf.call(p.children, n) + 1) + ')'; }
    }
    return s;
  }
  function selIn(el, root) {
    if (el.classList.length && el.id === '') {
      for (var i = 0; i < el.classList.length; i++) {
        var c = '.' + CSS.escape(el.classList[i]);
        if (!STATE_CLASS.test(el.classList[i]) && unique(root, c)) { return c; }
      }
    }
    var parts = [];  // a bare tag (button:nth-child(2)) gets its parent for context, even when unique
    for (var n = el; n && n.nodeType === 1; n = n.parentElement) {
      parts.unshift(part(n, root));
      if (unique(root, parts.join(' > ')) && (parts.length > 1 || /[#.]/.test(parts[0]))) { break; }
    }
    return parts.join(' > ');
  }
  cx.target = function (el) {
    if (!el || el.nodeType !== 1) { return null; }
    var chain = [], root = el.getRootNode();
    while (root instanceof ShadowRoot) { chain.unshift(selIn(el, root)); el = root.host; root = el.getRootNode(); }
    chain.unshift(selIn(el, document));
    return chain.length === 1 ? chain[0] : chain;
  };
  cx.html = function (el) {
    var h = (el && el.outerHTML) || '', open = h.slice(0, h.indexOf('>') + 1) || h;
    return open.length > 200 ? open.slice(0, 197) + '...' : open;
  };
  cx.node = function (el, summary, extra) {
    var out = {target: cx.target(el), html: cx.html(el), summary: summary};
    for (var k in extra || {}) { out[k] = extra[k]; }
    return out;
  };
  cx.one = function (selector) { try { return document.querySelector(selector); } catch (e) { return null; } };

  // ---- the page as assistive technology and the keyboard meet it ----
  cx.parent = function (n) { return n.parentNode instanceof ShadowRoot ? n.parentNode.host : n.parentElement; };
  cx.contains = function (a, b) {  // a contains b, across shadow roots
    for (var n = b; n; n = cx.parent(n)) { if (n === a) { return true; } }
    return false;
  };
  cx.rendered = function (el) {  // in the layout, so in the accessibility tree (unless aria-hidden)
    if (!el || !el.isConnected) { return false; }
    return el.checkVisibility ? el.checkVisibility({visibilityProperty: true}) : el.getClientRects().length > 0;
  };
  cx.atHidden = function (el) {  // the aria-hidden or inert element that hides el from assistive technology
    for (var n = el; n; n = cx.parent(n)) {
      if (n.nodeType === 1 && (n.getAttribute('aria-hidden') === 'true' || n.inert)) { return n; }
    }
    return null;
  };
  cx.active = function () {
    var a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) { a = a.shadowRoot.activeElement; }
    return a === document.body ? null : a;
  };
  var FIELD = 'input:not([type="hidden"]),textarea,select,[contenteditable]:not([contenteditable="false"])';
  var FOCUSABLE = 'a[href],area[href],button,input:not([type="hidden"]),select,textarea,iframe,summary,' +
    '[tabindex],[contenteditable]:not([contenteditable="false"]),audio[controls],video[controls]';
  cx.tabbable = function (el) {
    if (el.tabIndex < 0 || el.disabled || el.closest('[inert]') || !cx.rendered(el)) { return false; }
    var r = el.getBoundingClientRect();
    return r.width > 0 || r.height > 0;
  };
  cx.all = function (selector) {  // in the document and every open shadow root, document order per root
    var out = [];
    cx.roots.forEach(function (root) {
      if (root === document || root.host.isConnected) { out.push.apply(out, root.querySelectorAll(selector)); }
    });
    return out;
  };
  cx.tabbables = function (within) {
    return cx.all(FOCUSABLE).filter(function (el) { return cx.tabbable(el) && (!within || cx.contains(within, el)); });
  };
  // tabbable and in sight: a panel slid out of the window or faded to opacity 0 is closed, though its
  // controls may still take focus
  cx.shown = function (within) {
    var vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
    return cx.tabbables(within).filter(function (el) {
      if (el.checkVisibility && !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) { return false; }
      var r = el.getBoundingClientRect(), fixed = cx.floating(el);
      return !fixed || (r.right > 0 && r.bottom > 0 && r.left < vw && r.top < vh);
    });
  };
  cx.lca = function (els) {
    if (!els.length) { return null; }
    var a = els[0];
    els.forEach(function (b) { while (a && !cx.contains(a, b)) { a = cx.parent(a); } });
    return a;
  };
  // the part of the page the widget occupies: the elements the steps use and the panels they opened
  cx.scope = function (selectors) {
    var els = [];
    selectors.forEach(function (s) { try { els.push.apply(els, document.querySelectorAll(s)); } catch (e) {} });
    cx.panels.forEach(function (p) { [p.panel, p.launcher].forEach(function (e) { if (e && e.isConnected) { els.push(e); } }); });
    if (!selectors.length && !cx.panels.length) { return document.body; }
    var root = cx.lca(els);
    return root === document.documentElement ? document.body : root;
  };
  cx.floating = function (el) {  // on a layer of its own: fixed or sticky, itself or an ancestor
    for (var n = el; n && n.nodeType === 1; n = cx.parent(n)) {
      var p = getComputedStyle(n).position;
      if (p === 'fixed' || p === 'sticky') { return true; }
    }
    return false;
  };
  cx.modal = function (el) {
    for (var n = el; n && n.nodeType === 1; n = cx.parent(n)) {
      if (n.getAttribute('aria-modal') === 'true' || (n.localName === 'dialog' && n.matches(':modal'))) { return true; }
    }
    return !!(el.querySelector && el.querySelector('[aria-modal="true"], dialog:modal'));
  };

  // ---- live regions: the nearest aria-live / log / status / alert around an element ----
  var LIVE_ROLES = {log: 'polite', status: 'polite', alert: 'assertive'};
  cx.live = function (el) {
    for (var n = el; n; n = cx.parent(n)) {
      if (n.nodeType !== 1) { continue; }
      var attr = n.getAttribute('aria-live');
      if (attr === 'off') { return null; }
      if (attr === 'polite' || attr === 'assertive') { return {el: n, politeness: attr, role: n.getAttribute('role') || ''}; }
      var role = (n.getAttribute('role') || (n.localName === 'output' ? 'status' : '')).trim().split(/\s+/)[0];
      if (LIVE_ROLES[role]) { return {el: n, politeness: LIVE_ROLES[role], role: role}; }
    }
    return null;
  };
  function trackRegions() {  // the live regions in the layout now (so in the accessibility tree), since when
    var now = new Map();
    liveNow().forEach(function (el) { now.set(el, regions.has(el) ? regions.get(el) : cx.batch); });
    regions = now;
  }

  // ---- what appears once the user talks to the widget ----
  function textNodes(el, out) {
    if (el.nodeType === 3) { out.push(el); return out; }
    var w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), t;
    while ((t = w.nextNode())) { out.push(t); }
    if (el.shadowRoot) { textNodes(el.shadowRoot, out); }
    return out;
  }
  function markSeen(root) {
    textNodes(root, []).forEach(function (t) {
      if (t.data.trim() && cx.rendered(t.parentElement)) { seen.set(t, t.data); } else { seen.delete(t); }
    });
  }
  function appeared(root) {  // text under root that became visible or changed since last seen
    var fresh = [];
    textNodes(root, []).forEach(function (t) {
      var shown = t.data.trim() !== '' && t.parentElement && cx.rendered(t.parentElement);
      if (!shown) { seen.delete(t); return; }
      if (seen.get(t) !== t.data) { seen.set(t, t.data); fresh.push(t); }
    });
    return fresh;
  }
  function record(root, fresh) {
    var groups = new Map(), active = cx.active();
    fresh.forEach(function (t) {  // by the live region each text is announced through (or none)
      var l = cx.live(t.parentElement), key = l ? l.el : null;
      var h = cx.atHidden(t.parentElement), rh = l ? cx.atHidden(l.el) : null;
      if (h && !(rh && h === rh)) { return; }  // hidden from assistive technology on purpose (decorative)
      if (!groups.has(key)) { groups.set(key, {live: l, texts: []}); }
      groups.get(key).texts.push(t.data.trim());
    });
    var control = !!(root.querySelector && root.querySelector(FIELD));
    var focused = !!(active && (cx.contains(root, active) || cx.contains(active, root)));
    groups.forEach(function (g, key) {
      var l = g.live, where = key && cx.contains(root, key) ? key : root, message = where;
      if (l) { while (message !== l.el && cx.parent(message) && cx.parent(message) !== l.el) { message = cx.parent(message); } }
      cx.events.push({
        batch: cx.batch, target: cx.target(where), html: cx.html(where), parent: cx.target(cx.parent(where)),
        text: g.texts.join(' ').replace(/\s+/g, ' ').slice(0, 200), message: cx.target(message),
        size: (message.textContent || '').trim().length,
        control: control, focused: focused,
        region: l ? {target: cx.target(l.el), politeness: l.politeness, role: l.role,
                     before: regions.has(l.el) && regions.get(l.el) < cx.batch, hidden: !!cx.atHidden(l.el),
                     busy: busy(where, l.el)} : null
      });
    });
  }
  function busy(el, region) {  // aria-busy on the region or between it and the change: updates held back
    for (var n = el; n; n = cx.parent(n)) {
      if (n.nodeType === 1 && n.getAttribute('aria-busy') === 'true') { return true; }
      if (n === region) { return false; }
    }
    return false;
  }
  function onMutations(list) {
    if (!cx.armed) { return; }
    cx.batch += 1;
    // only the widget's own changes are its status messages (a carousel elsewhere on the page is not)
    var scope = cx.scope(cx.selectors) || document.body;
    var roots = [];
    list.forEach(function (m) {
      if (m.type === 'attributes' && QUIET_ATTRIBUTE.test(m.attributeName)) { return; }
      var nodes = m.type === 'childList' ? Array.prototype.slice.call(m.addedNodes) : [m.target];
      nodes.forEach(function (n) {
        var el = n.nodeType === 3 ? n.parentElement : n;
        if (m.type === 'characterData') { el = n.parentElement; }
        if (el && el.nodeType === 1 && el.isConnected && roots.indexOf(el) < 0) { roots.push(el); }
      });
    });
    roots = roots.filter(function (r) { return !roots.some(function (o) { return o !== r && cx.contains(o, r); }); });
    roots.forEach(function (root) {
      var fresh = appeared(root).filter(function (t) { return cx.contains(scope, t); });
      if (!fresh.length) { return; }
      if (!cx.contains(scope, root)) { root = scope; }
      // a text edited in place is reported on its element, anything else on the element shown or added
      var edited = fresh.length === 1 && list.some(function (m) { return m.type === 'characterData' && m.target === fresh[0]; });
      record(edited ? fresh[0].parentElement : root, fresh);
    });
    trackRegions();
  }
  // every attribute may show or hide something (data-state="open" and a stylesheet), except these
  var QUIET_ATTRIBUTE = /^(value|checked|selected|tabindex|title|alt|href|src|aria-(?!hidden|live|busy|modal).*)$/;
  function observe(root) {
    new MutationObserver(onMutations).observe(root, {subtree: true, childList: true, characterData: true,
                                                     attributes: true});
  }
  observe(document);
  var attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function () {
    var root = attach.apply(this, arguments);
    if (root.mode === 'open') { cx.roots.push(root); observe(root); }
    return root;
  };

  cx.selectors = [];
  cx.arm = function (selectors) {  // from now on, what appears in the widget is judged; what is shown is not
    cx.selectors = selectors || [];
    if (cx.armed) { return; }
    markSeen(document.documentElement || document);
    cx.roots.slice(1).forEach(function (r) { markSeen(r); });
    trackRegions();
    cx.armed = true;
  };
  cx.drain = function () { var out = cx.events; cx.events = []; return out; };
  cx.many = function (calls) {  // several checks' functions in one driver round trip: {key: result}
    var out = {};
    calls.forEach(function (c) {
      try { out[c[0]] = cx[c[1]].apply(null, c[2]); } catch (e) { out[c[0]] = {__error: String((e && e.stack) || e).slice(0, 500)}; }
    });
    return out;
  };

  // ---- what a click or key press opened or closed ----
  function liveNow() {
    return new Set(cx.all('[aria-live],[role],output').filter(function (el) {
      var l = cx.live(el); return l && l.el === el && cx.rendered(el); }));
  }
  cx.before = function () {
    if (cx.armed) { trackRegions(); }  // what rendered without a DOM change (a stylesheet rule) counts too
    cx.snap = {tabs: cx.shown(), active: cx.active(),
               panel: cx.panels.length ? cx.panels[cx.panels.length - 1] : null};
  };
  cx.after = function (selector, keep) {  // keep: no event yet is not final (the page may still be opening)
    var snap = cx.snap || {tabs: [], active: null, panel: null}, was = new Set(snap.tabs), now = cx.shown();
    var launcher = selector ? cx.one(selector) : snap.active, active = cx.active();
    // new controls inside a live region are a message's or a status's (a link in a reply, "Try again" in an
    // alert), not a panel's, unless the region holds a text field: then it is the panel itself
    var added = now.filter(function (e) {
      var l = cx.live(e);
      return !was.has(e) && e !== launcher && !(l && !l.el.querySelector(FIELD));
    });
    if (added.length) {
      var panel = null, controls = launcher && launcher.getAttribute('aria-controls');
      var ctl = controls && document.getElementById(controls.split(/\s+/)[0]);
      if (ctl && cx.rendered(ctl) && added.some(function (e) { return cx.contains(ctl, e); })) { panel = ctl; }
      if (!panel) {  // the largest element around what appeared that holds nothing that was there before
        panel = cx.lca(added);
        var known = new Set(now.filter(function (e) { return was.has(e) || e === launcher; }));
        for (var up = cx.parent(panel); up && up !== document.body && up !== document.documentElement; up = cx.parent(up)) {
          if (cx.shown(up).some(function (e) { return known.has(e); }) || (launcher && cx.contains(up, launcher) && cx.rendered(launcher))) { break; }
          panel = up;
        }
      }
      cx.panels.push({panel: panel, launcher: launcher});
      cx.snap = null;
      return {event: 'open', index: cx.panels.length - 1, panel: cx.target(panel), launcher: cx.target(launcher || panel),
              focus: cx.target(active), inside: !!(active && cx.contains(panel, active) && active !== launcher),
              modal: cx.modal(panel), floating: cx.floating(panel), html: cx.html(launcher)};
    }
    var last = snap.panel;
    if (!keep) { cx.snap = null; }
    if (last && !cx.shown(last.panel).length && snap.tabs.some(function (e) { return cx.contains(last.panel, e); })) {
      var l = last.launcher;
      return {event: 'close', index: cx.panels.indexOf(last), panel: cx.target(last.panel), launcher: cx.target(l),
              focus: cx.target(active),
              returned: !!(l && active && cx.contains(l, active)), shown: !!(l && cx.rendered(l)), html: cx.html(l)};
    }
    return {event: null};
  };
  cx.animating = function () {  // a finite CSS transition or animation still running (a panel sliding in)
    return !!document.getAnimations && document.getAnimations().some(function (a) {
      var t = a.effect && a.effect.getComputedTiming ? a.effect.getComputedTiming() : null;
      return a.playState === 'running' && t && isFinite(t.endTime);
    });
  };
  cx.where = function (index) {  // where focus is, against the panel opened `index`-th
    var p = cx.panels[index], a = cx.active();
    return {target: a ? cx.target(a) : null, inPanel: !!(a && p && cx.contains(p.panel, a)),
            onLauncher: !!(a && p && p.launcher && cx.contains(p.launcher, a)),
            open: !!(p && cx.shown(p.panel).length), launcher: !!(p && p.launcher && cx.rendered(p.launcher))};
  };
"""

END = "\n})();\n"


def library(scripts: list[str]) -> str:
    """The page library with each check's functions added."""
    return BASE + "\n".join(scripts) + END
