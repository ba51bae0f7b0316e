"""Policy engines: the Engine interface, the embedded rego-cpp engine, and Rego source tooling."""
