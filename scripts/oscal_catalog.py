#!/usr/bin/env python3
"""Write policies/oscal/catalog.json, cxgov's control catalog in OSCAL, from
policies/oscal/control_titles.json and the builtin rules' METADATA (cxgov/evidence/oscal_catalog.py).

Run it after changing a builtin rule's controls or a title; `--check` exits 1 when the shipped file
differs from what it would write (tests/evidence/test_oscal_catalog.py fails then too).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    from cxgov.evidence.oscal_catalog import SHIPPED, generate, oscal_dir

    target = oscal_dir() / SHIPPED
    data = generate()
    if "--check" in argv:
        if target.exists() and target.read_bytes() == data:
            return 0
        print(f"{target} is out of date: run scripts/oscal_catalog.py", file=sys.stderr)
        return 1
    target.write_bytes(data)
    print(f"wrote {target} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
