"""The README's Layout names each folder and what it holds, and matches the tree: every folder it names
exists, and every folder of the repository's top level, every package folder under cxgov/ and every
folder directly under policies/ and tests/ is named."""

from __future__ import annotations

import re
import subprocess

from conftest import ROOT

ENTRY = re.compile(r"^(?P<indent> *)(?P<name>[.\w-]+/)(?: +(?P<what>\S.*))?$")


def layout() -> dict[str, str]:
    """{folder path: what the README says it holds}, from the code block under `## Layout`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Layout\n", 1)[1].split("```\n", 2)[1]
    entries: dict[str, str] = {}
    parents: list[str] = []
    for line in block.splitlines():
        m = ENTRY.match(line)
        if not m:
            continue  # a description's continuation line
        depth = len(m["indent"]) // 2
        parents = parents[:depth] + [m["name"].rstrip("/")]
        entries["/".join(parents)] = m["what"] or ""
    return entries


def tracked_folders() -> set[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert len(files) > 100  # a checkout, not an export without git
    folders = {"/".join(f.split("/")[:n]) for f in files for n in range(1, f.count("/") + 1)}
    wanted = {f for f in folders if "/" not in f}  # the top level
    wanted |= {f for f in folders if f.startswith("cxgov/")}  # every package folder
    wanted |= {f for f in folders if f.count("/") == 1 and f.split("/")[0] in ("policies", "tests")}
    return wanted


def test_every_folder_the_layout_names_exists_and_says_what_it_holds():
    entries = layout()
    assert len(entries) > 20
    assert [path for path in entries if not (ROOT / path).is_dir()] == []
    assert [path for path, what in entries.items() if len(what) < 10] == []


def test_every_folder_of_the_tree_is_in_the_layout():
    assert sorted(tracked_folders() - set(layout())) == []
