"""claude-migrate: find and rewrite Python call sites written for Claude 3.x models."""

__version__ = "0.1.0"
