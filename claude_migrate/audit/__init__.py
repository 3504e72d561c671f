"""Anthropic's own word on which models exist: the ``anthropic`` package's model list and deprecation table
(read as data, never imported) and the Models API (live, through the optional ``anthropic`` package), and their
comparison with the catalogue for ``claude-migrate models --audit``.

May import ``data`` only; the ``anthropic`` package is imported inside the live call, never at module level.
"""
