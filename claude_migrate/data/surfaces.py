"""The request surfaces (SDK methods, boto3 operations, framework constructors) and where each logical field
lives on each of them, read from ``rules/catalogue/surfaces.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from claude_migrate.data.catalogue import Platform
from claude_migrate.data.yamlio import Fields, load_yaml

LOGICAL_FIELDS = ("model", "max_tokens", "thinking", "tools", "betas", "temperature", "top_p", "top_k",
                  "tool_choice", "messages")
KeyPath = tuple[str, ...]


@dataclass(frozen=True)
class KeyMove:
    """A key that belongs elsewhere in the requests of one surface (a ``move-request-key`` rule's parameter).
    Here, not next to its rule kind: rule parameters are pickled, and unpickling must not import libcst."""

    surface: str
    source: KeyPath
    destination: KeyPath


@dataclass(frozen=True)
class Surface:
    """One way of making a request, and the places (dotted key paths) each logical field may be written."""

    name: str
    label: str
    clients: tuple[str, ...]
    service: str | None
    methods: tuple[KeyPath, ...]
    constructors: tuple[str, ...]
    fields: dict[str, tuple[KeyPath, ...]]
    sources: tuple[str, ...]
    positional: tuple[str, ...] = ()  # the names of the call's positional parameters, in order
    # Where one call sends several requests (a Message Batch): the list argument and, in each of its elements, the
    # mapping that is one request's fields (``requests[].params``); None when the call's arguments are the request.
    each_request: tuple[KeyPath, KeyPath] | None = None
    platform: Platform | None = None  # whose model IDs the request's model takes; None: unknown
    client_platforms: dict[str, Platform] = field(default_factory=dict)  # the same, by the client that sends it

    def paths(self, name: str) -> tuple[KeyPath, ...]:
        return self.fields.get(name, ())

    def platform_of(self, client: str | None) -> Platform | None:
        """Whose model IDs a request sent by ``client`` (None: the code does not show it) takes; None: unknown."""
        return self.client_platforms.get(client, self.platform) if client is not None else self.platform


@dataclass(frozen=True)
class Surfaces:
    by_name: dict[str, Surface]
    sources: dict[str, str]
    region_clients: frozenset[str] = frozenset()  # import roots whose calls build a client in an AWS Region
    region_keywords: frozenset[str] = frozenset()  # the keyword that names that Region
    runtime_prefix_keywords: frozenset[str] = frozenset()  # a wrapper's switch that adds the profile prefix itself
    mapping_types: frozenset[str] = frozenset()  # TypedDict classes whose call builds a plain mapping of settings

    @property
    def method_surfaces(self) -> list[Surface]:
        return [s for s in self.by_name.values() if s.methods]

    def constructor(self, qualified: str) -> Surface | None:
        return next((s for s in self.by_name.values() if qualified in s.constructors), None)

    @property
    def import_roots(self) -> tuple[str, ...]:
        """The top-level modules of every client and constructor (``anthropic``, ``boto3``, ...): a request is
        recognised only through an import of one of them."""
        return tuple(sorted({name.split(".")[0] for surface in self.by_name.values()
                             for name in (*surface.clients, *surface.constructors)}))


def _dotted(text: str) -> KeyPath:
    return tuple(text.split("."))


def _each_request(fields: Fields) -> tuple[KeyPath, KeyPath] | None:
    """``requests[].params``: the list argument before ``[]``, the path to one request's mapping after it."""
    text = fields.str("each_request")
    if text is None:
        return None
    items, sep, inner = text.partition("[].")
    if not sep or not items or not inner:
        raise fields.error("each_request", f"'{text}' is not 'LIST[].PATH' (such as 'requests[].params')")
    return _dotted(items), _dotted(inner)


PLATFORMS = tuple(platform.value for platform in Platform)


def _client_platforms(fields: Fields, name: str, clients: list[str]) -> dict[str, Platform]:
    """``client_platforms``: each of the surface's clients and the platform whose IDs its requests take."""
    mapping = fields.mapping("client_platforms")
    if mapping is None:
        return {}
    by_client = Fields(mapping, f"client_platforms of surface {name}", allowed=set(clients))
    return {str(client): Platform(by_client.str(str(client), required=True, choices=PLATFORMS)) for client in mapping}


def load_surfaces(path: Path) -> Surfaces:
    raw = load_yaml(path)
    top = Fields.data_file(raw, "surfaces file", path=path, allowed={
        "schema", "sources", "surfaces", "region_clients", "region_keywords", "runtime_prefix_keywords",
        "mapping_types"})
    sources = {str(key): str(value) for key, value in top.mapping("sources", required=True).items()}
    by_name: dict[str, Surface] = {}
    for name, entry in top.mapping("surfaces", required=True).items():
        fields = Fields(entry, f"surface {name}", allowed={
            "label", "clients", "service", "methods", "constructors", "fields", "sources", "positional",
            "each_request", "platform", "client_platforms"})
        clients, methods = fields.str_list("clients"), fields.str_list("methods")
        constructors = fields.str_list("constructors")
        if bool(clients) != bool(methods) or bool(methods) == bool(constructors):
            raise fields.error("methods", "give either clients with methods, or constructors")
        field_map = fields.mapping("fields", required=True)
        field_fields = Fields(field_map, f"fields of surface {name}", allowed=set(LOGICAL_FIELDS))
        paths = {key: tuple(_dotted(p) for p in field_fields.str_list(key)) for key in field_map}
        source_keys = fields.str_list("sources", required=True)
        for key in source_keys:
            if key not in sources:
                raise fields.error("sources", f"unknown source key '{key}' (define it under the top-level 'sources')")
        by_name[name] = Surface(
            name=name,
            label=fields.str("label", required=True),
            clients=tuple(clients),
            service=fields.str("service"),
            methods=tuple(_dotted(m) for m in methods),
            constructors=tuple(constructors),
            fields=paths,
            sources=tuple(source_keys),
            positional=tuple(fields.str_list("positional")),
            each_request=_each_request(fields),
            platform=Platform(platform) if (platform := fields.str("platform", choices=PLATFORMS)) else None,
            client_platforms=_client_platforms(fields, name, clients),
        )
    return Surfaces(by_name, sources, frozenset(top.str_list("region_clients", required=True)),
                    frozenset(top.str_list("region_keywords", required=True)),
                    frozenset(top.str_list("runtime_prefix_keywords", required=True)),
                    frozenset(top.str_list("mapping_types")))
