"""The rule data and its schemas: YAML reading, the model catalogue, targets, tool types, request surfaces,
the model-ID grammar, rule specs, findings, errors, and the loader that reads the rule folders.

Imports nothing of the other layers and not libcst, so reading the rules (and the pre-commit path that only
reads them) stays cheap; the loader is given the kind registry it checks rule parameters against.
"""
