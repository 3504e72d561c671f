"""Reading one parsed file: the file context and visitor bases, the request model of every surface, value
resolution through names and bindings, string literals, edit helpers and botocore's request validation.

May import ``bedrock`` and ``data``, and libcst (except ``options``, which the libcst-free hook path reads).
Knows no rule kind: kinds build on it.
"""
