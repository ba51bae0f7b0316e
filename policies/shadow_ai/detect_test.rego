package cxgov.shadow_ai.detect_test

import rego.v1

import data.cxgov.lib.fixtures.plan
import data.cxgov.lib.fixtures.pod
import data.cxgov.shadow_ai.detect

catalog := data.cxgov.ref.ai_catalog

providers_of(kind, doc) := {u.provider | some u in detect.found(kind, doc)}

# --- every catalog entry: a positive and a negative -------------------------------------------

test_every_host_is_found_and_a_lookalike_is_not if {
	every h, e in catalog.hosts {
		providers_of("kubernetes", pod([{"name": "URL", "value": concat("", ["https://", h, "/v1"])}], "app:1")) == {e.provider}
		providers_of("kubernetes", pod([{"name": "URL", "value": concat("", ["https://", h, ".evil.example/v1"])}], "app:1")) == set()
		providers_of("kubernetes", pod([{"name": "URL", "value": concat("", ["https://x", h])}], "app:1")) == set()
	}
}

test_every_host_pattern_matches_its_example_and_not_a_suffixed_host if {
	every p in catalog.host_patterns {
		p.provider in providers_of("kubernetes", pod([{"name": "URL", "value": concat("", ["https://", p.example])}], "app:1"))
		providers_of("kubernetes", pod([{"name": "URL", "value": concat("", ["https://", p.example, ".example.com"])}], "app:1")) == set()
	}
}

