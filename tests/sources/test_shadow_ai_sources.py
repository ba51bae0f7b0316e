"""Dependency manifests and .env files as subjects, through the real `cxgov check`: recognised by
name, judged by the shadow-AI pack (never "not judged"), located by line, and no value kept."""

from __future__ import annotations

import json

from conftest import EVALUATION_DATE, run_cxgov
from cxgov.sources.files import FileSource

KEY = "sk-ant-api03-Zz9yX8wV7uT6sR5qP4oN3mL2-kJ1iH0gF"


def write(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def check(tmp_path, *paths):
    run = run_cxgov("check", *(paths or ["."]), "--evaluation-date", EVALUATION_DATE, "-o", "json", cwd=tmp_path)
    assert run.code in (0, 1), run.stderr
    return run, json.loads(run.stdout)


def test_manifests_without_ai_are_judged_and_pass(tmp_path):
    write(tmp_path, {"requirements.txt": "fastapi==0.115\n# openai, anthropic: not used\ntransformers==4.48  # tokeniser\n",
                     "go.mod": "module x\n\nrequire (\n\tgithub.com/openai-compatible/thing v1.0.0\n)\n",
                     ".env": "MAIL_URL=https://mail.example.com\nGATEWAY=https://api.openair.io\n"})
    run, doc = check(tmp_path)
    assert run.code == 0 and doc["findings"] == []
    kinds = {s["id"]: s["kind"] for s in doc["subjects"]}
    assert kinds == {"requirements.txt": "dependencies", "go.mod": "dependencies", ".env": "dotenv"}
    assert doc["not_judged"] == []


def test_every_manifest_kind_names_its_line(tmp_path):
    write(tmp_path, {
        "py/requirements-prod.txt": "uvicorn\nLangChain_OpenAI[extras]>=0.3 ; python_version>'3.9'\n",
        "py/pyproject.toml": '[project]\nname = "x"\ndependencies = [\n  "fastapi",\n  "anthropic>=0.40",\n]\n',
        "js/package.json": '{\n  "name": "x",\n  "dependencies": {\n    "express": "4",\n    "@anthropic-ai/sdk": "^0.30"\n  }\n}\n',
        "go/go.mod": "module x\n\nrequire github.com/sashabaranov/go-openai v1.36.0\n",
        "java/pom.xml": "<project><dependencies>\n<!-- <dependency><groupId>com.openai</groupId><artifactId>x</artifactId></dependency> -->\n"
                        "<dependency>\n<groupId>com.anthropic</groupId>\n<artifactId>anthropic-java</artifactId>\n"
                        "<version>1.0</version>\n</dependency>\n</dependencies></project>\n",
        "cs/app.csproj": '<Project>\n  <ItemGroup>\n    <PackageReference Include="Azure.AI.OpenAI" Version="2.1.0" />\n'
                         '  </ItemGroup>\n</Project>\n',
    })
    run, doc = check(tmp_path)
    got = {(f["location"]["file"], f["location"]["line"], f["metadata"]["provider"]) for f in doc["findings"]}
    assert got == {("py/requirements-prod.txt", 2, "openai"), ("py/pyproject.toml", 5, "anthropic"),
                   ("js/package.json", 5, "anthropic"), ("go/go.mod", 3, "openai"), ("java/pom.xml", 3, "anthropic"),
                   ("cs/app.csproj", 3, "azure_openai")}
    assert {f["rule_id"] for f in doc["findings"]} == {"SHADOW-AI-01"} and run.code == 0  # warn: no descriptor
    # pyproject.toml and package.json are still configuration documents for the user's own policies
    kinds = {(s["id"], s["kind"]) for s in doc["subjects"]}
    assert {("py/pyproject.toml", "config"), ("py/pyproject.toml#dependencies", "dependencies")} <= kinds


def test_dotenv_keeps_no_value(tmp_path):
    write(tmp_path, {".env": f'export ANTHROPIC_API_KEY="{KEY}"\nLLM_TOKEN={KEY}\nAPI=https://u:{KEY}@api.anthropic.com/v1\n'})
    (subject,) = FileSource([str(tmp_path / ".env")], root=tmp_path).subjects()
    assert KEY not in json.dumps(subject.document)
    assert [(v["name"], v["host"], v["key_shape"]) for v in subject.document["vars"]] == [
        ("ANTHROPIC_API_KEY", None, "anthropic"), ("LLM_TOKEN", None, "anthropic"), ("API", "api.anthropic.com", None)]
    run, doc = check(tmp_path)
    assert KEY not in run.stdout + run.stderr
    assert {(f["location"]["line"], f["resource"]) for f in doc["findings"]} == {
        (1, "anthropic variable ANTHROPIC_API_KEY"), (2, "anthropic variable LLM_TOKEN"), (3, "anthropic variable API")}


def test_an_explicit_parser_reads_a_manifest_as_that_format(tmp_path):
    write(tmp_path, {"requirements.txt": "openai\n"})
    run = run_cxgov("check", "requirements.txt", "--parser", "yaml", "--evaluation-date", EVALUATION_DATE,
                    "-o", "json", cwd=tmp_path)
    assert run.code == 2 or not json.loads(run.stdout)["findings"]  # a YAML scalar: config, never a package
