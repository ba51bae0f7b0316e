"""report.html's summary, merged UI rows, charts and dates, from the real pipeline over examples/acme-cx
(tests/evidence_support.py): what the top of the page says, and that each number and link is right."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from cxgov.evidence.report import render_report, report_context
from cxgov.evidence.report_charts import SEVERITIES
from cxgov.evidence.view import BundleView
from evidence_support import CONTRAST_VIOLATION, WIDGET, audit_view, cached_view, copy_variant, ui_scan

KEYID = "32ac6f832802834ac04e7c51f63f48a5cf15ba0b2c59b9de5b8510a53e117bf2"
SIGNED = {"signature": {"algorithm": "ed25519", "keyid": KEYID, "public_key": "-----BEGIN PUBLIC KEY-----\n..."}}
SEVERITY_RANK = {key: i for i, (key, _, _) in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class HistoryView(BundleView):
    """A view that carries what a bundle with a drift history and collection times would."""

    drift_history: list = field(default_factory=list)
    collected: dict = field(default_factory=dict)


def test_the_top_says_the_verdict_then_what_to_fix_first_with_places_and_remediation():
    view = cached_view("noncompliant")
    context = report_context(view, SIGNED)
    causes = context["top_causes"]
    assert 1 <= len(causes) <= 5
    open_deny = [f for f in view.result.findings if f.gate == "deny" and f.waiver is None]
    worst = min(SEVERITY_RANK[f.severity] for f in open_deny)
    assert SEVERITY_RANK[causes[0]["severity"]] == worst == 0  # critical first
    assert [SEVERITY_RANK[c["severity"]] for c in causes] == sorted(SEVERITY_RANK[c["severity"]] for c in causes)
    assert len({c["rule_id"] for c in causes}) == len(causes)  # one cause per rule
    for cause in causes:
        rule = view.result.rules[cause["rule_id"]]
        assert cause["remediation"] and cause["remediation"] == rule.remediation
        for row in cause["places"]:
            assert row.status == "deny" and row.findings[0].waiver is None
            file, line = row.place
            assert file and isinstance(line, int), row  # every acme-cx cause has a file and line to fix
    html = render_report(view, SIGNED)
    # the verdict comes first, then the list; each item names rule, resource, file:line and remediation
    assert html.index('class="word">FAIL<') < html.index('id="fix-first"') < html.index('<ol class="causes"')
    first = causes[0]
    causes_html = html[html.index('<ol class="causes"'):html.index("</ol>", html.index('<ol class="causes"'))]
    file, line = first["places"][0].place
    assert f'<a href="#{first["anchor"]}"><strong>{first["rule_id"]}</strong></a>' in causes_html
    assert f"<code>{file}</code><code class=\"line\">:{line}</code>" in causes_html
    assert first["places"][0].resource in causes_html
    assert "Fix: " + first["remediation"].split("(")[0].strip() in causes_html.replace("&#39;", "'")
    # the anchor each cause links to is the finding's own row
    assert f'<tr id="{first["anchor"]}">' in html
    # the key id and the exact verify command sit right after the list, before the counts
    command = f"cxgov evidence verify . --public-key sha256:{KEYID}"
    assert html.index("</ol>", html.index('<ol class="causes"')) < html.index(command) < html.index('<ul class="counts"')


def test_an_unsigned_bundle_says_so_where_the_key_would_be():
    html = render_report(cached_view("noncompliant"), {"signature": None})
    signed = html[html.index('<p class="signed">'):html.index("</p>", html.index('<p class="signed">'))]
    assert "<strong>UNSIGNED</strong>" in signed and "cxgov evidence verify . --allow-unsigned" in signed
    assert "--public-key" not in signed


@pytest.fixture(scope="module")
def merged_view(tmp_path_factory):
    """acme-cx with the same contrast violation in three widget states (and one clean state)."""
    base = tmp_path_factory.mktemp("merged")
    scans = [ui_scan(state, [CONTRAST_VIOLATION]) for state in ("error", "closed", "open")] + [ui_scan("streaming", [])]
    return audit_view(copy_variant(base, "noncompliant"), scans)


def test_ui_findings_merge_into_one_row_per_rule_and_element_listing_the_states(merged_view):
    findings = [f for f in merged_view.result.findings if f.rule_id == "WCAG-A-AA-01"]
    assert len(findings) == 3  # one per state
    rows = [r for g in report_context(merged_view, {})["groups"] for rule in g["rules"] for r in rule["rows"]
            if r.rule_id == "WCAG-A-AA-01"]
    assert len(rows) == 1
    row = rows[0]
    assert (row.element, row.resource, row.uri) == ("#acme-chat-ai-notice", "color-contrast", WIDGET)
    assert [s["name"] for s in row.states] == ["closed", "open", "error"]  # the order a user meets them
    # each state links to the violation's entry in that state's scan document
    for state in row.states:
        assert state["href"] == f"wcag/help-centre-widget-{state['name']}.json#/axe/violations/0"
    html = render_report(merged_view, {})
    table = html[html.index('id="rule-wcag-a-aa-01"'):html.index("</details>", html.index('id="rule-wcag-a-aa-01"'))]
    assert table.count("<tr id=") == 1 and "In 3 state(s):" in table
    assert re.findall(r'<li><a href="wcag/help-centre-widget-(\w+)\.json#/axe/violations/0">', table) == ["closed", "open", "error"]
    assert "3 finding(s) in 1 row(s)" in table


class Svg(HTMLParser):
    """The charts of a page: each svg's attributes, its <title> and <desc> texts by id."""

    def __init__(self):
        super().__init__()
        self.charts, self.texts, self._id = [], {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.charts.append(attrs)
        self._id = attrs.get("id") if tag in ("title", "desc") else None

    def handle_endtag(self, tag):
        self._id = None

    def handle_data(self, data):
        if self._id:
            self.texts[self._id] = self.texts.get(self._id, "") + data


def charts_of(html: str) -> Svg:
    parser = Svg()
    parser.feed(html)
    return parser


def test_charts_are_inline_svg_images_with_titles_descriptions_and_the_same_numbers_in_tables():
    view = cached_view("noncompliant")
    html = render_report(view, {})
    svg = charts_of(html)
    ids = [c["aria-labelledby"].split()[0].removesuffix("-title") for c in svg.charts]
    assert ids == ["chart-controls", "chart-findings"]  # no trend without a drift history
    for chart in svg.charts:
        assert chart["role"] == "img"
        title, desc = chart["aria-labelledby"].split()
        assert svg.texts[title].strip() and len(svg.texts[desc]) > 40
    assert "http" not in "".join(html[m.start():html.index("</svg>", m.start())] for m in re.finditer("<svg", html))
    # findings by framework and severity: each finding once per framework it maps to, as the verdict counts
    chart = report_context(view, {})["charts"]["findings"]
    by_framework = view.result.verdict.by_framework
    assert {r["id"]: r["total"] for r in chart["table"]} == {fw: sum(c.values()) for fw, c in by_framework.items() if sum(c.values())}
    gdpr = next(r for r in chart["table"] if r["id"] == "gdpr")
    assert gdpr["counts"]["critical"] == sum(1 for f in view.result.findings if f.controls.get("gdpr") and f.severity == "critical") > 0
    assert f'<tr><th scope="row">GDPR</th>' + "".join(f"<td>{gdpr['counts'][k]}</td>" for k, _, _ in SEVERITIES) + f"<td>{gdpr['total']}</td></tr>" in html
    assert f"GDPR {gdpr['total']} (" in svg.texts["chart-findings-desc"]
    # control status: the description tells every framework's numbers the overview table gives
    for fw in report_context(view, {})["frameworks"]:
        assert f"{fw['title']}: {fw['summary']['satisfied']} satisfied, {fw['summary']['not-satisfied']} not satisfied" in svg.texts["chart-controls-desc"]


def test_a_drift_history_adds_the_trend_of_open_findings_and_errored_runs_are_left_out():
    view = cached_view("noncompliant")
    runs = [{"finished": "2026-11-20T06:00:00Z", "status": "drift", "finding_count": 44},
            {"finished": "2026-11-21T06:00:00Z", "status": "errored", "finding_count": 0},
            {"finished": "2026-11-22T06:00:00Z", "status": "ok", "finding_count": 40},
            {"finished": "2026-11-19T06:00:00Z", "status": "drift", "finding_count": 51}]
    html = render_report(HistoryView(**{**vars(view), "drift_history": runs}), {})
    svg = charts_of(html)
    assert "chart-trend-title" in svg.texts
    assert svg.texts["chart-trend-desc"] == ("Open findings in 3 drift runs, from 51 on 2026-11-19T06:00:00Z "
                                             "to 40 on 2026-11-22T06:00:00Z; the most was 51.")
    table = html[html.index('aria-label="Open findings per drift run"'):]
    assert re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', table)[:3] == [
        ("2026-11-19T06:00:00Z", "51"), ("2026-11-20T06:00:00Z", "44"), ("2026-11-22T06:00:00Z", "40")]


