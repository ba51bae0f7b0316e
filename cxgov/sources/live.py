"""Where the live sources a descriptor declares are read at run time: the MLflow registry and the
UI's origin. One frozen object for `check`, `audit` and `drift` (cli_options.live_from makes it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LiveOptions:
    """--tracking-uri (or MLFLOW_TRACKING_URI) beats an audit config's models.tracking_uri, which beats
    the descriptor's models[].tracking_uri; --ui-base-url scans the declared UI on another origin while
    findings keep the declared URLs."""

    tracking_uri: str | None = None
    mlflow_timeout: float = 10.0
    mlflow_retries: int = 3
    ui_base_url: str | None = None
    axe_source: str | None = None
    page_timeout: float = 30.0

    def ui(self, artifacts: str | None = None):
        """The UI scan's options; `artifacts`: where screenshots and axe-core JSON are kept (None: not kept)."""
        from cxgov.sources.ui_scan import UIOptions

        return UIOptions(base_url=self.ui_base_url, artifacts=artifacts, axe_source=self.axe_source,
                         page_timeout=self.page_timeout)
