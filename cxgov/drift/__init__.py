"""Continuous drift monitoring: compare a current run with an approved baseline, keep a history,
alert and export metrics.

`snapshot` reads both sides into one shape, `compare` says what changed (pure functions),
`history` appends runs to SQLite, `alerts` posts webhooks only on change, `metrics` writes
Prometheus textfiles, `report` renders a comparison as text, JSON or Markdown.
"""
