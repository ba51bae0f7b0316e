"""Data stores, log sinks, AI endpoints and serverless services from Terraform, with their regions.

Reads the plan-JSON shape (`resource_changes[].change.after`, `configuration.provider_config`,
`configuration.root_module.resources[].provider_config_key`), which `.tf` sources are read into too:
an attribute set by an expression is null there, and its references say what would set it.
"""

from __future__ import annotations

from cxgov.draft import SINK_TYPE, TODO, Draft, Item, get
from cxgov.draft import ai
from cxgov.model import Subject

# Terraform resource type -> (descriptor type, attribute naming it)
DATA_STORES = {
    "aws_s3_bucket": ("s3", "bucket"), "aws_db_instance": ("rds", "identifier"),
    "aws_rds_cluster": ("aurora", "cluster_identifier"), "aws_dynamodb_table": ("dynamodb", "name"),
    "aws_elasticache_cluster": ("elasticache", "cluster_id"),
    "aws_elasticache_replication_group": ("elasticache", "replication_group_id"),
    "aws_opensearch_domain": ("opensearch", "domain_name"), "aws_elasticsearch_domain": ("opensearch", "domain_name"),
    "aws_docdb_cluster": ("documentdb", "cluster_identifier"), "aws_redshift_cluster": ("redshift", "cluster_identifier"),
    "aws_memorydb_cluster": ("memorydb", "name"), "aws_efs_file_system": ("efs", "creation_token"),
    "aws_sqs_queue": ("sqs", "name"), "aws_kinesis_stream": ("kinesis", "name"),
    "google_storage_bucket": ("gcs", "name"), "google_sql_database_instance": ("cloudsql", "name"),
    "google_bigquery_dataset": ("bigquery", "dataset_id"), "google_redis_instance": ("memorystore", "name"),
    "google_firestore_database": ("firestore", "name"), "google_spanner_instance": ("spanner", "name"),
    "google_pubsub_topic": ("pubsub", "name"),
    "azurerm_storage_account": ("azure_storage", "name"), "azurerm_mssql_server": ("azure_sql", "name"),
    "azurerm_postgresql_flexible_server": ("azure_postgresql", "name"),
    "azurerm_mysql_flexible_server": ("azure_mysql", "name"), "azurerm_cosmosdb_account": ("cosmosdb", "name"),
    "azurerm_redis_cache": ("azure_redis", "name"), "azurerm_search_service": ("azure_ai_search", "name"),
    "azurerm_servicebus_namespace": ("servicebus", "name"),
}
# log sinks: (attribute naming it, attribute holding its retention in days)
LOG_SINKS = {
    "aws_cloudwatch_log_group": ("name", "retention_in_days"),
    "google_logging_project_bucket_config": ("bucket_id", "retention_days"),
    "azurerm_log_analytics_workspace": ("name", "retention_in_days"),
}
SERVICES = {
    "aws_lambda_function": "function_name", "aws_ecs_service": "name", "aws_apprunner_service": "service_name",
    "google_cloud_run_v2_service": "name", "google_cloud_run_service": "name", "google_cloudfunctions2_function": "name",
    "azurerm_container_app": "name", "azurerm_linux_web_app": "name", "azurerm_linux_function_app": "name",
}
# machine facts a data store's own attributes state: descriptor field -> {type: attribute path}
FACTS = {
    "encryption_at_rest": {"aws_db_instance": ("storage_encrypted",), "aws_rds_cluster": ("storage_encrypted",),
                           "aws_docdb_cluster": ("storage_encrypted",), "aws_redshift_cluster": ("encrypted",),
                           "aws_elasticache_replication_group": ("at_rest_encryption_enabled",),
                           "aws_opensearch_domain": ("encrypt_at_rest", 0, "enabled")},
    "multi_az": {"aws_db_instance": ("multi_az",), "aws_elasticache_replication_group": ("multi_az_enabled",)},
    "public_access": {"aws_db_instance": ("publicly_accessible",), "aws_redshift_cluster": ("publicly_accessible",)},
}
CLUSTERS = {"aws_eks_cluster", "google_container_cluster", "azurerm_kubernetes_cluster"}
CLOUD_OF_PREFIX = {"aws": "aws", "google": "gcp", "azurerm": "azure"}


def resources(doc: dict):
    """(resource change, attributes after apply) of every managed resource that is not deleted."""
    for rc in doc.get("resource_changes") or []:
        change = rc.get("change") if isinstance(rc, dict) else None
        if isinstance(change, dict) and rc.get("mode", "managed") == "managed" \
                and "delete" not in (change.get("actions") or []) and isinstance(change.get("after"), dict):
            yield rc, change["after"]


def region(doc: dict, rc: dict, after: dict) -> tuple[str | None, str]:
    """The resource's own region or location, else its provider block's (alias included); with where
    it came from, or what an expression would set it from."""
    for attr in ("region", "location"):
        if isinstance(after.get(attr), str) and after[attr]:
            return after[attr], f"the resource's {attr}"
    config = _config_resource(doc, rc.get("address", ""))
    key = config.get("provider_config_key") or str(rc.get("type", "")).split("_")[0]
    provider = get(doc, "configuration", "provider_config", key) or {}
    value = get(provider, "expressions", "region", "constant_value")
    if isinstance(value, str) and value:
        return value, f"the region of provider {key}"
    refs = [r for attr in ("region", "location") for r in get(config, "expressions", attr, "references") or []]
    refs += get(provider, "expressions", "region", "references") or []
    if refs:
        return None, "set by " + ", ".join(sorted(set(map(str, refs)))) + ": give the value it resolves to"
    return None, "no region in the Terraform: where it runs"


