"""The work behind each CLI command, kept out of cli*.py so they stay lists of options."""
