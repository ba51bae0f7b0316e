"""cxgov: compliance-as-code for customer-experience AI systems."""

__version__ = "0.1.0"