def _config_resource(doc: dict, address: str) -> dict:
    found = [r for r in get(doc, "configuration", "root_module", "resources") or []
             if isinstance(r, dict) and r.get("address") == address]
    return found[0] if found else {}


def _named(rc: dict, after: dict, attr: str) -> tuple[str, str | None]:
    value = after.get(attr)
    if isinstance(value, str) and value:
        return value, None
    return str(rc.get("name") or rc.get("address")), f"named after {rc.get('address')}: its {attr} is not a literal"


def infer(plans: list[Subject], out: Draft) -> None:
    for s in plans:
        doc = s.document
        for rc, after in resources(doc):
            rtype, where = str(rc.get("type", "")), f"{rc.get('address')} ({s.origin.file})"
            if rtype not in DATA_STORES and rtype not in LOG_SINKS and rtype not in SERVICES:
                continue
            cloud = CLOUD_OF_PREFIX.get(rtype.split("_")[0])
            value, note = region(doc, rc, after)
            attr = DATA_STORES[rtype][1] if rtype in DATA_STORES else \
                LOG_SINKS[rtype][0] if rtype in LOG_SINKS else SERVICES[rtype]
            name, named = _named(rc, after, attr)
            item = Item(where, {"name": name})
            if named:
                item.notes["name"] = named
            if rtype in DATA_STORES:
                item.fields["type"] = DATA_STORES[rtype][0]
            elif rtype in LOG_SINKS:
                item.todo("type", SINK_TYPE)
            item.fields.update({"provider": cloud, "region": value or TODO})
            item.notes["region"] = note
            if rtype in DATA_STORES:
                for key, by_type in FACTS.items():
                    value = get(after, *by_type.get(rtype, ("-",)))
                    if isinstance(value, bool):
                        item.fields[key] = value
                        item.notes[key] = "from " + ".".join(map(str, by_type[rtype]))
                item.todo("data_kind", "transcript, vector_index, customer_record, session_state, ...")
                item.person_fields(retention=True, classification=True)
                out.data_stores.append(item)
            elif rtype in LOG_SINKS:
                days = after.get(LOG_SINKS[rtype][1])
                if isinstance(days, int) and not isinstance(days, bool):
                    item.fields["retention_days"] = days
                    item.notes["retention_days"] = f"from {LOG_SINKS[rtype][1]}"
                item.person_fields(retention=True)
                out.log_sinks.append(item)
            else:
                item.person_fields()
                out.services.append(item)
        _ai(doc, s.origin.file, out)


def _ai(doc: dict, file: str, out: Draft) -> None:
    """Azure OpenAI accounts (a lone deployment's SKU is the routing mode), Bedrock and Vertex AI use."""
    found = list(resources(doc))
    deployments = [a for rc, a in found if rc.get("type") == "azurerm_cognitive_deployment"]
    accounts = [(rc, a) for rc, a in found if rc.get("type") == "azurerm_cognitive_account"
                and str(a.get("kind", "")).lower() in ("openai", "aiservices")]
    for rc, after in accounts:
        sub = after.get("custom_subdomain_name")
        host = f"{sub}.openai.azure.com" if isinstance(sub, str) and sub else f"{rc.get('name')}.openai.azure.com"
        value, note = region(doc, rc, after)
        item = ai.provider(host, f"{rc.get('address')} ({file})", value, f"from Terraform: {note}")
        if not (isinstance(sub, str) and sub):
            item.todo("endpoint", "https://<custom subdomain>.openai.azure.com: custom_subdomain_name is not a literal")
        if len(accounts) == 1 and len(deployments) == 1:
            sku, model = get(deployments[0], "sku", 0, "name"), get(deployments[0], "model", 0, "name")
            if isinstance(sku, str):
                item.fields["routing_mode"] = sku
                item.notes["routing_mode"] = "the deployment's SKU"
            if isinstance(model, str):
                ai.set_model(item, model, "the deployment's model")
        out.ai_providers.append(item)
    seen = {ai.host_of(i.fields.get("endpoint")) for i in out.ai_providers}
    for rc, after in found:
        rtype = str(rc.get("type", ""))
        if not (rtype.startswith("aws_bedrock") or rtype == "google_vertex_ai_endpoint"):
            continue
        value, _ = region(doc, rc, after)
        if not value:
            continue
        host = f"bedrock-runtime.{value}.amazonaws.com" if rtype.startswith("aws_bedrock") else \
            f"{value}-aiplatform.googleapis.com"
        if host not in seen:
            seen.add(host)
            out.ai_providers.append(ai.provider(host, f"{rc.get('address')} ({file})"))


def cluster_regions(plans: list[Subject]) -> list[tuple[str, str]]:
    """(address, region) of every Kubernetes cluster the Terraform creates."""
    out = []
    for s in plans:
        for rc, after in resources(s.document):
            if rc.get("type") in CLUSTERS:
                value, _ = region(s.document, rc, after)
                if value:
                    out.append((str(rc.get("address")), value))
    return out