def test_dates_tell_evaluation_written_and_collected_apart():
    view = cached_view("noncompliant")
    collected = {"ui-scan": "2026-12-04T09:12:00Z", "model-version": "2026-12-04T09:10:30Z"}
    html = render_report(HistoryView(**{**vars(view), "created": "2026-12-04T09:30:00Z", "collected": collected}), {})
    header = html[html.index('<header class="masthead">'):html.index("</header>")]
    assert "Judged as of <strong>2026-11-22</strong> · bundle written 2026-12-04T09:30:00Z" in header
    assert "sources collected 2026-12-04T09:10:30Z to 2026-12-04T09:12:00Z" in header
    assert "<dt>Collected: UI scans</dt><dd>2026-12-04T09:12:00Z</dd>" in html
    assert "<dt>Collected: model registry</dt><dd>2026-12-04T09:10:30Z</dd>" in html
    # a view without collection times (an older bundle) says nothing about them
    assert "collected" not in render_report(view, {}).split("</header>")[0]


def test_findings_are_grouped_by_framework_then_rule_each_row_once():
    view = cached_view("noncompliant")
    groups = report_context(view, {})["groups"]
    assert [g["id"] for g in groups][:2] == ["gdpr", "soc2"]
    anchors = [r.anchor for g in groups for rule in g["rules"] for r in rule["rows"]]
    assert len(anchors) == len(set(anchors)) == len(view.result.findings)
    assert sum(g["findings"] for g in groups) == view.result.verdict.counts["findings"]
    html = render_report(view, {})
    # collapsible with native details, no script; the control matrix's rule links land on the rule groups
    assert html.count('<details class="rule" id="rule-') == len({f.rule_id for f in view.result.findings})
    for rule_link in set(re.findall(r'href="#(rule-[^"]+)"', html)):
        assert f'id="{rule_link}"' in html
    assert "<script" not in html


def test_evidence_links_point_at_the_exact_entry():
    view = cached_view("noncompliant")
    rows = {r.anchor: r for g in report_context(view, {})["groups"] for rule in g["rules"] for r in rule["rows"]}
    k8s = next(r for r in rows.values() if r.rule_id == "SOC2-CC6.1-04")
    assert k8s.evidence[0]["href"].endswith(".json#/documents/0/spec/template/spec/containers/0/env/3/value")
    descriptor = next(r for r in rows.values() if r.rule_id == "GDPR-35-01")
    assert descriptor.evidence[0]["href"] == "inputs/system-acme-cx.json#/descriptor/evidence/dpia_ref"
    model = next(r for r in rows.values() if r.findings[0].subject == "models:/acme-cx-triage/3")
    assert {"href": "#model-models--acme-cx-triage-3", "label": "model card of models:/acme-cx-triage/3"} in model.evidence
    assert 'id="model-models--acme-cx-triage-3"' in render_report(view, {})
