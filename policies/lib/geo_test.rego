package cxgov.lib.geo_test

import rego.v1

import data.cxgov.lib.geo

# a SaaS host resolves through its longest listed dot-suffix, never a bare string suffix

test_saas_country_longest_suffix_wins if {
	geo.saas_country("https://o12.ingest.de.sentry.io/api/1/") == "DE" # not sentry.io's US
	geo.saas_country("https://o12.ingest.sentry.io/api/1/") == "US"
}

test_saas_country_bare_host_and_exact_key if {
	geo.saas_country("datadoghq.eu") == "DE"
	geo.saas_country("https://us3.datadoghq.com:443/path") == "US"
}

test_saas_country_unknown_or_not_at_a_label_boundary if {
	not geo.saas_country("https://example.org")
	not geo.saas_country("https://notdatadoghq.com")
}
