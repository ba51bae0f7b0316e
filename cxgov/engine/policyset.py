"""Loading policies: Rego modules, their METADATA, data files, and what to query.

A PolicySet is everything an engine needs, read and checked once: modules already linted, data
merged, the catalog of control rules, and a digest that names exactly this set of sources.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
from dataclasses import dataclass, field
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cxgov.errors import PolicyError, UsageError
from cxgov.model import RuleInfo, canonical_json
from cxgov.paths import display_path
from cxgov.engine import lint as linter
from cxgov.engine.metadata import is_control_rule, rule_infos
from cxgov.engine.rego_source import Module, RegoSyntaxError, parse_module



def builtin_policy_dir() -> Path:
    """The builtin packs: inside the installed package, or at the repository root in a checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "policies", here.parent / "policies"):
        if candidate.is_dir():
            return candidate
    raise PolicyError("the builtin policy packs are missing from this installation", hint="reinstall cxgov")


@functools.lru_cache(maxsize=8)
def reference(name: str) -> dict:
    """A builtin reference data file (policies/data/<name>.json), for the code that reuses the rules'
    own facts (the descriptor draft, the `.env` reader's key shapes)."""
    return read_data_file(builtin_policy_dir() / "data" / f"{name}.json")


def builtin_pack_paths(packs: Sequence[str]) -> list[Path]:
    """The directories of some builtin packs and the shared lib, for load(): named by path, they
    stay builtin (their data and their stricter lint come with them)."""
    return [builtin_policy_dir() / p for p in ("lib", *packs)]


def policy_digest(sources: Iterable[tuple[str, str]], data: Any) -> str:
    """The one policy digest: every run's (RunInfo, so every report), a bundle's manifest, replay and
    drift all compute it here. sha256 over the multiset of the Rego sources evaluated and the canonical
    JSON of the merged data. `sources` are (path, source); unit-test modules (`_test.rego`) are left
    out, since they judge nothing and a check loads none, and so are paths: where a checkout or an
    installation keeps a module does not change it, a changed rule or datum does."""
    modules = sorted(hashlib.sha256(source.encode()).hexdigest()
                     for path, source in sources if not path.endswith("_test.rego"))
    return hashlib.sha256(canonical_json({"data": data, "modules": modules})).hexdigest()


