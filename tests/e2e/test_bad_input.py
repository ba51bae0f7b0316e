"""Every input cxgov cannot check safely: exit 2, one line on stderr naming the file, and nothing
written to a requested output file."""

from __future__ import annotations

import pytest

from conftest import EVALUATION_DATE

POLICY = "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.kind == \"Pod\"\n\tmsg := \"pod\"\n}\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "main.rego").write_text(POLICY)
    (tmp_path / "ok.yaml").write_text("kind: Service\n")
    return tmp_path


def check(cxgov, project, *args):
    return cxgov("check", "--no-builtin", "--evaluation-date", EVALUATION_DATE, *args, cwd=project)


def assert_one_line_error(run, *names):
    assert run.code == 2, (run.code, run.stdout, run.stderr)
    assert run.stdout == ""
    assert len(run.error_lines) == 1, run.stderr
    line = run.error_lines[0]
    assert line.startswith("cxgov: error: ")
    for name in names:
        assert name in line, line
    return line


def test_invalid_yaml_names_file_and_line(cxgov, project):
    (project / "bad.yaml").write_text("kind: Pod\nmetadata:\n  name: [unclosed\n  other: x\n")
    line = assert_one_line_error(check(cxgov, project, "bad.yaml"), "bad.yaml:")
    assert "bad.yaml:4" in line or "bad.yaml:3" in line


def test_rego_syntax_error_names_policy_line_and_column(cxgov, project):
    (project / "policy" / "broken.rego").write_text("package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.x ==\n}\n")
    # OPA's parser: the expression is cut short by the `}` on line 7
    line = assert_one_line_error(check(cxgov, project, "ok.yaml"), "policy/broken.rego:7:1: rego_parse_error:")
    assert "unexpected } token" in line


def test_rego_v0_policy_is_refused(cxgov, project):
    (project / "policy" / "old.rego").write_text("package main\n\ndeny[msg] {\n\tinput.kind == \"Pod\"\n\tmsg := \"x\"\n}\n")
    line = assert_one_line_error(check(cxgov, project, "ok.yaml"), "policy/old.rego:3:")
    assert "CX006" in line and "v1" in line and "deny contains msg if" in line


def test_policy_directory_without_policies(cxgov, project):
    (project / "empty").mkdir()
    assert_one_line_error(check(cxgov, project, "ok.yaml", "-p", "empty"), "empty")


def test_missing_path(cxgov, project):
    assert_one_line_error(check(cxgov, project, "nope.yaml"), "nope.yaml")


def test_missing_policy_path(cxgov, project):
    assert_one_line_error(check(cxgov, project, "ok.yaml", "-p", "nowhere"), "nowhere")


