"""govkg: a knowledge graph of government functions and data duties."""

__version__ = "0.1.0"
