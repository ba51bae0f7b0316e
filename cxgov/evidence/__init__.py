"""The evidence bundle: build, sign, verify, replay, diff, and the files it holds for auditors."""
