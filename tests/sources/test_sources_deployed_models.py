"""The sources a descriptor implies: the model versions it deploys (read from the real test registry)
and the UI entry points it declares, as `check` and `audit` compose them in front of the pipeline."""

from __future__ import annotations

import pytest

from cxgov.errors import UsageError
from cxgov.model import Location, Subject
from cxgov.sources.declared_ui import DeclaredUI
from cxgov.sources.deployed_models import DeployedModels, descriptor_references
from cxgov.sources.ui_scan import UIOptions


def descriptor(models: list, ui: dict | None = None) -> Subject:
    document = {"apiVersion": "cxgov.io/v1", "kind": "AISystem", "metadata": {"name": "cx"}, "models": models}
    if ui is not None:
        document["ui"] = ui
    return Subject("descriptor", "cxgov/descriptor.yaml", Location("cxgov/descriptor.yaml", 1), document)


DEPLOYMENT = Subject("kubernetes", "k8s/app.yaml#Deployment/app", Location("k8s/app.yaml", 1),
                     {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "app"}})


def test_references_are_the_pinned_version_and_the_alias_defaulting_to_production():
    subject = descriptor([{"name": "router", "version": 3, "alias": "challenger", "tracking_uri": "http://r"},
                          {"name": "ranker"}, {"version": 1}, "not a model"])
    assert descriptor_references(subject) == [("http://r", "router/3"), ("http://r", "router@challenger"),
                                              (None, "ranker@production")]


def test_the_deployed_versions_come_from_the_registry_once_each(mlflow_registry):
    faq = mlflow_registry.created["cx-faq-ranker"]["aliases"]["production"]
    subjects = [DEPLOYMENT, descriptor([
        {"name": "cx-intent-router", "version": "1", "alias": "production", "tracking_uri": mlflow_registry.uri},
        {"name": "cx-faq-ranker", "tracking_uri": "http://127.0.0.1:9/never-asked"},  # --tracking-uri wins
    ])]
    source = DeployedModels(subjects, tracking_uri=mlflow_registry.uri)
    found = list(source.subjects())
    # the pinned version and the alias naming it are one subject; ordered by id
    assert [s.id for s in found] == [f"models:/cx-faq-ranker/{faq}", "models:/cx-intent-router/1"]
    assert all(s.kind == "model-version" and s.document["tracking_uri"] == mlflow_registry.uri for s in found)
    assert found[1].document["aliases"] == ["production"]
    again = list(source.subjects())  # read once: the outputs see the versions the run judged
    assert [id(s) for s in again] == [id(s) for s in found]


def test_no_descriptor_or_no_models_reads_nothing():
    assert list(DeployedModels([DEPLOYMENT]).subjects()) == []
    assert list(DeployedModels([descriptor([])]).subjects()) == []


def test_a_model_without_a_registry_is_a_usage_error_when_read_and_a_note_when_not(capsys):
    subjects = [descriptor([{"name": "cx-intent-router", "version": "1"}])]
    with pytest.raises(UsageError, match="model reference cx-intent-router/1 has no MLflow tracking URI") as raised:
        list(DeployedModels(subjects, no_uri_hint="set models.tracking_uri").subjects())
    assert raised.value.hint == "set models.tracking_uri"
    assert list(DeployedModels(subjects, read=False).subjects()) == []
    assert "--no-models: 2 model reference(s) of the descriptor were not read" in capsys.readouterr().err


def test_declared_ui_without_entry_points_or_with_no_ui_scans_nothing(capsys):
    declared = descriptor([], ui={"entry_points": [{"name": "help", "url": "https://example.eu/help"}]})
    assert list(DeclaredUI([DEPLOYMENT, descriptor([])], UIOptions()).subjects()) == []
    assert list(DeclaredUI([declared], UIOptions(), no_ui=True).subjects()) == []
    assert "--no-ui: 1 UI entry point(s) declared in cxgov/descriptor.yaml were not scanned" in capsys.readouterr().err
