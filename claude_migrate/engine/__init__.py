"""One file's analysis and fixing: the batched libcst pass over a module, suppression comments, notebooks,
config-file scanning for model IDs, source decoding and the native-parse guard.

May import ``kinds``, ``analysis``, ``bedrock`` and ``data``; never ``run``, ``formats`` or the CLI.
"""
