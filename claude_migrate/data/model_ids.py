"""Find model IDs inside the text of a string: every platform form, with the context around each one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from claude_migrate.data.catalogue import Catalogue, InvalidId, KnownId
from claude_migrate.data.id_grammar import STEM, IdGrammar

_ARN = re.compile(
    r"arn:aws[\w-]*:bedrock:(?P<region>[\w*-]*):(?P<account>[\d*]*):"
    r"(?P<resource>foundation-model|inference-profile|application-inference-profile|provisioned-model)/$"
)


@dataclass(frozen=True)
class IdHit:
    """One model ID found at ``start:end`` of a string value (the span includes a profile prefix)."""

    start: int
    end: int
    text: str
    known: KnownId | None
    invalid: InvalidId | None
    prefix: str | None  # the cross-Region prefix written before a Bedrock ID, without the dot
    dynamic_prefix: bool  # the code computes what stands before the ID (an f-string field, a ``+``)
    arn_resource: str | None
    arn_account: str | None
    arn_region: str | None
    arn_start: int | None = None  # where the ARN around the ID starts in the string

    @property
    def name_like(self) -> bool:
        """A misspelling that is also the model's everyday name (claude-sonnet-4.5): an ID only where sent."""
        return self.invalid is not None and self.invalid.name_like

    @property
    def bare_id(self) -> str:
        return self.known.text if self.known else self.invalid.text  # type: ignore[union-attr]


def _common_part(spellings: list[str]) -> str:
    """The longest text every spelling contains ("claude" for the bundled catalogue), or "" if none."""
    shortest = min(spellings, key=len)
    for size in range(len(shortest), 2, -1):
        for start in range(len(shortest) - size + 1):
            part = shortest[start:start + size]
            if all(part in spelling for spelling in spellings):
                return part
    return ""


