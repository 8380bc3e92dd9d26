"""Thin gRPC model worker for the Thought Anchors white-box analyses."""

__version__ = "0.1.0"
