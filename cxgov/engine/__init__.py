"""Policy engines: the Engine interface, the embedded OPA and OPA server engines, and Rego source tooling."""