test_every_env_var_is_found_and_a_longer_name_is_not if {
	every name, e in catalog.env_vars {
		providers_of("kubernetes", pod([{"name": name, "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}], "app:1")) == {e.provider}
		providers_of("kubernetes", pod([{"name": concat("", [name, "_OLD"]), "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}], "app:1")) == set()
		providers_of("dotenv", {"vars": [{"name": name, "line": 3, "has_value": true, "host": null, "key_shape": null}]}) == {e.provider}
	}
}

test_every_key_shape_is_found_and_a_truncated_key_is_not if {
	every s in catalog.key_shapes {
		providers_of("kubernetes", pod([{"name": "LLM_TOKEN", "value": s.example}], "app:1")) == {s.provider}
		providers_of("kubernetes", pod([{"name": "LLM_TOKEN", "value": substring(s.example, 0, count(s.prefix) + 3)}], "app:1")) == set()
	}
}

# min_key_length is a floor of every key shape: no shorter value is looked at as a key
test_no_key_shape_is_shorter_than_the_minimum_key_length if {
	every s in catalog.key_shapes {
		regex.match(s.pattern, s.example)
		count(s.example) >= catalog.min_key_length.chars
	}
}

test_every_image_is_found_mirrored_or_not_and_a_sibling_repository_is_not if {
	every repo, e in catalog.images {
		providers_of("kubernetes", pod([], concat("", [object.get(e, "registry", "docker.io"), "/", repo, ":1.0"]))) == {e.provider}
		providers_of("kubernetes", pod([], concat("", ["123456789012.dkr.ecr.eu-central-1.amazonaws.com/", repo, ":1.0@sha256:abc"]))) == {e.provider}
		providers_of("kubernetes", pod([], concat("", [repo, "-exporter:1.0"]))) == set()
		count(split(repo, "/")) == 2 # image_key compares namespace/name
	}
}

test_every_resource_type_is_found_and_another_type_is_not if {
	every t, _ in catalog.resource_types {
		count(providers_of("terraform-plan", plan([[t, "x", {}]]))) == 1
		providers_of("terraform-plan", plan([[concat("", [t, "_policy"]), "x", {}]])) == set()
	}
}

test_every_terraform_provider_is_found_and_another_is_not if {
	every name, e in catalog.terraform_providers {
		providers_of("terraform-plan", {"configuration": {"provider_config": {"x": {"name": "x", "full_name": name}}}}) == {e.provider}
		providers_of("terraform-plan", {"configuration": {"provider_config": {"x": {"name": "x", "full_name": concat("", [name, "-community"])}}}}) == set()
	}
}

test_every_package_is_found_and_a_longer_name_is_not if {
	every eco, packages in catalog.packages {
		every name, e in packages {
			e.provider in providers_of("dependencies", deps(eco, [name, hub_client(eco)]))
			providers_of("dependencies", deps(eco, [concat("", [name, "-extras"])])) == set()
		}
	}
}

hub_client("pypi") := "huggingface-hub"

hub_client(eco) := "none" if eco != "pypi"

deps(eco, names) := {"ecosystem": eco, "packages": [{"name": n, "version": "", "line": i + 1} | some i, n in names]}

# --- the tricky negatives of the issue -------------------------------------------------------

test_negative_hosts_never_match if {
	every h in catalog.negatives.hosts {
		providers_of("kubernetes", pod([{"name": "URL", "value": concat("", ["https://", h])}], "app:1")) == set()
	}
}

test_negative_images_and_packages_never_match if {
	every image in catalog.negatives.images {
		providers_of("kubernetes", pod([], image)) == set()
	}
	every name in catalog.negatives.packages {
		providers_of("dependencies", deps("pypi", [name])) == set()
	}
}

test_a_vendor_named_in_a_value_that_is_no_url_does_not_match if {
	providers_of("kubernetes", pod([{"name": "NOTE", "value": "uses openai and api.anthropic.com # openai"}], "app:1")) == set()
}

test_transformers_alone_is_local_tokenisation if {
	providers_of("dependencies", deps("pypi", ["transformers", "tokenizers"])) == set()
	providers_of("dependencies", deps("pypi", ["transformers", "huggingface-hub"])) == {"huggingface"}
}

test_an_internal_gateway_url_decides_over_the_variable_name if {
	providers_of("kubernetes", pod([{"name": "ANTHROPIC_BASE_URL", "value": "http://llm-gateway.ai.svc.cluster.local"}], "app:1")) == set()
}

# --- regions, resources and locations --------------------------------------------------------

test_bedrock_region_comes_from_the_host if {
	some u in detect.found("kubernetes", pod([{"name": "E", "value": "https://bedrock-runtime.eu-central-1.amazonaws.com"}], "app:1"))
	u.region == "eu-central-1"
	u.path == "spec.containers.0.env.0.value"
}

test_a_deployment_takes_its_accounts_host_and_region if {
	doc := {
		"resource_changes": [
			{"address": "azurerm_cognitive_account.a", "mode": "managed", "type": "azurerm_cognitive_account", "name": "a", "change": {"actions": ["create"], "after": {"kind": "OpenAI", "location": "Sweden Central", "custom_subdomain_name": "Acme-Sum"}}},
			{"address": "azurerm_cognitive_deployment.d", "mode": "managed", "type": "azurerm_cognitive_deployment", "name": "d", "change": {"actions": ["create"], "after": {"name": "d"}}},
		],
		"configuration": {"root_module": {"resources": [{"address": "azurerm_cognitive_deployment.d", "expressions": {"cognitive_account_id": {"references": ["azurerm_cognitive_account.a.id", "azurerm_cognitive_account.a"]}}}]}},
	}
	got := {[u.evidence, u.provider, u.host, u.region] | some u in detect.found("terraform-plan", doc)}
	got == {
		["azurerm_cognitive_account.a", "azure_openai", "acme-sum.openai.azure.com", "swedencentral"],
		["azurerm_cognitive_deployment.d", "azure_openai", "acme-sum.openai.azure.com", "swedencentral"],
	}
}

# accounts of other kinds, and AI Services accounts, live under the Cognitive Services domain
test_other_azure_ai_accounts_take_the_cognitive_services_domain if {
	doc := plan([
		["azurerm_cognitive_account", "speech", {"kind": "SpeechServices", "location": "westeurope", "custom_subdomain_name": "acme-speech"}],
		["azurerm_ai_services", "hub", {"location": "westeurope", "name": "acme-hub"}],
	])
	got := {[u.evidence, u.provider, u.host] | some u in detect.found("terraform-plan", doc)}
	got == {
		["azurerm_cognitive_account.speech", "azure_ai", "acme-speech.cognitiveservices.azure.com"],
		["azurerm_ai_services.hub", "azure_ai", "acme-hub.cognitiveservices.azure.com"],
	}
}

test_configmap_secret_ingress_and_egress_hosts if {
	providers_of("kubernetes", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"config.yaml": "model_list:\n  - api_base: https://api.mistral.ai/v1\n"}}) == {"mistral"}
	providers_of("kubernetes", {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"OPENAI_API_KEY": "x"}}) == {"openai"}
	providers_of("kubernetes", {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry", "metadata": {"name": "e"}, "spec": {"hosts": ["api.cohere.com"]}}) == {"cohere"}
	providers_of("kubernetes", {"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy", "metadata": {"name": "n"}, "spec": {"egress": [{"toFQDNs": [{"matchName": "api.groq.com"}]}]}}) == {"groq"}
}

test_odd_values_are_no_error if {
	providers_of("kubernetes", pod([{"name": 8080, "value": 8080}, {"name": "X", "value": 3}], 42)) == set()
}

# --- the per-document path: the workload_signal shortcut lets every catalog entry through --------

usages_of(doc) := found if {
	found := {u.provider | some u in detect.input_usages} with input as doc
}

test_every_catalog_entry_passes_the_workload_signal if {
	every h, e in catalog.hosts {
		usages_of(pod([{"name": "URL", "value": concat("", ["https://", h])}], "app:1")) == {e.provider}
	}
	every name, e in catalog.env_vars {
		usages_of(pod([{"name": name, "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}], "app:1")) == {e.provider}
	}
	every s in catalog.key_shapes {
		usages_of(pod([{"name": "LLM_TOKEN", "value": s.example}], "app:1")) == {s.provider}
	}
	every repo, e in catalog.images {
		usages_of(pod([], concat("", [object.get(e, "registry", "docker.io"), "/", upper(repo), ":1.0"]))) == {e.provider}
		usages_of(pod([], repo)) == {e.provider}
	}
}

test_a_workload_without_signal_has_no_usages_and_every_workload_kind_is_read if {
	plain := [{"name": "DD_SITE", "value": "datadoghq.eu"}, {"name": "LLM_REGION", "value": "eu-west-1"}]
	usages_of(pod(plain, "123456789012.dkr.ecr.eu-central-1.amazonaws.com/acme-cx/svc-00001:1.2.3")) == set()
	spec := {"initContainers": [{"name": "pull", "image": "ollama/ollama:0.5"}], "containers": [{"name": "c", "image": "app:1"}]}
	usages_of({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}}}) == {"ollama"}
	some u in detect.input_usages with input as {"kind": "Job", "spec": {"template": {"spec": spec}}}
	u.path == "spec.template.spec.initContainers.0.image"
}

test_an_image_is_named_by_its_repository_without_tag_or_digest if {
	some u in detect.found("kubernetes", pod([], "registry.example.com:5000/mirror/ollama/ollama:0.5@sha256:abc"))
	u.evidence == "image registry.example.com:5000/mirror/ollama/ollama"
}
