"""The report's charts as plain geometry for inline SVG: stacked bars (findings by framework and
severity, control status per framework) and a line (open findings over a drift history).

No chart is the only place a number is told: each has a title and a description for assistive
technology (role="img" with <title>/<desc>), every bar segment its own <title>, and the template shows
the same numbers in a table beside it. Colours have at least 3:1 contrast with the white background
(WCAG 1.4.11) and a text legend.
"""

from __future__ import annotations

from typing import Any

from cxgov.model import Finding

SEVERITIES = (("critical", "Critical", "#7f1d1d"), ("high", "High", "#c2410c"), ("medium", "Medium", "#a16207"),
              ("low", "Low", "#1d4ed8"), ("info", "Info", "#4b5563"))
CONTROL_STATUSES = (("satisfied", "Satisfied", "#15803d"), ("not-satisfied", "Not satisfied", "#b91c1c"),
                    ("not-assessed", "Not assessed", "#6b7280"))
WIDTH, LABEL_WIDTH, ROW_HEIGHT, BAR_HEIGHT, TOP = 580, 200, 28, 18, 8


def severity_counts(findings: list[Finding], frameworks: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Per framework (id, title), its findings by severity: each finding once per framework whose
    controls it names, as the verdict's by_framework counts them."""
    rows = []
    for fw, title in frameworks:
        counts = {key: 0 for key, _, _ in SEVERITIES}
        for f in findings:
            if f.controls.get(fw):
                counts[f.severity if f.severity in counts else "info"] += 1
        rows.append({"id": fw, "label": title, "counts": counts, "total": sum(counts.values())})
    return rows


def stacked_bars(chart_id: str, title: str, desc: str, rows: list[dict[str, Any]],
                 series: tuple[tuple[str, str, str], ...], unit: str) -> dict[str, Any]:
    """Horizontal stacked bars, one row per `rows` entry ({label, counts}), scaled to the largest total."""
    top = max([sum(r["counts"].get(k, 0) for k, _, _ in series) for r in rows] + [1])
    span = WIDTH - LABEL_WIDTH - 48  # room for the total after the bar
    bars = []
    for i, row in enumerate(rows):
        y, x, segments = TOP + i * ROW_HEIGHT, LABEL_WIDTH, []
        for key, label, colour in series:
            n = row["counts"].get(key, 0)
            if n:
                width = max(span * n / top, 2.0)
                segments.append({"x": round(x, 1), "width": round(width, 1), "colour": colour,
                                 "text": f"{row['label']}: {n} {label.lower()}"})
                x += width
        total = sum(row["counts"].get(k, 0) for k, _, _ in series)
        bars.append({"label": row["label"], "y": y, "text_y": y + BAR_HEIGHT - 4, "total": total,
                     "total_x": round(x + 6, 1), "segments": segments})
    return {"id": chart_id, "title": title, "desc": desc, "width": WIDTH, "height": TOP * 2 + len(rows) * ROW_HEIGHT,
            "label_width": LABEL_WIDTH - 8, "bar_height": BAR_HEIGHT, "bars": bars, "unit": unit,
            "legend": [{"label": label, "colour": colour} for _, label, colour in series]}


def findings_chart(findings: list[Finding], frameworks: list[tuple[str, str]]) -> dict[str, Any] | None:
    rows = [r for r in severity_counts(findings, frameworks) if r["total"]]
    if not rows:
        return None
    parts = "; ".join(f"{r['label']} {r['total']} (" + ", ".join(f"{n} {k}" for k, n in r["counts"].items() if n) + ")"
                      for r in rows)
    chart = stacked_bars("chart-findings", "Findings by framework and severity",
                         f"Findings that map to each framework, by severity, waived ones included: {parts}.",
                         rows, SEVERITIES, "findings")
    chart["table"] = rows
    chart["severities"] = [(key, label) for key, label, _ in SEVERITIES]
    return chart


def controls_chart(frameworks: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Control status per framework, from the control matrix's per-framework summary."""
    rows = [{"label": fw["title"], "counts": fw["summary"]} for fw in frameworks]
    if not rows:
        return None
    parts = "; ".join(f"{r['label']}: " + ", ".join(f"{r['counts'].get(k, 0)} {label.lower()}"
                                                    for k, label, _ in CONTROL_STATUSES) for r in rows)
    return stacked_bars("chart-controls", "Control status per framework",
                        f"Controls of each framework by status: {parts}.", rows, CONTROL_STATUSES, "controls")


def trend_points(history: Any) -> list[dict[str, Any]]:
    """Open findings per drift run, oldest first, from a drift history's runs (`finished` and
    `finding_count`, as the bundle's drift/history.json holds them); errored runs measured nothing."""
    points = []
    for run in history or []:
        if not isinstance(run, dict) or run.get("status") == "errored":
            continue
        when, count = run.get("finished"), run.get("finding_count")
        if isinstance(when, str) and isinstance(count, int) and not isinstance(count, bool):
            points.append({"time": when, "open": count})
    return sorted(points, key=lambda p: p["time"])


def trend_chart(history: Any) -> dict[str, Any] | None:
    """A line of open findings over time; nothing without at least two runs to compare."""
    points = trend_points(history)
    if len(points) < 2:
        return None
    height, left, right, top, bottom = 200, 48, 16, 12, 36
    peak = max(p["open"] for p in points) or 1
    step = (WIDTH - left - right) / (len(points) - 1)
    dots = []
    for i, p in enumerate(points):
        x = left + i * step
        y = top + (height - top - bottom) * (1 - p["open"] / peak)
        dots.append({"x": round(x, 1), "y": round(y, 1), "text": f"{p['time']}: {p['open']} open"})
    first, last = points[0], points[-1]
    desc = (f"Open findings in {len(points)} drift runs, from {first['open']} on {first['time']} "
            f"to {last['open']} on {last['time']}; the most was {peak}.")
    return {"id": "chart-trend", "title": "Open findings over time", "desc": desc, "width": WIDTH, "height": height,
            "left": left, "right": WIDTH - right, "baseline": height - bottom, "top": top, "peak": peak,
            "polyline": " ".join(f"{d['x']},{d['y']}" for d in dots), "dots": dots, "points": points,
            "first_label": first["time"][:10], "last_label": last["time"][:10]}