class IdMatcher:
    """A compiled search for every ID in the catalogue (valid and known-invalid), longest first, and for the
    strings the ID grammar reads as misspelled IDs of catalogue models."""

    def __init__(self, catalogue: Catalogue, grammar: IdGrammar | None = None) -> None:
        self.catalogue = catalogue
        self.grammar = grammar
        self._misspelled: dict[str, InvalidId | None] = {}
        spellings = sorted({*catalogue.ids, *catalogue.invalid_ids}, key=len, reverse=True)
        alternation = "|".join(re.escape(text) for text in spellings)
        prefixes = "|".join(re.escape(p) for p in sorted(catalogue.profile_prefixes, key=len, reverse=True))
        self.pattern = re.compile(
            rf"(?<![\w@.\-])(?:(?P<prefix>{prefixes})\.)?(?P<id>{alternation})(?![\w.@\-]|:\d)"
        )
        # An ID at the very start of a literal after a placeholder, or after a dot that opens the literal
        # (``prefix + ".anthropic..."``): the prefix is computed at run time.
        self.computed_start = re.compile(rf"^\.?(?P<id>{alternation})(?![\w.@\-]|:\d)")
        # An ID after a template placeholder and a dot, inside one string (``${AWS_BEDROCK_REGION}.anthropic...``
        # in a config file, ``{region}.anthropic...`` in a format string): the prefix is filled in at run time.
        self.templated = re.compile(
            rf"(?:\$\{{[\w:\-]+\}}|\$\w+|\{{\{{?\s*[\w.]*\s*\}}\}}?|%\(\w+\)s)\.(?P<id>{alternation})(?![\w.@\-]|:\d)")
        self.anchor = _common_part(spellings)
        self.anchored = [(spelling, spelling.index(self.anchor)) for spelling in spellings]

    def spellings_in(self, text: str) -> set[str]:
        """Every ID spelling that occurs anywhere in ``text`` (a whole file), whatever surrounds it. The
        search starts from each occurrence of the part all IDs share ("claude-"), so a 4 MB file that
        mentions Claude ten times costs milliseconds, where the full pattern would take most of a second."""
        if not self.anchor:  # "".index("") is 0 for every spelling: search for each one
            return {spelling for spelling, _ in self.anchored if spelling in text}
        found: set[str] = set()
        at = text.find(self.anchor)
        while at != -1:
            found.update(spelling for spelling, offset in self.anchored
                         if at >= offset and text.startswith(spelling, at - offset))
            at = text.find(self.anchor, at + 1)
        return found | {text[start:end] for start, end in self._misspellings(text)}

    def misspelled(self, text: str) -> InvalidId | None:
        """What the ID grammar says of one ID-like string (remembered: a run meets the same strings often)."""
        if self.grammar is None:
            return None
        if text not in self._misspelled:
            self._misspelled[text] = None if text in self.catalogue.ids else self.grammar.invalid(text)
        return self._misspelled[text]

    def _misspellings(self, text: str, taken: Sequence[IdHit] = ()) -> list[tuple[int, int]]:
        """The spans of the misspelled IDs in ``text`` that overlap none of ``taken``."""
        spans = []
        at = text.find(STEM) if self.grammar is not None else -1
        while at != -1:
            span = self.grammar.candidate_at(text, at)  # type: ignore[union-attr]
            if span is not None and not any(span[0] < hit.end and hit.start < span[1] for hit in taken) \
                    and self.misspelled(text[span[0]:span[1]]) is not None:
                spans.append(span)
            at = text.find(STEM, span[1] if span else at + 1)
        return spans

    def find(self, value: str, *, after_placeholder: bool = False) -> list[IdHit]:
        """All IDs in ``value``; ``after_placeholder`` means an f-string field stands right before it. An ID whose
        profile prefix is computed is reported without the separator before it, so that an edit keeps the
        separator (``f"{prefix}.anthropic..."`` must not lose its dot) and no literal prefix is ever added."""
        hits = []
        lead = self.computed_start.match(value) if after_placeholder or value.startswith(".") else None
        if lead is not None:
            hits.append(self._hit(value, lead.start("id"), lead.end(), lead.group("id"), None, dynamic=True))
        for match in self.templated.finditer(value):
            if not hits or match.start("id") >= hits[-1].end:
                hits.append(self._hit(value, match.start("id"), match.end(), match.group("id"), None, dynamic=True))
        for match in self.pattern.finditer(value):
            if any(match.start() < hit.end and hit.start < match.end() for hit in hits):
                continue
            hits.append(self._hit(value, match.start(), match.end(), match.group("id"), match.group("prefix"),
                                  dynamic=False))
        for start, end in self._misspellings(value, hits):
            hits.append(self._misspelled_hit(value, start, end))
        return sorted(hits, key=lambda hit: hit.start)

    def _misspelled_hit(self, value: str, start: int, end: int) -> IdHit:
        """A hit for a misspelled ID; its one profile prefix (written once or twice) is kept by a fix."""
        text = value[start:end]
        profiles = {part for part in text[:text.find(STEM)].split(".")[:-1] if part in self.catalogue.profile_prefixes}
        return IdHit(start=start, end=end, text=text, known=None, invalid=self.misspelled(text),
                     prefix=next(iter(profiles)) if len(profiles) == 1 else None, dynamic_prefix=False,
                     arn_resource=None, arn_account=None, arn_region=None)

    def _hit(self, value: str, start: int, end: int, text: str, prefix: str | None, *, dynamic: bool) -> IdHit:
        known = self.catalogue.ids.get(text)
        invalid = self.catalogue.invalid_ids.get(text)
        if known is not None and prefix is not None and known.platform.value != "bedrock":
            # "us.claude-..." is not a profile ID; report only the first-party ID after the dot.
            start, prefix = start + len(prefix) + 1, None
        arn = _ARN.search(value[:start])
        return IdHit(
            start=start, end=end, text=value[start:end], known=known, invalid=invalid, prefix=prefix,
            dynamic_prefix=dynamic,
            arn_resource=arn.group("resource") if arn else None,
            arn_account=(arn.group("account") or None) if arn else None,
            arn_region=(arn.group("region") or None) if arn else None,
            arn_start=arn.start() if arn else None,
        )
