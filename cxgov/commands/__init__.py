"""The work behind each CLI command, kept out of cli.py so it stays a list of options."""
