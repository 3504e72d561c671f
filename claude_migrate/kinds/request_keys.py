"""Rule kind: a request key written in the wrong place or under the wrong name; move or rename it, merging
with what the destination already holds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from claude_migrate.analysis.moves import find_destination, move_edits
from claude_migrate.data.errors import DataError
from claude_migrate.kinds.base import Param, register
from claude_migrate.kinds.param_checks import check_known
from claude_migrate.kinds.request_kind import RequestKind
from claude_migrate.analysis.requests import Request
from claude_migrate.data.surfaces import KeyMove, KeyPath
from claude_migrate.analysis.values import Entry, MappingView
from claude_migrate.data.yamlio import YamlMap
from claude_migrate.data.rule_data import RuleData

_MOVE = re.compile(r"^(?P<surface>[\w-]+):\s*(?P<source>[\w.-]+)\s*->\s*(?P<destination>[\w.-]+)$")


@register("move-request-key")
class MoveRequestKey(RequestKind):
    """Moves ``source`` to ``destination`` (dotted keys from the call's arguments) on the named surfaces.

    With ``botocore: true`` a move is reported only when botocore's validator rejects the source key, and the
    message gets botocore's own words."""

    PARAMS = {"moves": Param("str_list", required=True), "botocore": Param("bool", default=False)}
    MESSAGE_FIELDS = frozenset({"source", "destination", "error", "note"})
    CLAUDE_ONLY = False

    @classmethod
    def check_params(cls, params: YamlMap | None, path: Path, data: RuleData) -> dict[str, Any]:
        result = super().check_params(params, path, data)
        moves = []
        for text in result["moves"]:
            match = _MOVE.match(text)
            if match is None:
                line = params.line_of("moves") if params is not None else None
                raise DataError(path, line, "moves", f"'{text}' is not 'surface: from.key -> to.key'")
            moves.append(KeyMove(match["surface"], tuple(match["source"].split(".")),
                              tuple(match["destination"].split("."))))
        check_known(params, path, "moves", (move.surface for move in moves), data.surfaces.by_name,
                    "surface")
        result["moves"] = tuple(moves)
        return result

    def sources_of(self, surface: str) -> list[KeyPath]:
        return [move.source for move in self.params["moves"] if move.surface == surface]

    def check_request(self, request: Request) -> None:
        for move in self.params["moves"]:
            if move.surface == request.surface.name:
                self._check(request, move)

    def _check(self, request: Request, move: KeyMove) -> None:
        resolver = request.resolver
        source_view = resolver.view_at(request.args, move.source[:-1])
        if not isinstance(source_view, MappingView):
            return
        entry = source_view.get(move.source[-1])
        if not isinstance(entry, Entry):
            return
        error = ""
        if self.params["botocore"]:
            problem = next((p for p in request.botocore_problems if p.unknown_key and p.path == move.source), None)
            if problem is None:
                return
            error = problem.message
        values: dict[str, Any] = {"source": ".".join(move.source), "destination": ".".join(move.destination),
                                  "error": error}
        destination = find_destination(request.resolver, request.args, move.destination)
        if destination.blocked:
            self.report(entry.key_node, safety="manual", note=f"; {destination.blocked}", **values)
            return
        assert destination.view is not None
        edits = move_edits(entry, source_view, destination)
        note = self.shared_note(entry.via, destination.view.via)
        self.report(entry.key_node, safety="unsafe" if note else "safe", replacements=edits.replacements(),
                    note=note, **values)
