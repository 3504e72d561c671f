"""The ``anthropic`` package's model list (``types/model.py``, the ``Model`` literal) and deprecation table
(``_data/deprecated_models.py``), read as data with ``ast``: importing the package would cost time, run its code
and need its dependencies, and a wheel that is not installed can be read the same way.
"""

from __future__ import annotations

import ast
import datetime
import importlib.util
import re
import zipfile
from pathlib import Path

from claude_migrate.audit.sources import AuditError, ModelSource

MODEL_FILE = "types/model.py"
DEPRECATED_FILE = "_data/deprecated_models.py"  # from 2.13.0 on; earlier SDKs keep the table in messages.py
VERSION_FILE = "_version.py"
SDK_DATE = re.compile(r"^([A-Z][a-z]+) (\d{1,2})(?:st|nd|rd|th)?, (\d{4})$")  # "January 22nd, 2027"


def installed_package() -> Path | None:
    """The folder of the ``anthropic`` package this interpreter would import, found without importing it."""
    spec = importlib.util.find_spec("anthropic")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _reader(location: Path) -> tuple[str, dict[str, str]]:
    """The package's name for messages and the text of the three files it has (by path inside ``anthropic/``).

    ``location`` is the ``anthropic`` package folder, a folder that holds it (an unpacked wheel, site-packages),
    or a wheel file."""
    wanted = (MODEL_FILE, DEPRECATED_FILE, VERSION_FILE)
    if location.is_file():
        try:
            with zipfile.ZipFile(location) as wheel:
                names = set(wheel.namelist())
                return str(location), {name: wheel.read(f"anthropic/{name}").decode("utf-8") for name in wanted
                                       if f"anthropic/{name}" in names}
        except (zipfile.BadZipFile, OSError, UnicodeDecodeError) as exc:
            raise AuditError(f"{location}: not a readable wheel ({exc})") from None
    folder = location / "anthropic" if (location / "anthropic" / MODEL_FILE).is_file() else location
    try:
        return str(folder), {name: (folder / name).read_text(encoding="utf-8") for name in wanted
                             if (folder / name).is_file()}
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditError(f"{folder}: cannot read the anthropic package ({exc})") from None


def _assigned(source: str, name: str, where: str) -> ast.expr | None:
    """The value assigned to the module-level ``name`` (plain or annotated assignment)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise AuditError(f"{where}: not valid Python ({exc.msg}, line {exc.lineno})") from None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node.value
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return node.value
    return None


def _literal_strings(value: ast.expr) -> list[str]:
    """Every string inside a ``Literal[...]`` of the type expression (``Union[Literal[...], str]``)."""
    found = []
    for node in ast.walk(value):
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", getattr(node.value, "attr", "")) == "Literal":
            found += [n.value for n in ast.walk(node.slice) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return found


def sdk_date(text: str) -> datetime.date | None:
    """The SDK's end-of-life wording ("January 22nd, 2027") as a date; None for any other wording."""
    match = SDK_DATE.match(text.strip())
    if match is None:
        return None
    try:
        return datetime.datetime.strptime(f"{match[1]} {match[2]} {match[3]}", "%B %d %Y").date()
    except ValueError:
        return None


def read_sdk(location: Path) -> ModelSource:
    """The model list and deprecation table of the package at ``location``; a missing or changed file is one
    line naming it."""
    name, files = _reader(location)
    if MODEL_FILE not in files:
        raise AuditError(f"{location}: no anthropic/{MODEL_FILE} (not the anthropic package, or one older than "
                         "the Model type)")
    model = _assigned(files[MODEL_FILE], "Model", f"{name}/{MODEL_FILE}")
    listed = _literal_strings(model) if model is not None else []
    if not listed:
        raise AuditError(f"{name}/{MODEL_FILE}: no `Model` literal of model IDs found")
    texts: dict[str, str] = {}
    if DEPRECATED_FILE in files:
        table = _assigned(files[DEPRECATED_FILE], "DEPRECATED_MODELS", f"{name}/{DEPRECATED_FILE}")
        try:
            texts = ast.literal_eval(table) if table is not None else {}
        except ValueError:
            texts = {}
        if not isinstance(texts, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in texts.items()):
            raise AuditError(f"{name}/{DEPRECATED_FILE}: DEPRECATED_MODELS is not a mapping of model IDs to dates")
    version = _assigned(files.get(VERSION_FILE, ""), "__version__", f"{name}/{VERSION_FILE}")
    label = f"anthropic {version.value}" if isinstance(version, ast.Constant) else "anthropic"
    return ModelSource(f"{label} ({name})", frozenset(listed), {key: sdk_date(text) for key, text in texts.items()},
                       texts)
