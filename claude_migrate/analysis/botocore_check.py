"""Validate the statically known part of a boto3 request with botocore's own service model and validator, the
way boto3 does before any network call. botocore is imported on first use only: start-up time matters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import OperationModel

ParamPath = tuple[str | int, ...]
_UNKNOWN_PARAM = re.compile(r'^Unknown parameter in (?P<name>\S+): "(?P<key>[^"]+)", must be one of: ')
_NAMED = re.compile(r"(?:for parameter|structure) (?P<name>\S+?)[,.:]?(?:\s|$)")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class ParamProblem:
    """One line of botocore's validation report and the parameter it is about."""

    path: ParamPath
    message: str
    unknown_key: bool  # the last path element is a key the shape does not have

    @property
    def incomplete(self) -> bool:
        """A complaint about keys that are missing, which may only be missing from what is known statically."""
        return self.message.startswith(("Missing required parameter", "Must set one of the following keys"))


@cache
def _operations(service: str) -> dict[str, OperationModel]:
    from botocore.loaders import Loader
    from botocore.model import ServiceModel
    from botocore import xform_name

    model = ServiceModel(Loader().load_service_model(service, "service-2"), service)
    return {xform_name(name): model.operation_model(name) for name in model.operation_names}


def validate(service: str, method: str, params: dict[str, Any]) -> list[ParamProblem]:
    """botocore's complaints about ``params`` for ``client.<method>(**params)``."""
    from botocore.validate import ParamValidator

    operation = _operations(service).get(method)
    if operation is None:
        return []
    report = ParamValidator().validate(params, operation.input_shape)
    problems = []
    for line in report.generate_report().splitlines():
        if not line:
            continue
        if (match := _UNKNOWN_PARAM.match(line)) is not None:
            problems.append(ParamProblem((*_path(match["name"]), match["key"]), line, True))
        elif (match := _NAMED.search(line)) is not None:
            problems.append(ParamProblem(_path(match["name"]), line, False))
        else:
            problems.append(ParamProblem((), line, False))
    return problems


def _path(name: str) -> ParamPath:
    if name == "input":
        return ()
    return tuple(int(index) if index else key for key, index in _PATH_PART.findall(name))
