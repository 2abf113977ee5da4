"""The demo newsroom that `load_demo` builds: the seed article with its claims, demo users in the
two roles, cited sources (archived by the worker when it can reach them) and verdicts in every
state, so the admin, the API and the reports show something on a fresh machine.

Idempotent: users, the article, citations and verdicts are looked up before they are created.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from apps.articles.models import Article
from apps.articles.services import article_import
from apps.claims.models import Claim
from apps.claims.services import claim_add, claim_comment_add, claim_decide
from apps.sources.models import Citation, Source
from apps.sources.services import citation_add
from apps.verdicts import services
from apps.verdicts.demo_pages import DemoPages, demo_pages_archive
from apps.verdicts.models import Rating, StaffProfile, Verdict
from apps.verdicts.priorchecks import prior_checks_match
from apps.verdicts.roles import EDITORS, REVIEWERS, roles_sync
from apps.verdicts.scale import rating_scale_seed
from factcheck.errors import DomainError, Refused

SEEDS = Path(settings.BASE_DIR) / "seeds"
DEMO_USERS = [
    # username, password, group, superuser
    ("reviewer", "reviewer-demo-pass", REVIEWERS, False),
    ("reviewer2", "reviewer2-demo-pass", REVIEWERS, False),
    ("editor", "editor-demo-pass", EDITORS, False),
    ("editor2", "editor2-demo-pass", EDITORS, False),
    ("admin", "admin-demo-pass", None, True),
]
# A follow-up piece that repeats a claim the demo article's published verdict already checked,
# so the claim page and the queue show a prior check.
FOLLOWUP = {
    "file": "demo-followup-2016.txt",
    "title": "Kurdish gains leave Moscow watching from the sidelines",
    "repeat_contains": "the Syrian Kurds took by storm the fortified city of Manbij",
}

# Public names the reports show (the reviewers keep the desk's default, "Fact-check desk").
DEMO_PUBLIC_NAMES = {"editor": "Desk editor", "editor2": "Standards editor"}
OFFLINE_OVERRIDE = (
    "Demo data: the cited page was read by the reviewer; the archive copy may be missing when "
    "the workbench runs without internet access."
)


class DemoError(Refused):
    """The demo data cannot be loaded (its seed files are missing or malformed)."""


@dataclass
class DemoResult:
    article: Article
    article_created: bool
    users: list[tuple[str, str]] = field(default_factory=list)
    citations_added: int = 0
    verdicts_added: int = 0
    reviewer_decisions: int = 0
    comments_added: int = 0
    prior_matches: int = 0
    pages: DemoPages = field(default_factory=DemoPages)
    missing_claims: list[str] = field(default_factory=list)


def demo_users_ensure() -> list[tuple[str, str]]:
    User = get_user_model()
    created = []
    for username, password, group, superuser in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.org",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if was_created:
            user.set_password(password)
            user.save(update_fields=["password"])
        if group:
            user.groups.add(Group.objects.get(name=group))
        if username in DEMO_PUBLIC_NAMES:
            StaffProfile.objects.get_or_create(
                user=user, defaults={"public_name": DEMO_PUBLIC_NAMES[username]}
            )
        shown = password if user.check_password(password) else "(changed since the demo load)"
        created.append((username, shown))
    return created


def _claim_for(article: Article, fragment: str) -> Claim | None:
    return article.claims.filter(text__contains=fragment).order_by("start").first()


def _verdict_to_state(claim: Claim, plan: dict, users: dict) -> Verdict | None:
    if Verdict.objects.filter(claim=claim).exists():
        return None
    author, second_author, editor, approver = (
        users["reviewer"],
        users["reviewer2"],
        users["editor"],
        users["editor2"],
    )
    target = plan["state"]
    writer = second_author if target in {"draft", "changes_requested"} else author
    verdict = services.verdict_create(
        claim=claim,
        by=writer,
        rating=Rating.objects.get(label=plan["rating"]),
        summary=plan["summary"],
    )
    if target == "draft":
        return verdict
    verdict = services.verdict_submit(verdict=verdict, by=writer)
    if target == "submitted":
        return verdict
    if target == "changes_requested":
        return services.verdict_request_changes(verdict=verdict, by=editor, comment=plan["comment"])
    verdict = services.verdict_approve(verdict=verdict, by=approver)
    if target == "approved":
        return verdict
    if not services.verdict_publish_check(verdict=verdict).ok:
        Verdict.objects.filter(pk=verdict.pk).update(archive_override=OFFLINE_OVERRIDE)
        verdict.refresh_from_db()
    verdict = services.verdict_publish(verdict=verdict, by=editor)
    if target in {"corrected", "correction_drafted"}:
        # The author drafts the correction; another editor than the one who approved the
        # verdict signs it off (a correction takes two people, like the verdict did).
        verdict = services.verdict_correct(
            verdict=verdict, by=writer, note=plan["note"], summary=plan.get("correction_summary")
        )
        if target == "correction_drafted":
            return verdict  # waiting for a second editor
        verdict = services.verdict_approve_correction(verdict=verdict, by=editor)
        return services.verdict_publish_correction(verdict=verdict, by=editor)
    if target == "retracted":
        return services.verdict_retract(verdict=verdict, by=editor, note=plan["note"])
    return verdict


def demo_load() -> DemoResult:
    try:
        spec = json.loads((SEEDS / "demo_sources.json").read_text(encoding="utf-8"))
        meta = spec["article"]
        body = (SEEDS / meta["file"]).read_text(encoding="utf-8")
    except (OSError, ValueError, KeyError) as exc:
        raise DemoError(f"cannot read the demo seeds in {SEEDS}: {exc}") from None

    roles_sync()
    rating_scale_seed()
    users = demo_users_ensure()
    User = get_user_model()
    by_name = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in DEMO_USERS])}

    with transaction.atomic():
        article, created = article_import(
            body=body,
            title=meta["title"],
            origin=Article.Origin.FILE,
            canonical_url=meta["canonical_url"],
            by=by_name["reviewer"],
        )
        Article.objects.filter(pk=article.pk).update(
            author=meta["author"],
            published_on=datetime.date.fromisoformat(meta["published_on"]),
        )
        article.refresh_from_db()
        result = DemoResult(article=article, article_created=created, users=users)

        for item in spec["citations"]:
            claim = _claim_for(article, item["claim_contains"])
            if claim is None:
                result.missing_claims.append(item["claim_contains"])
                continue
            if claim.assignee_id is None:
                Claim.objects.filter(pk=claim.pk).update(assignee=by_name["reviewer"])
            if not Citation.objects.filter(claim=claim, source__title=item["title"]).exists():
                citation = citation_add(
                    claim=claim,
                    url=item["url"],
                    stance=item["stance"],
                    excerpt=item["excerpt"],
                    by=by_name["reviewer"],
                )
                Source.objects.filter(pk=citation.source_id).update(
                    title=item["title"], publisher=item["publisher"]
                )
                result.citations_added += 1
            if _verdict_to_state(claim, item["verdict"], by_name):
                result.verdicts_added += 1
        _reviewer_decisions(article, spec.get("review", {}), by_name["reviewer"], result)
        _comments(article, spec.get("comments", []), by_name, result)
        _followup_repeat(by_name["reviewer"], result)
    # After the commit: the capture pipeline writes its rows in transactions of its own.
    result.pages = demo_pages_archive()
    return result


def _followup_repeat(reviewer, result: DemoResult) -> None:
    """Import the follow-up article and match its claims now (a worker would do it after the
    commit too; matching is idempotent), so one of them shows the published Manbij verdict."""
    try:
        body = (SEEDS / FOLLOWUP["file"]).read_text(encoding="utf-8")
    except OSError as exc:
        raise DemoError(f"cannot read the demo seeds in {SEEDS}: {exc}") from None
    followup, _created = article_import(
        body=body, title=FOLLOWUP["title"], origin=Article.Origin.FILE, by=reviewer
    )
    if _claim_for(followup, FOLLOWUP["repeat_contains"]) is None:
        result.missing_claims.append(FOLLOWUP["repeat_contains"])
    result.prior_matches = prior_checks_match(
        claim_ids=list(followup.claims.values_list("pk", flat=True))
    )


def _reviewer_decisions(article: Article, plan: dict, reviewer, result: DemoResult) -> None:
    """One claim the reviewer added by hand and one sentence they marked not a claim, so the
    article page shows both highlights and export_claim_feedback has something to write."""
    if not article.claims.filter(origin=Claim.Origin.REVIEWER).exists():
        for sentence in plan.get("add", []):
            start = article.body.find(sentence)
            if start < 0:
                continue
            try:
                claim_add(article=article, start=start, end=start + len(sentence), by=reviewer)
            except DomainError:
                continue  # the scorer flags it now: try the next one
            result.reviewer_decisions += 1
            break
        else:
            result.missing_claims.extend(plan.get("add", []))
    if not article.claims.filter(status=Claim.Status.NOT_CHECKWORTHY).exists():
        for fragment in plan.get("not_a_claim", []):
            claim = _claim_for(article, fragment)
            if claim is None or claim.origin != Claim.Origin.EXTRACTED:
                continue
            try:
                claim_decide(claim=claim, checkworthy=False, by=reviewer)
            except DomainError:
                continue  # a verdict is under way on it
            result.reviewer_decisions += 1
            break
        else:
            result.missing_claims.extend(plan.get("not_a_claim", []))


def _comments(article: Article, plan: list[dict], users: dict, result: DemoResult) -> None:
    """A short staff conversation on two claims (each comment once, however often it runs)."""
    for item in plan:
        claim = _claim_for(article, item["claim_contains"])
        if claim is None:
            result.missing_claims.append(item["claim_contains"])
            continue
        author = users[item["by"]]
        if claim.comments.filter(author=author, body=item["body"]).exists():
            continue
        claim_comment_add(claim=claim, body=item["body"], by=author)
        result.comments_added += 1
