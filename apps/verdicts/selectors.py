"""Reads shared by the admin, the API and the reports, so all three agree on what is public."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from apps.articles.models import Article
from apps.claims.models import Claim
from apps.sources.models import Citation, Snapshot
from apps.sources.selectors import citations_with_archive_state
from apps.verdicts.models import PUBLIC_NAME_DEFAULT, StaffProfile, Verdict, VerdictTransition
from apps.verdicts.roles import staff_may
from apps.verdicts.workflow import PERM_APPROVE

_APPROVAL_STATES = [Verdict.State.APPROVED, Verdict.State.CORRECTION_APPROVED]


def verdicts_public() -> QuerySet[Verdict]:
    """Verdicts the public may see: published, corrected, and retracted (shown as retracted)."""
    return Verdict.objects.filter(state__in=Verdict.PUBLIC_STATES)


def claims_published(*, article_id: int | None = None) -> QuerySet[Claim]:
    """Claims that have a public verdict, each with `public_verdicts` (newest first) and
    `public_citations` (with source and snapshot) prefetched."""
    claims = Claim.objects.filter(
        Exists(verdicts_public().filter(claim=OuterRef("pk")))
    ).select_related("article")
    if article_id is not None:
        claims = claims.filter(article_id=article_id)
    return claims.prefetch_related(
        Prefetch(
            "verdicts",
            queryset=verdicts_public().select_related("rating").order_by("-published_at"),
            to_attr="public_verdicts",
        ),
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("source", "snapshot").order_by("created_at"),
            to_attr="public_citations",
        ),
    ).order_by("article_id", "start")


def claims_public(*, article_id: int | None = None) -> QuerySet[Claim]:
    """Claims with a public verdict, in article order, without prefetching."""
    claims = Claim.objects.filter(Exists(verdicts_public().filter(claim=OuterRef("pk"))))
    if article_id is not None:
        claims = claims.filter(article_id=article_id)
    return claims.order_by("article_id", "start")


def verdict_live_for_claim(*, claim_id: int) -> Verdict | None:
    """The claim's verdict that is not retracted, if any (at most one, by a DB constraint)."""
    return (
        Verdict.objects.filter(state__in=Verdict.LIVE_STATES)
        .select_related("rating", "author", "approver")
        .filter(claim_id=claim_id)
        .first()
    )


def verdicts_visible(*, user) -> QuerySet[Verdict]:
    """Every verdict (drafts included) for staff who may view verdicts; else the public ones."""
    if staff_may(user, "verdicts.view_verdict"):
        return Verdict.objects.all()
    return verdicts_public()


def articles_published() -> QuerySet[Article]:
    """Articles with at least one public verdict: the ones the public may list and open."""
    return Article.objects.filter(Exists(verdicts_public().filter(claim__article=OuterRef("pk"))))


def articles_visible(*, user) -> QuerySet[Article]:
    """Every article for staff who may view articles; the published ones otherwise."""
    if staff_may(user, "articles.view_article"):
        return Article.objects.all()
    return articles_published()


