# METADATA
# title: Date arithmetic against the evaluation date, never the wall clock
package cxgov.lib.dates

import rego.v1

ns_per_day := ((24 * 60) * 60) * 1000000000

# cxgov sets evaluation_date on every input it judges
today := input.evaluation_date

# days from date a to date b (YYYY-MM-DD, or an RFC 3339 timestamp whose date part is used);
# undefined when either is not a date
days_between(a, b) := d if {
	d := (time.parse_ns("2006-01-02", substring(b, 0, 10)) - time.parse_ns("2006-01-02", substring(a, 0, 10))) / ns_per_day
}

# days since the date, as of the evaluation date
age_days(d) := days_between(d, today)

# a is strictly before b
before(a, b) if days_between(a, b) > 0
