"""The rule kind that reports a Bedrock model the account cannot call in the Region, going by AWS's own answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_migrate.catalogue import KnownId, Model, Platform
from claude_migrate.kinds.base import register
from claude_migrate.kinds.model_id import ModelIdKind
from claude_migrate.providers import IdSite

if TYPE_CHECKING:
    from claude_migrate.bedrock_snapshot import BedrockSnapshot


def unavailable_reason(answer: BedrockSnapshot, model: Model, prefix: str | None) -> str | None:
    """Why a call to ``model`` (through the ``prefix`` profile, or bare) fails in the answer's Region, or None."""
    base = model.bedrock_id or ""
    listed = answer.prefixes(base)
    if prefix is not None and prefix not in listed:
        return (f"AWS lists no {prefix}. profile for it (Claude profiles there: "
                f"{' '.join(p + '.' for p in listed) or 'none'})")
    status = answer.status(base)
    if prefix is None and status is None:
        return "AWS does not offer it"
    if status == "LEGACY":
        end = answer.end_of_life(base)
        return (f"AWS marks it LEGACY{f' (end of life {end})' if end else ''}, and accounts that have not used it "
                f"in the last 30 days are denied access")
    return None


@register("bedrock-model-unavailable")
class BedrockModelUnavailable(ModelIdKind):
    """A Bedrock ID the code will call (after migration, the target's) that AWS's answer says fails in the Region.

    Quiet without an answer (``--bedrock-live`` or ``--bedrock-snapshot``) or when a site's client is built in
    another Region than the answer's.
    """

    MESSAGE_FIELDS = frozenset({"id", "model", "region", "why", "answer"})

    def check_site(self, site: IdSite) -> None:
        hit, known = site.hit, site.hit.known
        if (known is None or known.platform is not Platform.BEDROCK or known.variant == "other"
                or hit.arn_resource or hit.dynamic_prefix):
            return
        answer = self.bedrock_answer(site)
        called = self._called(site, known)
        if answer is None or called is None:
            return
        model, prefix, text, role = called
        why = unavailable_reason(answer, model, prefix)
        if why is not None:
            self.report(site.string, safety="manual", id=text, model=model.name + role, region=answer.region,
                        why=why, answer=answer.describe())

    def _called(self, site: IdSite, known: KnownId) -> tuple[Model, str | None, str, str] | None:
        """The model, profile prefix and ID this site calls once fixed, and how it relates to the code's ID."""
        replacement = self.migrated_to(known.model)
        if replacement is None:
            return known.model, site.hit.prefix, site.hit.text, ""
        new_model, new_id = replacement.model, replacement.model.bedrock_id
        if new_id is None:
            return None  # the outdated-model rule already says the target has no Bedrock ID
        text = self.bedrock_text(site, new_model, new_id, replacement.fix).text
        prefix = text[: -len(new_id) - 1] if text != new_id else None
        role = f", which target {self.ctx.options.target.name} writes for `{site.hit.text}`"
        return new_model, prefix, text, role