@dataclass(frozen=True, slots=True)
class NamespacePlan:
    """What to query in one package: its control rules and whether it has `exception` rules."""

    package: str
    rules: tuple[str, ...]  # unique control-rule names, sorted
    rule_count: int  # rule definitions, as conftest counts them for its success tally
    has_exception: bool
    kinds: frozenset[str] | None = None  # subject kinds the package judges (METADATA applies_to); None: all

    def applies(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    @property
    def path(self) -> str:
        return self.package.replace(".", "/")


@dataclass
class PolicySet:
    modules: list[Module]
    tests: list[Module]
    data: dict[str, Any]
    rules: dict[tuple[str, str], RuleInfo]
    builtin_paths: set[str] = field(default_factory=set)
    warnings: list[linter.LintError] = field(default_factory=list)  # lint warnings of user policies
    allow_nondeterministic: bool = False  # network, clock and random builtins were allowed (recorded)

    @property
    def packages(self) -> list[str]:
        return sorted({m.package for m in self.modules})

    def catalog(self) -> dict[str, RuleInfo]:
        """One RuleInfo per rule id (a builtin rule's deny and warn share one), the deny first."""
        out: dict[str, RuleInfo] = {}
        for info in sorted(self.rules.values(), key=lambda r: (r.id, r.gate != "deny", r.rule)):
            out.setdefault(info.id, info)
        return out

    def digest(self) -> str:
        """The policy digest of this set (policy_digest)."""
        return policy_digest([(m.path, m.source) for m in self.modules], self.data)

    def plan(self, namespaces: list[str], *, all_namespaces: bool = False,
             kinds: set[str] | None = None) -> list[NamespacePlan]:
        """The packages to evaluate: user packages matching the globs, plus every builtin package;
        with `kinds`, only packages that judge at least one of those subject kinds."""
        chosen = []
        for package in self.packages:
            builtin = any(m.path in self.builtin_paths for m in self.modules if m.package == package)
            if builtin or all_namespaces or any(fnmatch.fnmatchcase(package, g) for g in namespaces):
                chosen.append(package)
        plans = []
        for package in chosen:
            defs = [r for m in self.modules if m.package == package for r in m.rules]
            control = [r for r in defs if is_control_rule(r.name) and not r.is_function]
            if control:
                infos = [self.rules.get((package, r.name)) for r in control]
                scoped = all(i is not None and i.applies_to for i in infos)
                plan = NamespacePlan(
                    package,
                    tuple(sorted({r.name for r in control})),
                    len(control),
                    any(r.name == "exception" for r in defs),
                    frozenset(k for i in infos for k in i.applies_to) if scoped else None,
                )
                if kinds is None or any(plan.applies(k) for k in kinds):
                    plans.append(plan)
        return plans

    def sources_for(self, plans: list[NamespacePlan]) -> dict[str, str]:
        """modules_for() as {path: source}, what a compile takes."""
        return {m.path: m.source for m in self.modules_for(plans)}

    def modules_for(self, plans: list[NamespacePlan]) -> list[Module]:
        """The modules a compile needs: user modules, the planned builtin packages, and the builtin
        helper packages (lib, each pack's helpers) those reference. Compile time grows with
        modules, so the rest of the builtin packs stay out."""
        by_package: dict[str, list[Module]] = {}
        for m in self.modules:
            by_package.setdefault(m.package, []).append(m)
        planned = {p.package for p in plans}
        wanted = [m for m in self.modules if m.path not in self.builtin_paths or m.package in planned]
        seen = {m.package for m in wanted}
        queue = list(wanted)
        while queue:
            for package in references(queue.pop(), by_package):
                if package not in seen:
                    seen.add(package)
                    queue.extend(by_package[package])
                    wanted.extend(by_package[package])
        return wanted


def references(module: Module, packages: dict[str, list[Module]]) -> set[str]:
    """The packages a module refers to through `data.` references (imports included)."""
    if module.refs is not None:  # read back from the policy cache
        return {p for p in module.refs if p in packages}
    found: set[str] = set()
    code = [t for t in module.tokens if t.kind not in ("comment", "newline")]
    for i, tok in enumerate(code):
        if tok.text != "data" or (i > 0 and code[i - 1].text == "."):
            continue
        parts, j = [], i + 1
        while j + 1 < len(code) and code[j].text == "." and code[j + 1].kind == "ident":
            parts.append(code[j + 1].text)
            j += 2
        for n in range(len(parts), 0, -1):  # the longest prefix that names a package
            if ".".join(parts[:n]) in packages:
                found.add(".".join(parts[:n]))
                break
    return found - {module.package}


def find_rego_files(paths: list[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            # hidden directories below the one given are skipped; the given path itself may be `..`
            files += sorted(f for f in p.rglob("*.rego")
                            if not any(part.startswith(".") for part in f.relative_to(p).parts))
        elif p.is_file():
            files.append(p)
        else:
            raise UsageError("no such policy file or directory", where=str(raw), hint="check the -p/--policy path")
    return files


def load(policy_paths: list[str | Path], data_paths: list[str | Path] = (), *, builtin: bool = False,
         include_tests: bool = False, root: Path | None = None, allow_nondeterministic: bool = False,
         lint_errors_fatal: bool = True) -> PolicySet:
    """Read, parse and lint policies; raise PolicyError naming the first problem found."""
    root = root or Path.cwd()
    sources: list[tuple[Path, bool]] = []
    if builtin:
        sources += [(f, True) for f in find_rego_files([builtin_policy_dir()])]
    user_files = find_rego_files(list(policy_paths))
    if policy_paths and not user_files:
        raise PolicyError("no policies found (no .rego files)", where=", ".join(map(str, policy_paths)),
                          hint="point -p/--policy at a directory or file holding .rego policies")
    builtin_dir = builtin_policy_dir().resolve()
    named_builtin = [f for f in user_files if f.resolve().is_relative_to(builtin_dir)]
    seen = {f.resolve() for f, _ in sources}
    # a builtin pack named by path is still builtin: its data and its stricter lint come with it
    sources += [(f, f in named_builtin) for f in user_files if f.resolve() not in seen]
    data = {"cxgov": builtin_data()} if builtin or named_builtin else {}
    user: dict[str, Any] = {}
    for d in data_paths:
        user = _merge(user, load_data_path(Path(d)), str(d))
    data = overlay(data, user)  # -d overrides builtin settings (residency profile, thresholds, dates)
    texts = []
    for file, is_builtin in sources:
        if file.name.endswith("_test.rego") and not include_tests:
            continue  # a check never needs the tests: don't pay for reading them
        path = display_path(file, root)
        texts.append((path, _read(file, path), is_builtin))
    return from_sources(texts, data, include_tests=include_tests, allow_nondeterministic=allow_nondeterministic,
                        lint_errors_fatal=lint_errors_fatal)


def from_sources(sources: list[tuple[str, str, bool]], data: dict[str, Any], *,
                 include_tests: bool = False, allow_nondeterministic: bool = False,
                 lint_errors_fatal: bool = True) -> PolicySet:
    """A PolicySet from (path, Rego source, is_builtin) and merged data: what load() reads from files,
    and what `evidence replay` reads from a bundle. Lint errors stop the load (unless not
    `lint_errors_fatal`: `policy lint` lists them all); warnings are kept."""
    from cxgov.engine import policy_cache

    dates = effective_dates(data)
    sources = [s for s in sources if include_tests or not s[0].endswith("_test.rego")]
    cache_key = None
    if lint_errors_fatal:  # `policy lint` always reads and lints everything
        cache_key = policy_cache.key(sources, {"tests": include_tests, "allow": allow_nondeterministic, "dates": dates})
        record = policy_cache.read(cache_key)
        cached = record and policy_cache.from_record(record, sources, data, allow_nondeterministic)
        if cached:
            return cached
    parsed = [(_parse(source, path), is_builtin) for path, source, is_builtin in sources]
    functions = frozenset(r.name for m, _ in parsed for r in m.rules if r.is_function)
    packages = frozenset(m.package for m, _ in parsed)
    modules, tests, rules, builtin_paths = [], [], {}, set()
    problems: list[linter.LintError] = []
    for module, is_builtin in parsed:
        problems += linter.lint(module, builtin=is_builtin, allow_nondeterministic=allow_nondeterministic,
                                functions=functions, packages=packages)
        if is_builtin:
            builtin_paths.add(module.path)
        if module.path.endswith("_test.rego"):
            tests.append(module)
            continue
        modules.append(module)
        for name, info in rule_infos(module, builtin=is_builtin, dates=dates).items():
            rules.setdefault((module.package, name), info)
    errors = [p for p in problems if p.severity == "error"]
    if errors and lint_errors_fatal:
        more = f" (and {len(errors) - 1} more; `cxgov policy lint` lists them all)" if len(errors) > 1 else ""
        raise PolicyError(str(errors[0]) + more)
    if not modules and not (include_tests and tests):
        raise PolicyError("no policies to evaluate", hint="give -p/--policy a directory of .rego files")
    policies = PolicySet(modules, tests if include_tests else [], data, rules, builtin_paths,
                         warnings=[p for p in problems if p.severity != "error" or not lint_errors_fatal],
                         allow_nondeterministic=allow_nondeterministic)
    if cache_key:
        policy_cache.write(cache_key, policy_cache.to_record(policies))
    return policies


def builtin_data() -> dict[str, Any]:
    """The builtin packs' data: `policies/data/config.json` as data.cxgov.config, every other
    `policies/data/<name>.json` as data.cxgov.ref.<name>."""
    data_dir = builtin_policy_dir() / "data"
    ref = {f.stem: read_data_file(f) for f in sorted(data_dir.glob("*.json")) if f.stem != "config"}
    return {"ref": ref, "config": read_data_file(data_dir / "config.json")}


def effective_dates(data: dict[str, Any]) -> dict[str, str]:
    """Named dates a rule's `effective_from` may use, with the Digital Omnibus switch applied."""
    config = (data.get("cxgov") or {}).get("config") or {}
    variant = "omnibus" if config.get("omnibus_in_force") else "original"
    return {name: value[variant] if isinstance(value, dict) else value for name, value in (config.get("dates") or {}).items()}


def _read(file: Path, path: str) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PolicyError("policy is not UTF-8 text", where=path) from None


def _parse(source: str, path: str) -> Module:
    try:
        return parse_module(path, source)
    except RegoSyntaxError as exc:
        raise PolicyError(str(exc), where=f"{path}:{exc.line}:{exc.col}", hint="fix the Rego syntax") from None


def load_data_path(path: Path) -> dict[str, Any]:
    """A data file merges at the root of `data`; a directory's files nest under their sub-paths (as OPA does)."""
    if path.is_dir():
        return load_data_dir(path)
    if path.is_file():
        value = read_data_file(path)
        if not isinstance(value, dict):
            raise UsageError("a data file must hold an object at its top level", where=str(path))
        return value
    raise UsageError("no such data file or directory", where=str(path), hint="check the -d/--data path")


def load_data_dir(directory: Path) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for file in sorted(directory.rglob("*")):
        if file.suffix not in (".json", ".yaml", ".yml") or not file.is_file():
            continue
        value = read_data_file(file)
        for part in reversed(file.relative_to(directory).parent.parts):
            value = {part: value}
        if not isinstance(value, dict):
            raise UsageError("a data file must hold an object at its top level", where=str(file))
        data = _merge(data, value, str(file))
    return data


def read_data_file(file: Path) -> Any:
    from cxgov.sources.readers import read_one  # one YAML 1.2 / JSON reader for everything

    return read_one(file).value


def _merge(a: dict, b: dict, where: str) -> dict:
    """Deep merge where a key defined twice with different values is an error."""
    out = dict(a)
    for key, value in b.items():
        if key in out and isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _merge(out[key], value, where)
        elif key in out and out[key] != value:
            raise UsageError(f"data key {key!r} is defined twice with different values", where=where)
        else:
            out[key] = value
    return out


def overlay(base: dict, top: dict) -> dict:
    """Deep merge where `top` wins."""
    out = dict(base)
    for key, value in top.items():
        out[key] = overlay(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) else value
    return out
