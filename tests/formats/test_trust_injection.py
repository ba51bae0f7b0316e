"""What a policy or a document says cannot act on the reader: through the CLI, a user's conftest
policy whose messages and resources carry links with active schemes, raw HTML, and terminal control
sequences (colours, a screen clear, a window title, an OSC 8 hyperlink, a carriage return, 8-bit
controls), some from the policy and some from the document it judges.

The Markdown output and the GitHub step summary, rendered by a real CommonMark renderer that would
accept any link, hold no link, image or HTML from them; the terminal formats (text, table, TAP,
GitHub annotations) hold no control character but newline and tab.
"""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from conftest import run_cxgov

LINKS = ["[click here](javascript:alert(document.cookie))", "![x](data:text/html;base64,PHNjcmlwdD4=)",
         "<a href=\"vbscript:msgbox(1)\">open</a>", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
         "[ref]: javascript:alert(2)", "<javascript:alert(3)>"]
# JSON escapes, so the policy file itself stays plain text
CONTROLS = ["\\u001b[31mRED\\u001b[0m", "\\u001b[2J\\u001b[H", "\\u001b]0;pwned title\\u0007",
            "\\u001b]8;;https://evil.example/\\u001b\\\\click me\\u001b]8;;\\u001b\\\\", "fake line\\rOK   ",
            "\\u009b2J", "\\u009d0;c1 title\\u009c", "bell\\u0007", "\\u001bc"]

POLICY = """\
package main

import rego.v1

payloads := {json}

deny contains {{"msg": sprintf("payload %d: %s", [i, p]), "resource": p}} if {{
	some i, p in payloads
}}

deny contains {{"msg": sprintf("from the document: %s", [input.note]), "resource": input.note}} if {{
	input.note
}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("inject")
    (root / "policy").mkdir()
    payloads = "[" + ", ".join(json.dumps(p) for p in LINKS) + ", " + ", ".join(f'"{c}"' for c in CONTROLS) + "]"
    (root / "policy" / "inject.rego").write_text(POLICY.format(json=payloads))
    # the document's own value: an OSC 8 hyperlink around a javascript: link, with a colour
    (root / "input.json").write_text(json.dumps({"note": "\x1b]8;;javascript:alert(4)\x1b\\[go](javascript:alert(4))"
                                                         "\x1b]8;;\x1b\\ \x1b[1;31mbold\x1b[0m <b>html</b>"}))
    return root


def _run(project, *outputs, env=None):
    run = run_cxgov("check", "-p", "policy", "--no-builtin", "input.json", *outputs, cwd=project, env=env)
    assert run.code == 1, run.stderr  # the findings are there: the gate fails on them
    return run


def _tokens(markdown: str):
    md = MarkdownIt("commonmark")  # raw HTML on, as in most Markdown viewers
    md.validateLink = lambda url: True  # accept every scheme: only cxgov's escaping may stop a link
    stack = md.parse(markdown)
    while stack:
        token = stack.pop()
        yield token
        stack.extend(token.children or [])


def test_markdown_and_the_step_summary_hold_no_link_image_or_html_from_the_inputs(project):
    summary = project / "summary.md"
    _run(project, "-o", "markdown=report.md", "-o", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    for document in ((project / "report.md").read_text(), summary.read_text()):
        assert document.count("payload ") == len(LINKS) + len(CONTROLS)  # every finding is there, as text
        tokens = list(_tokens(document))
        assert not [t for t in tokens if t.type in ("link_open", "image")]
        html = [t.content for t in tokens if t.type in ("html_inline", "html_block")]
        assert set(html) <= {"<br>"}, html
        for scheme in ("javascript:", "vbscript:", "data:"):
            assert scheme not in document.lower()
        assert "\x1b" not in document and "\x9b" not in document
        assert "javascript&#58;alert(document.cookie)" in document  # shown, as text


@pytest.mark.parametrize("fmt", ["text", "table", "tap", "github", "markdown"])
def test_no_terminal_control_reaches_a_report(project, fmt):
    run = _run(project, "-o", fmt, "--color")
    controls = {c for c in run.stdout if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f}
    if fmt == "text":  # cxgov's own colours, and nothing else
        assert controls == {"\x1b"}
        stripped = run.stdout
        for sgr in ("\x1b[31m", "\x1b[0m", "\x1b[32m", "\x1b[33m", "\x1b[35m", "\x1b[36m", "\x1b[2m"):
            stripped = stripped.replace(sgr, "")
        assert "\x1b" not in stripped
    else:
        assert controls == set(), f"{fmt}: {controls}"
    for gone in ("pwned title", "c1 title", "evil.example"):  # a control sequence's content goes with it
        assert gone not in run.stdout
    assert "bold" in run.stdout  # the text a sequence wrapped stays readable
    if fmt != "github":  # which shows the 10 most severe annotations
        assert "click me" in run.stdout and "RED" in run.stdout
