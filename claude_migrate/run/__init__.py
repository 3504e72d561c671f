"""A run over many files: the API the CLI calls, configuration, discovery, the prefilter, scheduling over
worker processes, the result and rule caches, git diff filtering, progress and the per-file results.

May import ``engine`` and every layer below it; never ``formats`` or the CLI.
"""
