"""The schema of the cxgov descriptor (`apiVersion: cxgov.io/v1`, `kind: AISystem`): what a CX AI system
is made of, as pydantic models. Validating a document against it, with messages, is `cxgov.descriptor`.

The model checks shape, types and spelling (unknown keys are errors, so a typo never hides a
field from a rule). It does not decide completeness: almost every field is optional, because a
missing field is a *finding* of the rule that needs it (fail closed, with the rule's id and
remediation), not a parse error. `cxgov schema descriptor` prints the JSON Schema for editors.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

API_VERSION = "cxgov.io/v1"
KIND = "AISystem"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Evidence(_Model):
    """A reference to evidence a person produced: the file, its recorded hash, who approved it, when."""

    uri: str = Field(description="Path relative to the descriptor, or a URL.")
    sha256: Optional[str] = Field(None, pattern=r"^[0-9a-f]{64}$")
    approved_by: Optional[str] = None
    approved_at: Optional[date] = None
    tags: list[str] = Field([], description="What the document covers, e.g. ai_incident, ai_act_art73, gdpr_art33.")


Ref = Optional[Evidence]


class Metadata(_Model):
    name: str
    owner: Optional[str] = None
    description: Optional[str] = None
    labels: dict[str, str] = {}


class AutomatedDecision(_Model):
    name: str
    significant_effect: Optional[bool] = None
    human_review_available: Optional[bool] = None


class AIAct(_Model):
    role: Optional[Literal["provider", "deployer", "both"]] = None
    risk_class: Optional[Literal["minimal", "limited", "high", "prohibited"]] = None
    annex_iii: list[str] = Field([], description="Annex III points claimed, e.g. 5(b).")
    annex_iv_sections: list[int] = []
    profiling: Optional[bool] = None
    art6_3_assessment_ref: Ref = None
    placed_on_market: Optional[date] = None
    doc_ref: Ref = None
    eu_db_registration_id: Optional[str] = None
    ce_marked: Optional[bool] = None
    qms_ref: Ref = None
    fria_ref: Ref = None
    risk_mgmt_ref: Ref = None
    pmm_plan_ref: Ref = None
    pmm_metrics: list[str] = []
    art73_procedure_ref: Ref = None
    literacy_training_ref: Ref = None
    ifu_ref: Ref = None


class System(_Model):
    environment: Optional[Literal["production", "staging", "development", "test"]] = None
    use_cases: list[str] = []
    deployer_type: Optional[Literal["private", "public_body", "public_service"]] = None
    ai_act: AIAct = AIAct()
    automated_decisions: list[AutomatedDecision] = []


class Endpoint(_Model):
    url: str
    tls_min_version: Optional[str] = None
    hsts_max_age: Optional[int] = None
    redirects_to_https: Optional[bool] = None


class Service(_Model):
    name: str
    provider: Optional[str] = Field(None, description="aws, gcp, azure, or another hosting provider.")
    region: Optional[str] = None
    contains_personal_data: Optional[bool] = None
    endpoints: list[Endpoint] = []
    ropa_ref: Optional[str] = None


class Backup(_Model):
    enabled: Optional[bool] = None
    encryption_at_rest: Optional[bool] = Field(None, description="Defaults to the store's own setting.")
    regions: list[str] = []
    retention_days: Optional[int] = None
    last_restore_test: Optional[date] = None


class DataStore(_Model):
    name: str
    type: Optional[str] = None
    data_kind: Optional[str] = Field(None, description="transcript, vector_index, customer_record, ...")
    provider: Optional[str] = None
    region: Optional[str] = None
    replica_regions: list[str] = []
    backup: Backup = Backup()
    encryption_at_rest: Optional[bool] = None
    kms_key_type: Optional[Literal["provider_managed", "customer_managed"]] = None
    key_rotation_days: Optional[int] = None
    retention_days: Optional[int] = Field(None, description="0 or absent means kept forever.")
    classification: Optional[Literal["public", "internal", "confidential", "restricted"]] = None
    contains_personal_data: Optional[bool] = None
    special_category: Optional[bool] = None
    system_of_record: Optional[bool] = None
    multi_az: Optional[bool] = None
    public_access: Optional[bool] = None
    ropa_ref: Optional[str] = None
    justification_ref: Ref = None


class LogSink(_Model):
    name: str
    type: Optional[Literal["ai_event", "security", "application", "analytics", "audit"]] = None
    vendor: Optional[str] = None
    provider: Optional[str] = None
    endpoint: Optional[str] = None
    region: Optional[str] = None
    data_kinds: list[str] = Field([], description="transcript, ai_event, pii, metrics, ...")
    retention_days: Optional[int] = None
    immutable: Optional[bool] = None
    redaction_enabled: Optional[bool] = None
    encryption_at_rest: Optional[bool] = None
    classification: Optional[Literal["public", "internal", "confidential", "restricted"]] = None
    contains_personal_data: Optional[bool] = None
    ropa_ref: Optional[str] = None
    justification_ref: Ref = None


class Transfer(_Model):
    """How a transfer outside the EEA is made lawful (GDPR Chapter V)."""

    transfer_mechanism: Optional[Literal["adequacy", "dpf", "scc", "bcr", "art49"]] = None
    adequacy_scope: list[str] = Field([], description="Scopes of an adequacy decision the recipient is in, "
                                      "e.g. appi (Japan), pipeda_commercial (Canada).")
    scc_module: Optional[int] = None
    tia_ref: Ref = None
    continuous: Optional[bool] = None
    dpf_certified: Optional[bool] = None
    dpf_scope: list[str] = []
    dpf_checked_at: Optional[date] = None


class AIProvider(Transfer):
    name: str
    vendor: Optional[str] = None
    service: Optional[str] = Field(None, description="azure_openai, bedrock, vertex_ai, openai, anthropic, ...")
    endpoint: Optional[str] = None
    region: Optional[str] = None
    routing_mode: Optional[str] = Field(None, description="e.g. Standard, DataZoneStandard, GlobalStandard, regional.")
    model_id: Optional[str] = Field(None, description="Model or inference profile id, e.g. eu.anthropic.claude-...")
    destination_regions: list[str] = []
    support_access_countries: list[str] = []
    role: Optional[Literal["processor", "controller", "subprocessor"]] = None
    training_on_customer_data: Optional[bool] = None
    zero_data_retention: Optional[bool] = None
    pii_redaction: Optional[bool] = None
    dpa_ref: Ref = None
    subprocessor_ref: Ref = None
    gpai_docs_ref: Ref = None


class Vendor(Transfer):
    name: str
    country: Optional[str] = None
    role: Optional[Literal["processor", "controller", "subprocessor"]] = None
    services: list[str] = []
    dpa_ref: Ref = None
    subprocessor_ref: Ref = None
    soc2_period_end: Optional[date] = None
    bridge_letter: Optional[bool] = None
    last_review: Optional[date] = None
    support_access_countries: list[str] = []


class Network(_Model):
    tls_min_version: Optional[str] = None
    tls13_enabled: Optional[bool] = None
    hsts_max_age: Optional[int] = None
    default_deny: Optional[bool] = None
    llm_egress_allowlist: list[str] = []


class Identity(_Model):
    mfa_enforced: Optional[bool] = None
    mfa_required_roles: list[str] = []
    phishing_resistant_admin_mfa: Optional[bool] = None


class Monitoring(_Model):
    audit_logging: Optional[bool] = None
    ai_events: list[str] = Field([], description="Fields logged per AI event (timestamp, session_id, ...).")
    ai_metrics: list[str] = []
    alerts: list[str] = []


class HumanHandoff(_Model):
    enabled: Optional[bool] = None
    override_enabled: Optional[bool] = None
    kill_switch: Optional[bool] = None
    max_wait_seconds: Optional[int] = None


class OversightRole(_Model):
    name: str
    training_ref: Ref = None


class Oversight(_Model):
    roles: list[OversightRole] = []


class AIDisclosure(_Model):
    enabled: Optional[bool] = None
    timing: Optional[Literal["pre_interaction", "first_turn", "on_request", "none"]] = None
    channels: list[str] = []
    element_selector: Optional[str] = None
    er_notice: Optional[bool] = None
    highrisk_notice: Optional[bool] = None
    logged: Optional[bool] = Field(None, description="Each display is logged as a disclosure_shown event.")


class Channel(_Model):
    type: Literal["chat", "voice", "email", "messaging", "web", "app"]
    name: Optional[str] = None
    url: Optional[str] = None
    spoken_disclosure: Optional[bool] = None


class EmotionRecognition(_Model):
    enabled: Optional[bool] = None
    subjects: list[Literal["customers", "employees"]] = []
    modality: list[str] = Field([], description="text, voice, video, face")
    purpose: Optional[str] = None


class VoiceBiometrics(_Model):
    enabled: Optional[bool] = None
    consent_mode: Optional[str] = None


class GenAIOutput(_Model):
    modality: Literal["text", "audio", "image", "video"]
    marking: Optional[str] = Field(None, description="none, watermark, metadata, c2pa, ...")


class GenAIEvaluation(_Model):
    thresholds: dict[str, str] = Field({}, description="GenAI evaluation scorer -> level its aggregate must meet, "
                                                       "e.g. groundedness: '>=0.85', safety: '>=0.99' (AIACT-15-01).")


class GenAI(_Model):
    outputs: list[GenAIOutput] = []
    customer_facing: Optional[bool] = Field(None, description="Generated answers reach customers: the models below "
                                                              "need a recent GenAI evaluation (AIACT-15-01).")
    models: list[str] = Field([], description="Which of models[] generate those answers; none listed means all.")
    evaluation: GenAIEvaluation = GenAIEvaluation()


class Guardrails(_Model):
    input_max_tokens: Optional[int] = None
    input_validation: Optional[bool] = None
    output_filter: Optional[bool] = None
    fallback_mode: Optional[str] = Field(None, description="handoff, canned_response, ... (none means no fail-safe)")


class PIIRedaction(_Model):
    enabled: Optional[bool] = None


class DSR(_Model):
    erasure_propagates_to: list[str] = []


class VulnFinding(_Model):
    id: str
    severity: Literal["critical", "high", "medium", "low"]
    opened: date
    fixed: Optional[date] = None


class VulnScan(_Model):
    last_scan: Optional[date] = None
    findings: list[VulnFinding] = []


class RopaEntry(_Model):
    id: str
    purpose: Optional[str] = None
    recipients: list[str] = []
    transfers: list[str] = Field([], description="Third countries data goes to (ISO codes).")
    erasure_limit_days: Optional[int] = None


class ModelRef(_Model):
    """A model the system serves, in the MLflow registry."""

    name: str
    version: Optional[str] = None
    alias: Optional[str] = None
    tracking_uri: Optional[str] = None


class Release(_Model):
    image_digest: Optional[str] = None
    version: Optional[str] = None


class UIEntryPoint(_Model):
    name: Optional[str] = None
    url: str
    states: list[dict[str, Any]] = Field([], description="Steps reaching each state to scan.")
    allowed_origins: list[str] = Field([], description="Other origins (scheme://host[:port]) the page may redirect or "
                                                       "navigate to, e.g. a login page; any other is an error.")


class UI(_Model):
    entry_points: list[UIEntryPoint] = []
    scan_states: list[str] = []
    last_change: Optional[date] = None
    session_timeout_s: Optional[int] = None
    timeout_warning: Optional[bool] = None
    extend_allowed: Optional[bool] = None


class Accessibility(_Model):
    statement_url: Optional[str] = None
    eaa_in_scope: Optional[bool] = None
    microenterprise: Optional[bool] = None
    disproportionate_burden_claimed: Optional[bool] = None
    disproportionate_burden_ref: Ref = None
    at_test_ref: Ref = None
    manual_checklist: dict[str, str] = Field({}, description="WCAG 2.2 criterion -> pass/fail/na.")
    manual_reviews: list[str] = Field([], description="axe rule ids a person has reviewed.")


class EvidenceSet(_Model):
    """Evidence documents that no other section owns."""

    dpia_screening_ref: Ref = None
    dpia_required: Optional[bool] = None
    dpia_ref: Ref = None
    pentest_ref: Ref = None
    incident_runbook_ref: Ref = None
    privacy_notice_ref: Ref = None
    ropa_export_ref: Ref = None


class Descriptor(_Model):
    """A customer-experience AI system as deployed: what runs where, on which data, under which controls."""

    api_version: Literal["cxgov.io/v1"] = Field(alias="apiVersion")
    kind: Literal["AISystem"]
    metadata: Metadata
    system: System = System()
    release: Release = Release()
    models: list[ModelRef] = []
    services: list[Service] = []
    data_stores: list[DataStore] = []
    log_sinks: list[LogSink] = []
    ai_providers: list[AIProvider] = []
    vendors: list[Vendor] = []
    network: Network = Network()
    identity: Identity = Identity()
    monitoring: Monitoring = Monitoring()
    human_handoff: HumanHandoff = HumanHandoff()
    oversight: Oversight = Oversight()
    ai_disclosure: AIDisclosure = AIDisclosure()
    channels: list[Channel] = []
    emotion_recognition: EmotionRecognition = EmotionRecognition()
    voice_biometrics: VoiceBiometrics = VoiceBiometrics()
    genai: GenAI = GenAI()
    guardrails: Guardrails = Guardrails()
    pii_redaction: PIIRedaction = PIIRedaction()
    dsr: DSR = DSR()
    vuln_scan: VulnScan = VulnScan()
    ropa: list[RopaEntry] = []
    evidence: EvidenceSet = EvidenceSet()
    ui: UI = UI()
    accessibility: Accessibility = Accessibility()


def schema() -> dict[str, Any]:
    return Descriptor.model_json_schema(by_alias=True)