def test_fifty_megabyte_file_is_refused_unread(cxgov, project):
    with open(project / "huge.json", "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: refused on its size, before a byte is read
    line = assert_one_line_error(check(cxgov, project, "huge.json"), "huge.json")
    assert "--max-file-size" in line


def test_yaml_alias_bomb(cxgov, project):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    (project / "bomb.yaml").write_text("\n".join(lines) + "\n")
    assert_one_line_error(check(cxgov, project, "bomb.yaml"), "bomb.yaml")


def test_binary_file(cxgov, project):
    (project / "blob.yaml").write_bytes(b"kind: Pod\n\x00\x01\x02binary")
    line = assert_one_line_error(check(cxgov, project, "blob.yaml"), "blob.yaml")
    assert "binary" in line


def test_non_utf8_file(cxgov, project):
    (project / "latin1.yaml").write_bytes("name: Müller\n".encode("latin-1"))
    assert_one_line_error(check(cxgov, project, "latin1.yaml"), "latin1.yaml")


def test_duplicate_key(cxgov, project):
    (project / "dup.yaml").write_text("kind: Pod\nspec: {}\nkind: Service\n")
    assert_one_line_error(check(cxgov, project, "dup.yaml"), "dup.yaml:3")


def test_malformed_data_file(cxgov, project):
    (project / "data.yaml").write_text("allowed: [a, b\n")
    assert_one_line_error(check(cxgov, project, "ok.yaml", "-d", "data.yaml"), "data.yaml")


def test_unknown_output_format_is_a_usage_error(cxgov, project):
    assert_one_line_error(check(cxgov, project, "ok.yaml", "-o", "pdf"), "pdf")


def test_error_loses_nothing_already_written(cxgov, project):
    report = project / "report.sarif"
    report.write_text("previous report\n")
    (project / "bad.yaml").write_text("a: [\n")
    assert_one_line_error(check(cxgov, project, "bad.yaml", "-o", f"sarif={report}"), "bad.yaml")
    assert report.read_text() == "previous report\n"


def test_malformed_waivers_file(cxgov, project):
    (project / "waivers.yaml").write_text("waivers: {rule: x\n")
    assert_one_line_error(check(cxgov, project, "ok.yaml", "--waivers", "waivers.yaml"), "waivers.yaml")


def test_bad_evaluation_date(cxgov, project):
    assert_one_line_error(check(cxgov, project, "ok.yaml", "--evaluation-date", "22/11/2026"), "22/11/2026")


def test_report_through_a_symlink_keeps_the_link_and_new_files_are_not_private(cxgov, project, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old\n")
    (project / "link.json").symlink_to(target)
    run = check(cxgov, project, "ok.yaml", "-o", "json=link.json", "-o", "sarif=new.sarif")
    assert run.code == 0, run.stderr
    assert (project / "link.json").is_symlink() and target.read_text().startswith("{")
    assert (project / "new.sarif").stat().st_mode & 0o044 == 0o044  # readable by group and others (umask 022)


def test_limits_can_be_raised_and_lowered_from_the_command_line(cxgov, project):
    (project / "deep.json").write_text('{"kind": "Pod", "a": ' + "[" * 70 + "]" * 70 + "}")
    assert_one_line_error(check(cxgov, project, "deep.json"), "deep.json", "--max-depth")
    assert check(cxgov, project, "deep.json", "--max-depth", "100").code == 1  # read, and the Pod is denied
    (project / "two.yaml").write_text("kind: A\n---\nkind: B\n")
    assert_one_line_error(check(cxgov, project, "two.yaml", "--max-documents", "1"), "two.yaml", "--max-documents")


AUDIT_CONFIG = "system: {system}\nfiles: [ok.yaml]\npolicies: {{builtin: false, paths: [policy]}}\n" \
               "models: {{skip: none here}}\nui: {{skip: none here}}\n{extra}"


@pytest.mark.parametrize("system", ['"../../../elsewhere/ESCAPED"', '"a/b"', '".."', '"back\\\\slash"',
                                    '"nul\\x00byte"', '"CON"'])
def test_a_system_name_that_is_no_safe_file_name_is_refused(cxgov, project, system):
    """The bundle goes to <evidence.out>/<system>-<date>/: a name that would leave that folder (or is
    no file name at all) is an error naming the config's line, before anything is read or written."""
    (project / "cxgov.yaml").write_text(AUDIT_CONFIG.format(system=system, extra=""))
    before = sorted(p.relative_to(project.parent).as_posix() for p in project.parent.rglob("*"))
    run = cxgov("audit", "--evaluation-date", EVALUATION_DATE, cwd=project)
    assert run.code == 2 and "cxgov.yaml:1: system:" in run.stderr and "safe file name" in run.stderr, run.stderr
    assert sorted(p.relative_to(project.parent).as_posix() for p in project.parent.rglob("*")) == before


@pytest.mark.parametrize("extra, field", [("evidence: {out: /tmp/elsewhere}\n", "evidence.out"),
                                          ("waivers: /etc/waivers.yaml\n", "waivers"),
                                          ("plans: [~/plan.json]\n", "plans"),
                                          ("evidence: {trusted_keys: [sha256:1234]}\n", "evidence.trusted_keys")])
def test_config_paths_are_relative_to_the_config(cxgov, project, extra, field):
    (project / "cxgov.yaml").write_text(AUDIT_CONFIG.format(system="ok", extra=extra))
    run = cxgov("audit", "--evaluation-date", EVALUATION_DATE, cwd=project)
    assert run.code == 2 and f"cxgov.yaml:6: {field}" in run.stderr, run.stderr
    assert not (project / "evidence-bundles").exists()


def test_a_safe_system_name_writes_inside_the_bundle_folder(cxgov, project):
    (project / "cxgov.yaml").write_text(AUDIT_CONFIG.format(system='"Acme CX bot 2"', extra=""))
    run = cxgov("audit", "--evaluation-date", EVALUATION_DATE, cwd=project)
    assert run.code == 0, run.stderr
    assert (project / "evidence-bundles" / f"Acme CX bot 2-{EVALUATION_DATE}" / "manifest.json").is_file()


@pytest.mark.parametrize("changes", ['"nope"', "[1, 2]", "{}"])
def test_a_plan_with_malformed_resource_changes_is_refused_not_passed(cxgov, project, changes):
    # with the builtin packs: judged as it stood, no rule would find a resource in it and it would pass
    (project / "plan.json").write_text(
        '{"format_version": "1.2", "terraform_version": "1.9.0",\n "resource_changes": ' + changes + "}\n")
    run = cxgov("check", "--evaluation-date", EVALUATION_DATE, "plan.json", cwd=project)
    line = assert_one_line_error(run, "plan.json:1", "resource_changes")
    assert "terraform show -json" in line