def article_rating_counts(*, article_ids: list[int]) -> dict[int, dict]:
    """Per article: the number of claims under each rating (current published or corrected
    verdicts) and the number of claims whose only public verdict was retracted. Two queries,
    whatever the number of articles."""
    counts: dict[int, dict] = {pk: {"ratings": {}, "retracted": 0} for pk in article_ids}
    rows = (
        verdicts_public()
        .filter(state__in=Verdict.LIVE_PUBLIC_STATES, claim__article_id__in=article_ids)
        .values_list("claim__article_id", "rating__label")
        .annotate(n=Count("id"))
        .order_by()
    )
    for article_id, label, n in rows:
        counts[article_id]["ratings"][label] = n
    retracted = (
        Claim.objects.filter(article_id__in=article_ids)
        .filter(
            Exists(verdicts_public().filter(claim=OuterRef("pk"), state=Verdict.State.RETRACTED))
        )
        .exclude(
            Exists(
                verdicts_public().filter(claim=OuterRef("pk"), state__in=Verdict.LIVE_PUBLIC_STATES)
            )
        )
        .values_list("article_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for article_id, n in retracted:
        counts[article_id]["retracted"] = n
    return counts


# The state the public sees: a correction under way shows as the state it will replace.
_PUBLIC_STATE = Case(
    When(
        state__in=Verdict.CORRECTION_STATES,
        corrected_at__isnull=False,
        then=Value(Verdict.State.CORRECTED),
    ),
    When(state__in=Verdict.CORRECTION_STATES, then=Value(Verdict.State.PUBLISHED)),
    default=F("state"),
)


def claims_published_annotated(*, article_id: int | None = None) -> QuerySet[Claim]:
    """claims_public() with the current public verdict's `published_at`, `verdict_state` and
    `rating_label` as columns, so lists can filter and order on them."""
    current = verdicts_public().filter(claim=OuterRef("pk")).order_by("-published_at")
    return claims_public(article_id=article_id).annotate(
        published_at=Subquery(current.values("published_at")[:1]),
        verdict_state=Subquery(current.annotate(shown=_PUBLIC_STATE).values("shown")[:1]),
        rating_label=Subquery(current.values("rating__label")[:1]),
    )


def claim_reviewable_verdict(*, claim_id: int) -> Verdict | None:
    """The claim's published or corrected verdict, with what a ClaimReview needs loaded."""
    return (
        verdicts_public()
        .filter(claim_id=claim_id, state__in=Verdict.LIVE_PUBLIC_STATES)
        .select_related("claim__article", "rating")
        .order_by("-published_at")
        .first()
    )


def verdicts_reviewable() -> QuerySet[Verdict]:
    """Published and corrected verdicts, newest first, ready for ClaimReview markup."""
    return (
        verdicts_public()
        .filter(state__in=Verdict.LIVE_PUBLIC_STATES)
        .select_related("claim__article", "rating")
        .order_by("-published_at", "-pk")
    )


def snapshots_published() -> QuerySet[Snapshot]:
    """Archived snapshots cited by a claim with a public verdict: the WARC files the public
    claim sets link to."""
    cited_in_public = Citation.objects.filter(snapshot=OuterRef("pk")).filter(
        Exists(verdicts_public().filter(claim=OuterRef("claim")))
    )
    return Snapshot.objects.filter(state=Snapshot.State.ARCHIVED).filter(Exists(cited_in_public))


def verdict_evidence(*, claim_id: int) -> list[Citation]:
    """The claim's citations as the verdict page shows them: source, snapshot, and the state and
    reason of the source's latest capture (`archive_state`, `archive_reason`). One query."""
    return list(
        citations_with_archive_state().filter(claim_id=claim_id).order_by("created_at", "id")
    )


def claim_paragraph(*, claim: Claim) -> tuple[str, str, str]:
    """The paragraph of the article that holds the claim, cut into (before, claim, after), so
    the verdict page can show the claim in full and in its context."""
    body = claim.article.body
    start = body.rfind("\n\n", 0, claim.start)
    start = 0 if start < 0 else start + 2
    end = body.find("\n\n", claim.end)
    end = len(body) if end < 0 else end
    return body[start : claim.start], body[claim.start : claim.end], body[claim.end : end]


def public_names(*, user_ids: Iterable[int | None]) -> dict[int | None, str]:
    """The name each staff member is shown under in public (reports, the API): the public name
    set in their staff profile, else the desk's name. Never a username. One query."""
    ids = {pk for pk in user_ids if pk is not None}
    names = dict(StaffProfile.objects.filter(user_id__in=ids).values_list("user_id", "public_name"))
    return {**{pk: names.get(pk, PUBLIC_NAME_DEFAULT) for pk in ids}, None: ""}


def _public_name(user_field: str):
    name = StaffProfile.objects.filter(user_id=OuterRef(user_field)).values("public_name")[:1]
    return Coalesce(Subquery(name), Value(PUBLIC_NAME_DEFAULT))


def verdicts_with_public_names(verdicts: QuerySet[Verdict]) -> QuerySet[Verdict]:
    """`author_name` and `approver_name` (empty before approval) as columns: no query per row."""
    return verdicts.annotate(
        author_name=_public_name("author_id"),
        approver_name=Case(
            When(approver__isnull=True, then=Value("")), default=_public_name("approver_id")
        ),
    )


# --- the inbox on the admin index ---------------------------------------------------------------

INBOX_SHOWN = 10  # items shown per list; the count says how many there are in all


@dataclass(frozen=True, slots=True)
class InboxList:
    items: list
    count: int


@dataclass(frozen=True, slots=True)
class Inbox:
    assigned: InboxList  # open claims assigned to the user, not yet under review
    sent_back: InboxList  # their verdicts sent back (with `.request_note`, `.request_by`)
    to_approve: InboxList  # submitted verdicts and drafted corrections the user may approve
    failed_captures: InboxList  # the user's citations whose latest capture failed or was blocked

    @property
    def total(self) -> int:
        return (
            self.assigned.count
            + self.sent_back.count
            + self.to_approve.count
            + self.failed_captures.count
        )


def _inbox_list(queryset: QuerySet) -> InboxList:
    return InboxList(items=list(queryset[:INBOX_SHOWN]), count=queryset.count())


def inbox_for(*, user) -> Inbox:
    """What waits for `user`: a fixed number of queries, whatever the size of the newsroom. An
    editor is never offered a verdict to approve that they wrote or changed since its last
    approval (the two-person rule, as `steps.verdict_authors` counts authors)."""
    assigned = (
        Claim.objects.filter(assignee=user, status=Claim.Status.OPEN)
        .exclude(verdicts__state__in=Verdict.UNDER_WAY_STATES)
        .select_related("article")
        .order_by("-score", "pk")
    )
    request = VerdictTransition.objects.filter(
        verdict=OuterRef("pk"), to_state=Verdict.State.CHANGES_REQUESTED
    ).order_by("-at", "-id")
    sent_back = (
        Verdict.objects.filter(author=user, state=Verdict.State.CHANGES_REQUESTED)
        .select_related("claim")
        .annotate(
            request_note=Subquery(request.values("comment")[:1]),
            request_by=Subquery(request.values("by__username")[:1]),
        )
        .order_by("-updated_at", "pk")
    )
    if staff_may(user, PERM_APPROVE):
        log = VerdictTransition.objects.filter(verdict=OuterRef("pk"))
        last_approval = (
            log.filter(to_state__in=_APPROVAL_STATES, kind=VerdictTransition.Kind.STEP)
            .order_by("-id")
            .values("id")[:1]
        )
        authored_since = VerdictTransition.objects.filter(
            verdict=OuterRef("pk"), by=user, id__gt=OuterRef("last_approval_id")
        ).filter(
            Q(kind__in=[VerdictTransition.Kind.EDIT, VerdictTransition.Kind.EVIDENCE])
            | Q(kind=VerdictTransition.Kind.STEP, to_state=Verdict.State.CORRECTION_DRAFTED)
        )
        to_approve = (
            Verdict.objects.filter(
                state__in=[Verdict.State.SUBMITTED, Verdict.State.CORRECTION_DRAFTED]
            )
            .exclude(author=user)
            .exclude(last_editor=user)
            .annotate(last_approval_id=Coalesce(Subquery(last_approval), Value(0)))
            .exclude(Exists(authored_since))
            .select_related("claim", "author")
            .order_by("submitted_at", "pk")
        )
    else:
        to_approve = Verdict.objects.none()
    failed = (
        citations_with_archive_state()
        .filter(added_by=user)
        .filter(archive_state__in=[Snapshot.State.FAILED, Snapshot.State.BLOCKED])
        .exclude(claim__status=Claim.Status.STALE)
        .select_related("claim")
        .order_by("-created_at", "pk")
    )
    return Inbox(
        assigned=_inbox_list(assigned),
        sent_back=_inbox_list(sent_back),
        to_approve=_inbox_list(to_approve),
        failed_captures=_inbox_list(failed),
    )
