"""``sdk-request``: a call that fails on some versions of the ``anthropic`` package (a keyword argument a release
removed, an API version a client sends, the SDK's own non-streaming guard). The version range the checked code
may run on comes from its dependency files (``RunOptions.sdk``); a rule with an ``sdk`` range reports only where
that range reaches into it. Where the version is unknown it reports too, without a fix: the run takes those
findings out and says once how many calls it could not judge (:mod:`claude_migrate.run.sdk_ranges`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claude_migrate.analysis.requests import Request, Requests
from claude_migrate.analysis.values import UNKNOWN, Entry
from claude_migrate.data.errors import DataError
from claude_migrate.data.rule_data import RuleData
from claude_migrate.data.sdk_versions import REQUEST_KIND, allows, specifier_set
from claude_migrate.data.yamlio import YamlMap
from claude_migrate.kinds.base import Param, register
from claude_migrate.kinds.request_condition import shown
from claude_migrate.kinds.request_kind import RequestKind


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
    }
    MESSAGE_FIELDS = frozenset({"keyword", "value", "sdk", "client", "model", "limit"})
    CLAUDE_ONLY = False

    @classmethod
    def check_params(cls, params: YamlMap | None, path: Path, data: RuleData) -> dict[str, Any]:
        result = super().check_params(params, path, data)
        if result["sdk"] is not None and specifier_set(result["sdk"]) is None:
            raise DataError(path, None, "sdk", f"'{result['sdk']}' is not a version range such as >=1.0")
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
            self.report(entry.key_node, keyword=keyword, value=shown(value) if value is not UNKNOWN else "…",
                        sdk=sdk.describe() if sdk else ("an unknown anthropic version" if p["sdk"] else "any anthropic version"), client=client or "the client",
                        model=models, limit=p["above"])

    def _excluded(self, request: Request) -> bool:
        """A call that passes one of ``unless_keywords`` (not as a literal False), or may through ``**``."""
        for keyword in self.params["unless_keywords"] or ():
            entry = request.args.get(keyword)
            if entry is UNKNOWN:
                return True
            if isinstance(entry, Entry) and request.resolver.value(entry.reached()) is not False:
                return True
        return False
