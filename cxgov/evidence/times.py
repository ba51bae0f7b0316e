"""The bundle's times: when it was written (`created`) and when each source was collected.

`created` is the time the bundle was written. The sources are collected earlier: the files and the
model registry when the audit read them, the UI when each page state was scanned (the scan's own
timestamp, as axe-core recorded it). With SOURCE_DATE_EPOCH set (reproducible builds), every clock
reading cxgov takes for a bundle is SOURCE_DATE_EPOCH instead, so the same inputs give the same
bytes; the times a source carries itself (the scans') are kept as they are. The evaluation date,
the day the rules judge against, is a third time, given by the user and recorded beside these.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from typing import Any

from cxgov.errors import UsageError

#: subject kind -> the source whose read time stands for it, when its documents carry no time
SOURCE_OF_KIND = {"model-version": "models", "ui-scan": "ui"}
DERIVED_KINDS = ("system",)  # built from the other subjects, not collected
OWN_TIME_KINDS = ("ui-scan",)  # documents that record when they were collected (`timestamp`)


def clock() -> int:
    """Now, in whole seconds; SOURCE_DATE_EPOCH when set (a UsageError when it is not a number)."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value:
        try:
            return int(value)
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds") from None
    return int(time.time())


def rfc3339(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(stamp: str) -> datetime:
    """An ISO 8601 / RFC 3339 time as a datetime; a trailing `Z` is UTC (which fromisoformat reads
    only from Python 3.11). Naive when `stamp` names no offset; ValueError when it is no such time."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def collected(subjects: list, read_at: dict[str, int]) -> dict[str, str]:
    """Subject kind -> when that source was collected (RFC 3339 UTC): for UI scans the newest scan's
    own timestamp, else the time the audit read the source (`read_at`: files, models, ui). A kind whose
    time is unknown (a run that recorded none) is left out rather than guessed."""
    out: dict[str, str] = {}
    kinds = sorted({s.kind for s in subjects} - set(DERIVED_KINDS))
    for kind in kinds:
        own = [t for t in (_timestamp(s.document) for s in subjects if s.kind == kind) if t] \
            if kind in OWN_TIME_KINDS else []
        if own:
            out[kind] = rfc3339(max(own))
        elif SOURCE_OF_KIND.get(kind, "files") in read_at:
            out[kind] = rfc3339(read_at[SOURCE_OF_KIND.get(kind, "files")])
    return out


def _timestamp(document: Any) -> int | None:
    """The time a UI scan document records (`timestamp`, ISO 8601), in whole seconds."""
    if not isinstance(document, dict) or not isinstance(document.get("timestamp"), str):
        return None
    try:
        when = parse_rfc3339(document["timestamp"])
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int(when.timestamp())
