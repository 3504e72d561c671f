"""Which files a run reads, by name: Python sources, Jupyter notebooks, and config/data files."""

from __future__ import annotations

# Every type a run can read; the ``file-types`` setting picks a subset (default: all).
FILE_TYPES = ("python", "notebook", "env", "yaml", "json", "toml", "ini")
CONFIG_TYPES = frozenset({"env", "yaml", "json", "toml", "ini"})  # scanned as text for model IDs only

_SUFFIXES = {
    ".py": "python", ".pyi": "python", ".ipynb": "notebook", ".env": "env", ".yaml": "yaml", ".yml": "yaml",
    ".json": "json", ".toml": "toml", ".ini": "ini", ".cfg": "ini",
}


def file_type(name: str) -> str | None:
    """The type of a file by its name (``.env``, ``.env.local``, ``app.yaml``, ...), None for other files."""
    if name == ".env" or name.startswith(".env."):
        return "env"
    dot = name.rfind(".")
    return _SUFFIXES.get(name[dot:].lower()) if dot > 0 else None


def named_file_type(name: str) -> str:
    """The type of a file named on the command line: those are always read, as Python unless named otherwise."""
    return file_type(name) or "python"
