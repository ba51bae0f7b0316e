"""rego-cpp reports compile errors as s-expressions; people want `file:line:col: message`."""

from __future__ import annotations


def _atom(text: str, i: int) -> tuple[str, int]:
    """rego-cpp writes strings as `LEN:TEXT`; read one starting at i."""
    colon = text.index(":", i)
    length = int(text[i:colon])
    start = colon + 1
    return text[start : start + length], start + length


def describe_compile_error(raw: str, sources: dict[str, str]) -> str:
    """The first error in rego-cpp's error sequence as `file:line:col: message`."""
    errors = []
    pos = 0
    while True:
        i = raw.find("(error ", pos)
        if i < 0:
            break
        try:
            loc, after = _atom(raw, i + len("(error "))
            file, offset = loc, 0
            if "|" in raw[after : after + 1]:
                parts = raw[after + 1 :].split("|", 2)
                offset = int(parts[0])
            m = raw.find("(errormsg ", after)
            message, pos = _atom(raw, m + len("(errormsg ")) if m >= 0 else ("compile error", after)
        except (ValueError, IndexError):
            break
        errors.append(_format(file, offset, message, sources))
    if not errors:
        return " ".join(raw.split())[:300] or "compile error"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return errors[0] + more


def _format(file: str, offset: int, message: str, sources: dict[str, str]) -> str:
    source = sources.get(file)
    if source is None:
        return f"{file}: {message}"
    before = source[:offset]
    line = before.count("\n") + 1
    col = offset - (before.rfind("\n") + 1) + 1
    return f"{file}:{line}:{col}: {message}"
