"""Continuous drift monitoring: compare a current run with an approved baseline, keep a history,
alert and export metrics.

`snapshot` reads both sides into one shape, `compare` says what changed (pure functions),
`history` appends runs to SQLite, `alerts` posts webhooks only on change, and `outcome` is one
run's result, which the drift formats (cxgov/formats/drift_*.py: text, JSON, Markdown reports and
the Prometheus textfile) read.
"""
