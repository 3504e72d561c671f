"""``sdk-request``: a call that fails on some versions of the ``anthropic`` package (a keyword argument a release
removed, an API version a client sends, the SDK's own non-streaming guard). The version range the checked code
may run on comes from its dependency files (``RunOptions.sdk``); a rule with an ``sdk`` range reports only where
that range reaches into it. Where the version is unknown it reports too, without a fix: the run takes those
findings out and says once how many calls it could not judge (:mod:`claude_migrate.run.sdk_ranges`).

A rule with ``move_to`` fixes the call by moving the keyword to where the new SDK takes it (``extra_body``,
``output_config.format``), into a dict literal of the call, keeping layout and comments; ``defaults`` name values
the API uses anyway, which the fix drops instead. The move is manual where this tool cannot see the destination
or the models of ``fix_models`` do not all pass, and unsafe where the range allows versions before
``exact_from``, which do not send the moved form as they sent the keyword. A move the rule calls safe (a dict
such as ``output_format``) stays safe only for a dict written in the file: an omitted value would send an empty
destination."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import libcst as cst
from packaging.version import InvalidVersion, Version

from claude_migrate.analysis.edits import EditSet, remove_element
from claude_migrate.analysis.moves import find_destination, move_edits
from claude_migrate.analysis.requests import Request, Requests
from claude_migrate.analysis.values import UNKNOWN, Entry
from claude_migrate.data.conditions import is_number
from claude_migrate.data.errors import DataError
from claude_migrate.data.rule_data import RuleData
from claude_migrate.data.sdk_versions import REQUEST_KIND, allows, specifier_set
from claude_migrate.data.yamlio import YamlMap
from claude_migrate.kinds.base import Param, register
from claude_migrate.kinds.request_condition import shown
from claude_migrate.kinds.request_kind import RequestKind


Replacements = tuple[tuple[cst.CSTNode, cst.CSTNode], ...]


@register(REQUEST_KIND)
class SdkRequest(RequestKind):
    """Reports each of ``keywords`` passed to ``methods`` of ``clients`` where the code's SDK range allows ``sdk``."""

    PARAMS = {
        "sdk": Param("str"),  # a version range such as ">=1.0"; absent: every version
        "methods": Param("str_list", required=True),
        "keywords": Param("str_list", required=True),
        "clients": Param("str_list"),  # qualified constructors; absent: any client
        "above": Param("int"),  # only a literal number above this
        "unless_keywords": Param("str_list"),  # skip calls that pass one (or may, through **kwargs) unless False
        "up_to_generation": Param("version"),  # only where every model the request may run on is this old or older
        "move_to": Param("str"),  # the fix: a dotted destination in the call ("extra_body.{keyword}")
        "move_safety": Param("str", default="safe", choices=("safe", "unsafe")),
        "exact_from": Param("str"),  # the first SDK version that sends the moved form as it sent the keyword
        "fix_models": Param("model_test"),  # the move only where every model the request may name passes
        "defaults": Param("constants"),  # keyword values the API uses anyway: the fix drops the keyword
    }
    MESSAGE_FIELDS = frozenset({"keyword", "value", "sdk", "client", "model", "limit", "note"})
    CLAUDE_ONLY = False

    @classmethod
    def check_params(cls, params: YamlMap | None, path: Path, data: RuleData) -> dict[str, Any]:
        result = super().check_params(params, path, data)
        if result["sdk"] is not None and specifier_set(result["sdk"]) is None:
            raise DataError(path, None, "sdk", f"'{result['sdk']}' is not a version range such as >=1.0")
        if result["exact_from"] is not None:
            try:
                Version(result["exact_from"])
            except InvalidVersion:
                raise DataError(path, None, "exact_from", f"'{result['exact_from']}' is not a version") from None
        return result

    def check_request(self, request: Request) -> None:
        p, sdk = self.params, self.ctx.options.sdk
        if p["sdk"] and sdk is not None and not allows(sdk.specifier, p["sdk"]):
            return
        if request.surface.name != "anthropic" or not request.calls(p["methods"]) or self._excluded(request):
            return
        client = self.ctx.provider(Requests).client_of(request)
        if p["clients"] and client not in p["clients"]:
            return
        models = ""
        if p["up_to_generation"]:
            if request.runs_on is None or not request.runs_on.known:
                return
            limit = tuple(int(part) for part in str(p["up_to_generation"]).split("."))
            if not all(model.generation <= limit and model.bedrock_id for model in request.runs_on.models):
                return
            models = request.runs_on.describe()
        for keyword in p["keywords"]:
            entry = request.args.get(keyword)
            if not isinstance(entry, Entry):
                continue
            value = request.resolver.value(entry.reached())
            if p["above"] is not None and not (isinstance(value, int) and value > p["above"]):
                continue
            shown_value = shown(value) if value is not UNKNOWN else "…"
            safety, replacements, note = self._fix(request, entry, keyword, value)
            on = sdk.describe() if sdk else ("an unknown anthropic version" if p["sdk"] else "any anthropic version")
            self.report(entry.key_node, safety=safety, replacements=replacements, keyword=keyword, value=shown_value,
                        sdk=on, client=client or "the client", model=models, limit=p["above"], note=note)

    def _fix(self, request: Request, entry: Entry, keyword: str, value: Any) -> tuple[str, Replacements, str]:
        """The safety, edits and message note of the fix for one keyword (manual, with the reason, when none)."""
        p, sdk = self.params, self.ctx.options.sdk
        if not p["move_to"]:
            return "manual", (), ""
        if sdk is None:
            return "manual", (), "; not fixed: the anthropic version the code runs on is not known"
        if entry.container is not request.call:
            return "manual", (), f"; not fixed: `{keyword}` comes from a dict defined elsewhere"
        default = (p["defaults"] or {}).get(keyword)
        # only a number written here: a name may be rebound elsewhere (another module sets it), and then it matters
        written = isinstance(entry.value, (cst.Integer, cst.Float))
        if default is not None and written and is_number(value) and value == default:
            edits = EditSet()
            edits.change(request.call, lambda node: remove_element(node, entry.element))  # type: ignore[arg-type]
            return "safe", edits.replacements(), f"; {shown(value)} is the API default, so the fix drops it"
        blocked = self._blocked(request)
        destination = find_destination(request.resolver, request.args,
                                       tuple(p["move_to"].format(keyword=keyword).split(".")), inline=True)
        blocked = blocked or destination.blocked
        if blocked:
            return "manual", (), f"; not fixed: {blocked}"
        others = [other for other in p["keywords"] if other != keyword and isinstance(request.args.get(other), Entry)]
        edits = move_edits(entry, request.args, destination, in_place=not others)
        if p["exact_from"] and allows(sdk.specifier, f"<{p['exact_from']}"):
            return "unsafe", edits.replacements(), (f"; the fix is unsafe: the code may also run on anthropic "
                                                    f"before {p['exact_from']}, which does not send the new form "
                                                    f"as it sent `{keyword}`")
        if p["move_safety"] == "safe" and request.resolver.mapping(entry.reached()) is None:
            return "unsafe", edits.replacements(), (f"; the fix is unsafe: the value of `{keyword}` is not a dict "
                                                    f"written in this file, and an omitted value (NOT_GIVEN, None) "
                                                    f"would send an empty `{p['move_to'].split('.')[0]}`")
        return p["move_safety"], edits.replacements(), ""

    def _blocked(self, request: Request) -> str:
        """Why the move needs a human before its destination is looked at ("" when it does not)."""
        if any(arg.star == "**" for arg in request.call.args):
            return "the call passes `**` arguments, which may already hold the destination"
        test = self.params["fix_models"]
        if test is None:
            return ""
        runs_on = request.runs_on
        if runs_on is None or not runs_on.known:
            return "the request's model is not one this tool knows statically"
        failing = next((model for model in runs_on.may_name if not test.holds(model, None)), None)
        if failing is not None:
            return f"the catalogue gives {failing.name} {test.fact}: {getattr(failing, test.fact)}"
        return ""

    def _excluded(self, request: Request) -> bool:
        """A call that passes one of ``unless_keywords`` (not as a literal False), or may through ``**``."""
        for keyword in self.params["unless_keywords"] or ():
            entry = request.args.get(keyword)
            if entry is UNKNOWN:
                return True
            if isinstance(entry, Entry) and request.resolver.value(entry.reached()) is not False:
                return True
        return False
