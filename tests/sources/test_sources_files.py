"""The files source: discovery, YAML 1.2 / JSON / TOML / HCL2 reading, kinds, ids, lines and limits."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from cxgov.errors import InputError, UsageError
from cxgov.model import Location, canonical_json
from cxgov.sources import files as files_module
from cxgov.sources.files import FileSource, Limits, recognise
from cxgov.sources.readers import PARSERS
from conftest import DATA as TESTS_DATA

DATA = TESTS_DATA / "sources"


def read(tmp_path: Path, name: str, text: str | bytes, **options):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return list(FileSource([str(path)], root=tmp_path, **options).subjects())


def refused(tmp_path: Path, name: str, text: str | bytes, **options) -> str:
    with pytest.raises(InputError) as caught:
        read(tmp_path, name, text, **options)
    message = str(caught.value)
    assert name in message
    return message


# --- YAML 1.2 core schema -------------------------------------------------------------------------


def test_norway_and_on_off_stay_strings(tmp_path):
    text = 'country: NO\nregion: "on"\nregion2: on\nflags: [yes, no, Yes, NO, y, n, off, On, OFF]\n'
    (subject,) = read(tmp_path, "c.yaml", text)
    assert subject.document == {
        "country": "NO",
        "region": "on",
        "region2": "on",
        "flags": ["yes", "no", "Yes", "NO", "y", "n", "off", "On", "OFF"],
    }


def test_only_core_booleans_and_nulls(tmp_path):
    text = "a: [true, True, TRUE, false, False, FALSE, tRUE]\nb: [null, Null, NULL, ~, '']\nc:\n"
    (subject,) = read(tmp_path, "b.yaml", text)
    assert subject.document["a"] == [True, True, True, False, False, False, "tRUE"]
    assert subject.document["b"] == [None, None, None, None, ""]
    assert subject.document["c"] is None


def test_core_numbers_no_sexagesimal_no_timestamps(tmp_path):
    text = (
        "ints: [0o17, 0x1F, 010, -7, +3, 0]\n"
        "floats: [1.5, .5, 1e3, -2.0]\n"
        "strings: [1:20, 0b101, 1_000, 2024-01-01, 2024-01-01T10:00:00Z, 0o9, '12']\n"
    )
    (subject,) = read(tmp_path, "n.yaml", text)
    document = subject.document
    assert document["ints"] == [15, 31, 10, -7, 3, 0]
    assert all(type(v) is int for v in document["ints"])
    assert document["floats"] == [1.5, 0.5, 1000.0, -2.0]
    assert all(type(v) is float for v in document["floats"])
    assert document["strings"] == ["1:20", "0b101", "1_000", "2024-01-01", "2024-01-01T10:00:00Z", "0o9", "12"]
    json.dumps(document, allow_nan=False)  # nothing non-JSON-able came out


def test_explicit_tags_local_tags_and_merge_keys(tmp_path):
    text = (
        "a: !!str 12\nb: !!int '7'\nc: !!float 1\nd: !Ref Bucket\ne: !!timestamp 2025-01-01\n"
        "base: &base {x: 1, y: 2}\nmerged:\n  <<: *base\n  y: 3\n"
    )
    (subject,) = read(tmp_path, "t.yaml", text)
    assert subject.document["a"] == "12"
    assert subject.document["b"] == 7
    assert subject.document["c"] == 1.0 and type(subject.document["c"]) is float
    assert subject.document["d"] == "Bucket"
    assert subject.document["e"] == "2025-01-01"
    assert subject.document["merged"] == {"x": 1, "y": 3}


def test_non_string_keys_become_strings(tmp_path):
    (subject,) = read(tmp_path, "k.yaml", "1: one\ntrue: yes\nnull: nothing\n1.5: x\n")
    assert subject.document == {"1": "one", "true": "yes", "null": "nothing", "1.5": "x"}


def test_keys_that_collide_as_strings_are_duplicates(tmp_path):
    message = refused(tmp_path, "k.yaml", "1: a\n'1': b\n")
    assert "k.yaml:2" in message and "duplicate key" in message


def test_bom_is_stripped(tmp_path):
    (subject,) = read(tmp_path, "bom.yaml", "\ufeffa: 1\n".encode())
    assert subject.document == {"a": 1}


# --- documents, lines and ids ---------------------------------------------------------------------


def test_multi_document_start_lines_and_ids():
    subjects = list(FileSource([str(DATA / "k8s-multi.yaml")], root=DATA).subjects())
    assert [(s.id, s.origin.line) for s in subjects] == [
        ("k8s-multi.yaml#Deployment/cx/cx-router", 3),  # after two comment lines, no `---`
        ("k8s-multi.yaml#Service/cx-router", 24),  # the line after a `---` on its own line
        ("k8s-multi.yaml#ConfigMap/cx-router-flags", 33),  # a blank line after `---`
    ]
    assert all(s.kind == "kubernetes" for s in subjects)
    env = subjects[0].document["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env[1] == {"name": "COUNTRY", "value": "NO"}
    assert subjects[2].document["data"] == {"streaming": "on", "redact": "yes"}


def test_plain_multi_document_ids_count_non_empty_documents(tmp_path):
    text = "# lead\n---\na: 1\n---\n---\n# nothing\n---\n- b\n- c\n--- 5\n"
    subjects = read(tmp_path, "m.yaml", text)
    assert [(s.id, s.origin, s.document) for s in subjects] == [
        ("m.yaml#1", Location("m.yaml", 3), {"a": 1}),
        ("m.yaml#2", Location("m.yaml", 8), ["b", "c"]),
        ("m.yaml#3", Location("m.yaml", 10), 5),
    ]
    assert {s.kind for s in subjects} == {"config"}


def test_kubernetes_list_is_expanded_with_item_lines():
    subjects = list(FileSource([str(DATA / "k8s-list.yaml")], root=DATA).subjects())
    assert [(s.kind, s.id, s.origin.line) for s in subjects] == [
        ("kubernetes", "k8s-list.yaml#ServiceAccount/cx/cx-bot", 4),
        ("kubernetes", "k8s-list.yaml#Secret/cx-bot-token", 9),
    ]
    assert subjects[1].document == {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "cx-bot-token"}}


def test_json_kubernetes_list_items_keep_their_lines(tmp_path):
    listing = {
        "apiVersion": "v1",
        "kind": "PodList",
        "metadata": {},
        "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": n}} for n in ("a", "b", "c")],
    }
    text = json.dumps(listing, indent=2)
    subjects = read(tmp_path, "pods.json", text)
    expected = [i + 1 for i, line in enumerate(text.splitlines()) if line == "    {"]
    assert [s.origin.line for s in subjects] == expected and len(expected) == 3
    assert [s.id for s in subjects] == ["pods.json#Pod/a", "pods.json#Pod/b", "pods.json#Pod/c"]


def test_repeated_ids_get_a_deterministic_suffix(tmp_path):
    doc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
    subjects = read(tmp_path, "s.yaml", doc + "---\n" + doc + "---\n" + doc)
    assert [s.id for s in subjects] == ["s.yaml#Service/web", "s.yaml#Service/web#2", "s.yaml#Service/web#3"]
    assert [s.origin.line for s in subjects] == [1, 5, 9]


def test_descriptor_and_terraform_plan_are_recognised():
    subjects = list(FileSource([str(DATA / "descriptor.yaml"), str(DATA / "tfplan.json")], root=DATA).subjects())
    assert [(s.kind, s.id) for s in subjects] == [("descriptor", "descriptor.yaml"), ("terraform-plan", "tfplan.json")]
    assert subjects[0].document["spec"]["dataResidency"]["country"] == "NO"
    assert subjects[1].document["resource_changes"][0]["change"]["actions"] == ["create"]


def test_recognise():
    assert recognise({"apiVersion": "cxgov.io/v1", "kind": "AISystem"}) == "descriptor"
    assert recognise({"apiVersion": "cxgov.io/v2", "kind": "AISystem"}) == "kubernetes"
    assert recognise({"apiVersion": "v1", "kind": 3}) == "config"
    assert recognise({"format_version": "1.2", "terraform_version": "1.9", "resource_changes": []}) == "terraform-plan"
    assert recognise({"format_version": "1.2", "terraform_version": "1.9"}) == "config"
    assert recognise([{"apiVersion": "v1", "kind": "Pod"}]) == "config"


def test_json_array_is_one_document(tmp_path):
    (subject,) = read(tmp_path, "a.json", '[{"apiVersion": "v1", "kind": "Pod"}, {"b": 2}]')
    assert subject.id == "a.json" and subject.kind == "config"
    assert subject.document == [{"apiVersion": "v1", "kind": "Pod"}, {"b": 2}]


def test_json_scalar_document(tmp_path):
    (subject,) = read(tmp_path, "s.json", '"just text"')
    assert (subject.kind, subject.document) == ("config", "just text")
    assert read(tmp_path, "n.json", "42")[0].document == 42


def test_toml_with_dates_as_iso_strings():
    (subject,) = FileSource([str(DATA / "settings.toml")], root=DATA).subjects()
    assistant = subject.document["assistant"]
    assert assistant["reviewed"] == "2025-03-01T10:00:00+00:00"
    assert assistant["launch"] == "2025-04-01"
    assert assistant["channels"] == [{"kind": "chat"}]
    assert subject.kind == "config"
    canonical_json(subject.document)


def test_hcl2_terraform_file():
    # a .tf file is judged as a plan; its raw HCL keys stay beside the plan shape
    (subject,) = FileSource([str(DATA / "main.tf")], root=DATA).subjects()
    assert subject.kind == "terraform-plan" and subject.id == "main.tf"
    assert [rc["address"] for rc in subject.document["resource_changes"]] == [
        "aws_s3_bucket.transcripts", "aws_s3_bucket_versioning.transcripts"]
    bucket = subject.document["resource"][0]["aws_s3_bucket"]["transcripts"]
    assert bucket["bucket"] == "cx-transcripts"
    assert bucket["tags"] == {"Environment": "prod", "DataClass": "personal"}
    versioning = subject.document["resource"][1]["aws_s3_bucket_versioning"]["transcripts"]
    assert versioning["versioning_configuration"] == [{"status": "Enabled"}]
    assert "__comments__" not in subject.document


def test_hcl_with_api_version_attributes_is_still_config(tmp_path):
    (subject,) = read(tmp_path, "k.hcl", 'apiVersion = "v1"\nkind = "Pod"\n')
    assert subject.kind == "config" and subject.document == {"apiVersion": "v1", "kind": "Pod"}


# --- stdin, --parser ------------------------------------------------------------------------------


def test_stdin_is_sniffed_json_then_yaml():
    json_in = io.BytesIO(b'{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "cx"}}')
    (subject,) = FileSource(["-"], stdin=json_in).subjects()
    assert (subject.kind, subject.id, subject.origin) == ("kubernetes", "-#Namespace/cx", Location("-", 1))
    yaml_in = io.BytesIO(b"a: 1\n---\ncountry: NO\n")
    subjects = list(FileSource(["-"], stdin=yaml_in).subjects())
    assert [(s.id, s.origin.line, s.document) for s in subjects] == [
        ("-#1", 1, {"a": 1}),
        ("-#2", 3, {"country": "NO"}),
    ]


def test_forced_parser_reads_any_extension(tmp_path):
    (subject,) = read(tmp_path, "notes.txt", 'x = 1\n[t]\ny = "on"\n', parser="toml")
    assert subject.document == {"x": 1, "t": {"y": "on"}}
    (subject,) = FileSource(["-"], parser="yaml", stdin=io.BytesIO(b'{"a": yes}')).subjects()
    assert subject.document == {"a": "yes"}
    assert set(PARSERS) == {"yaml", "json", "toml", "hcl2"}
    with pytest.raises(UsageError, match="xml"):
        FileSource(["x"], parser="xml")


def test_explicit_file_with_unknown_extension_needs_a_parser(tmp_path):
    message = refused(tmp_path, "Dockerfile", "FROM python:3.12\n")
    assert "--parser" in message


# --- discovery ------------------------------------------------------------------------------------


def make_tree(root: Path) -> None:
    for rel in [
        "b/z.yaml",
        "b/a.yml",
        "a.json",
        "c/sub/deep.toml",
        "c/main.tf",
        "notes.txt",
        "README.md",
        ".git/config.yaml",
        ".github/workflows/ci.yml",
        "node_modules/pkg/package.json",
        "c/skip.test.yaml",
    ]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" if rel.endswith((".toml", ".tf")) else '{"x": 1}\n')


def test_directory_recursion_sorted_skipping_hidden_and_unknown(tmp_path):
    make_tree(tmp_path)
    ids = [s.id for s in FileSource([str(tmp_path)], root=tmp_path).subjects()]
    assert ids == ["a.json", "b/a.yml", "b/z.yaml", "c/main.tf", "c/skip.test.yaml", "c/sub/deep.toml"]


def test_include_exclude_and_explicit_files(tmp_path):
    make_tree(tmp_path)
    source = FileSource([str(tmp_path)], root=tmp_path, include=["*.yaml", "*.yml", "c/*"], exclude=["*.test.yaml"])
    assert [s.id for s in source.subjects()] == ["b/a.yml", "b/z.yaml", "c/main.tf", "c/sub/deep.toml"]
    # an explicitly named file is read even when include would not match it, but not when excluded
    named = FileSource(
        [str(tmp_path / "a.json"), str(tmp_path / "c/skip.test.yaml")],
        root=tmp_path,
        include=["*.yaml"],
        exclude=["*.test.yaml"],
    )
    assert [s.id for s in named.subjects()] == ["a.json"]


def test_paths_keep_given_order_and_are_read_once(tmp_path):
    make_tree(tmp_path)
    paths = [str(tmp_path / "c"), str(tmp_path / "a.json"), str(tmp_path / "c/main.tf")]
    ids = [s.id for s in FileSource(paths, root=tmp_path).subjects()]
    assert ids == ["c/main.tf", "c/skip.test.yaml", "c/sub/deep.toml", "a.json"]


def test_location_relative_to_root_or_as_given(tmp_path, monkeypatch):
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path / "b")
    inside = list(FileSource(["a.yml"], root=tmp_path).subjects())
    assert inside[0].origin == Location("b/a.yml", 1)
    outside = list(FileSource(["../a.json"], root=tmp_path / "c").subjects())
    assert outside[0].origin == Location("../a.json", 1) and outside[0].id == "../a.json"


def test_directory_without_matching_files_yields_nothing(tmp_path):
    (tmp_path / "README.md").write_text("# hi\n")
    assert list(FileSource([str(tmp_path)], root=tmp_path).subjects()) == []


# --- refused input --------------------------------------------------------------------------------


def test_missing_path(tmp_path):
    with pytest.raises(InputError) as caught:
        list(FileSource([str(tmp_path / "nope.yaml")], root=tmp_path).subjects())
    assert "nope.yaml" in str(caught.value) and "no such file or directory" in str(caught.value)
    assert caught.value.hint


def test_invalid_yaml_names_line_and_column(tmp_path):
    message = refused(tmp_path, "bad.yaml", "a: 1\nb: [1, 2\nc: 3\n")
    assert "bad.yaml:3:" in message and "invalid YAML" in message and "\n" not in message


def test_invalid_json_names_line_and_column(tmp_path):
    message = refused(tmp_path, "bad.json", '{\n  "a": 1,\n  "b": \n}\n')
    assert "bad.json:4:1" in message and "invalid JSON" in message


def test_invalid_toml_and_hcl_name_line(tmp_path):
    assert "bad.toml:2:" in refused(tmp_path, "bad.toml", "a = 1\nb = \n")
    assert "bad.tf:3:" in refused(tmp_path, "bad.tf", 'resource "x" "y" {\n  a = 1\n  b = \n}\n')


def test_file_over_size_limit_is_refused_without_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:  # sparse: 50 MB without writing 50 MB
        f.truncate(50 * 1024 * 1024)

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(files_module, "open", no_open, raising=False)
    with pytest.raises(InputError) as caught:
        list(FileSource([str(big)], root=tmp_path).subjects())
    assert str(caught.value).startswith("big.yaml: ") and "16777216" in str(caught.value)
    assert "--max-file-size" in str(caught.value)


def test_stdin_over_size_limit(tmp_path):
    with pytest.raises(InputError, match="--max-file-size"):
        list(FileSource(["-"], stdin=io.BytesIO(b"a: 1\n" * 100), limits=Limits(max_file_bytes=64)).subjects())


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused(tmp_path):
    message = refused(tmp_path, "lol.yaml", billion_laughs(9))
    assert "more than 1000000 nodes" in message and "--max-nodes" in message
    assert "lol.yaml:7" in message  # a6 is where the count passes a million


def test_aliases_within_the_limit_are_counted_expanded(tmp_path):
    (subject,) = read(tmp_path, "ok.yaml", billion_laughs(3))
    assert len(subject.document["a3"]) == 10 and subject.document["a3"][0][0] == ["lol"] * 10
    assert "more than 1000 nodes" in refused(tmp_path, "ok.yaml", billion_laughs(3), limits=Limits(max_nodes=1000))


def test_recursive_and_undefined_aliases(tmp_path):
    assert "recursive alias" in refused(tmp_path, "r.yaml", "a: &x [1, *x]\n")
    assert "undefined alias" in refused(tmp_path, "u.yaml", "a: *nothing\n")


def test_binary_file(tmp_path):
    message = refused(tmp_path, "model.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in message


def test_non_utf8_file(tmp_path):
    message = refused(tmp_path, "latin1.yaml", "city: Tromsø\n".encode("latin-1"))
    assert "not UTF-8 text (byte 0xf8 at offset 11)" in message


def test_duplicate_keys_name_the_line(tmp_path):
    assert "dup.yaml:4: duplicate key 'image'" in refused(
        tmp_path, "dup.yaml", "spec:\n  image: a\n  name: web\n  image: b\n"
    )
    assert "dup.json:3:" in refused(tmp_path, "dup.json", '{"spec": {\n  "image": "a",\n  "image": "b"}}')


def test_too_deep_nesting(tmp_path):
    assert "nesting deeper than 64 levels" in refused(tmp_path, "deep.yaml", "[" * 65 + "]" * 65)
    assert "--max-depth" in refused(tmp_path, "deep.json", "[" * 65 + "]" * 65)
    assert read(tmp_path, "ok.yaml", "[" * 64 + "]" * 64)[0].document is not None
    # PyYAML's own composer crashes the process on this; the event reader stops at the limit
    assert "deep2.yaml:1" in refused(tmp_path, "deep2.yaml", "[" * 200_000 + "]" * 200_000)
    # an alias can make a shallow-looking document deep
    nested = "a: &a [[[[1]]]]\nb: [[[[*a]]]]\n"
    assert "nesting deeper than 6" in refused(tmp_path, "alias-deep.yaml", nested, limits=Limits(max_depth=6))


def test_too_many_documents(tmp_path):
    message = refused(tmp_path, "many.yaml", "---\na: 1\n" * 6, limits=Limits(max_documents=5))
    assert "more than 5 documents" in message and "many.yaml:11" in message and "--max-documents" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("data: !!binary aGVsbG8=\n", "!!binary is not supported"),
        ("s: !!set {a, b}\n", "!!set is not supported"),
        ("x: .inf\n", ".inf is not a number JSON can hold"),
        ("x: !!int nine\n", "not a valid !!int"),
        ("? [a, b]\n: 1\n", "JSON keys must be strings"),
    ],
)
def test_non_json_yaml_is_refused(tmp_path, text, expected):
    assert expected in refused(tmp_path, "x.yaml", text)


def test_json_node_limit(tmp_path):
    message = refused(tmp_path, "wide.json", json.dumps({"a": list(range(20))}), limits=Limits(max_nodes=10))
    assert "more than 10 nodes" in message


def test_nan_in_json_is_refused(tmp_path):
    assert "NaN" in refused(tmp_path, "nan.json", '{"a": NaN}')


def test_unreadable_path_is_an_input_error(tmp_path):
    target = tmp_path / "gone.yaml"
    os.symlink(target, tmp_path / "link.yaml")  # dangling symlink
    with pytest.raises(InputError, match="link.yaml"):
        list(FileSource([str(tmp_path / "link.yaml")], root=tmp_path).subjects())
