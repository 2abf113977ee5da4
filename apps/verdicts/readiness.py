"""What stands between a verdict and publication, each blocker with its fix: read by the
publishing steps (which refuse) and the verdict page (which lists the fixes)."""

from dataclasses import dataclass

from apps.sources.models import Citation, Snapshot
from apps.verdicts.models import Verdict
from apps.verdicts.steps import VerdictError


@dataclass(frozen=True)
class Blocker:
    """One thing between a verdict and publication, and what fixes it: `fix` is one of
    "rearchive" (of `source_id`), "cite" (cite another source), "override" (an editor's reason),
    or "edit" (the verdict itself)."""

    problem: str
    fix: str
    source_id: int | None = None
    url: str = ""


@dataclass(frozen=True)
class PublishCheck:
    blockers: list[Blocker]

    @property
    def problems(self) -> list[str]:
        return [b.problem for b in self.blockers]

    @property
    def ok(self) -> bool:
        return not self.blockers


def verdict_publish_check(*, verdict: Verdict) -> PublishCheck:
    """What stands between a verdict and publication, each with its fix, in the editor's words."""
    blockers = []
    if verdict.rating_id is None:
        blockers.append(Blocker("it has no rating", "edit"))
    if not verdict.summary.strip():
        blockers.append(Blocker("it has no summary", "edit"))
    citations = list(Citation.objects.filter(claim_id=verdict.claim_id).select_related("source"))
    if not citations:
        blockers.append(Blocker("the claim has no cited source", "cite"))
    if not verdict.archive_override.strip():
        archived_sources = set(
            Snapshot.objects.filter(
                source_id__in=[c.source_id for c in citations], state=Snapshot.State.ARCHIVED
            ).values_list("source_id", flat=True)
        )
        for c in citations:
            if c.source_id not in archived_sources:
                blockers.append(
                    Blocker(
                        f"{c.source.url} is not archived: archive it again, cite another source "
                        "or give an override reason",
                        "rearchive",
                        source_id=c.source_id,
                        url=c.source.url,
                    )
                )
    return PublishCheck(blockers)


def publishable_or_refuse(current: Verdict) -> None:
    check = verdict_publish_check(verdict=current)
    if not check.ok:
        raise VerdictError("Cannot publish: " + "; ".join(check.problems) + ".")
