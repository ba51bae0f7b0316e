"""The builtin policy packs, by the name `--pack`, `policies.builtin: [...]` and the Action's `packs`
input use: one list, so adding a pack is one edit. Imports nothing, so every command line may read it."""

PACKS = ("residency", "gdpr", "soc2", "ai_act", "wcag", "governance", "shadow_ai")
