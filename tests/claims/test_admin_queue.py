"""The claim queue and the claim page in the admin (issue: reviewer workflow)."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.claims.models import Claim
from apps.sources.models import Citation, Snapshot, Source
from apps.verdicts import services as verdicts
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SnapshotFactory,
    rating,
)

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:claims_claim_changelist")


def changelist(client, **params):
    return client.get(CHANGELIST, params)


def shown(response) -> set[int]:
    return {claim.pk for claim in response.context["cl"].result_list}


def test_queue_filters(client, reviewer, reviewer2, editor):
    mine = ClaimFactory(assignee=reviewer)
    theirs = ClaimFactory(assignee=reviewer2)
    cited = ClaimFactory()
    CitationFactory(claim=cited)
    submitted = ClaimFactory()
    v = verdicts.verdict_create(claim=submitted, by=reviewer, rating=rating(), summary="s")
    verdicts.verdict_submit(verdict=v, by=reviewer)
    approved = ClaimFactory()
    v = verdicts.verdict_create(claim=approved, by=reviewer, rating=rating(), summary="s")
    verdicts.verdict_submit(verdict=v, by=reviewer)
    verdicts.verdict_approve(verdict=v, by=editor)
    dropped = ClaimFactory(status=Claim.Status.NOT_CHECKWORTHY)

    client.force_login(reviewer)
    assert shown(changelist(client, queue="mine")) == {mine.pk}
    unassigned = {cited.pk, submitted.pk, approved.pk}
    assert shown(changelist(client, queue="unassigned")) == unassigned
    assert shown(changelist(client, queue="needs_sources")) == {
        mine.pk,
        theirs.pk,
        submitted.pk,
        approved.pk,
    }
    assert shown(changelist(client, queue="needs_verdict")) == {mine.pk, theirs.pk, cited.pk}
    assert shown(changelist(client, queue="needs_review")) == {submitted.pk}
    assert shown(changelist(client, queue="ready")) == {approved.pk}
    queues = ("mine", "unassigned", "needs_sources", "needs_verdict", "needs_review", "ready")
    assert all(dropped.pk not in shown(changelist(client, queue=q)) for q in queues)
    assert dropped.pk in shown(changelist(client, status="not_checkworthy"))


def test_changelist_columns(client, reviewer):
    claim = ClaimFactory(assignee=reviewer)
    archived = SnapshotFactory()
    CitationFactory(claim=claim, source=archived.source, snapshot=archived)
    failed = SnapshotFactory(state="failed", reason="HTTP 404", sha256="", warc="")
    CitationFactory(claim=claim, source=failed.source, stance="refutes")
    verdicts.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="s")
    client.force_login(reviewer)
    html = changelist(client).content.decode()
    row = re.search(rf'<tr>.*?name="_selected_action" value="{claim.pk}".*?</tr>', html, re.S)
    assert row, "claim row missing"
    cells = re.sub(r"<[^>]+>", " ", row.group(0))
    assert claim.article.title in cells
    assert " rita " in cells
    assert "1 of 2 archived, 1 failed" in cells
    assert "1/2" not in cells
    assert "Draft" in cells


@pytest.mark.slow
def test_changelist_is_fast_with_100k_claims(client, reviewer):
    article = ArticleFactory(body="x" * 100_001)
    Claim.objects.bulk_create(
        (
            Claim(
                article=article,
                text="x",
                start=i,
                end=i + 1,
                score=(i % 100) / 100,
                kind=Claim.Kind.STATISTIC if i % 2 else Claim.Kind.EVENT,
                assignee=reviewer if i % 10 == 0 else None,
            )
            for i in range(100_000)
        ),
        batch_size=10_000,
    )
    client.force_login(reviewer)
    for params in (
        {},
        {"queue": "mine"},
        {"queue": "needs_sources"},
        {"status": "open", "kind": "statistic"},
        {"q": "x", "o": "3"},
    ):
        with CaptureQueriesContext(connection) as ctx:
            response = changelist(client, **params)
        assert response.status_code == 200
        # 10 for the page, plus one for the article filter's listed articles and their counts.
        assert len(ctx.captured_queries) <= 11, [q["sql"][:120] for q in ctx.captured_queries]
        unfiltered_counts = [
            q["sql"]
            for q in ctx.captured_queries
            if re.fullmatch(r'SELECT COUNT\(\*\) AS "__count" FROM "claims_claim"', q["sql"])
        ]
        assert not unfiltered_counts or not params, "counted the whole table while filtering"
        assert len(response.context["cl"].result_list) == 50


def test_bulk_assign_to_me_and_to_a_reviewer(client, reviewer, reviewer2):
    claims = [ClaimFactory(), ClaimFactory()]
    ids = [str(c.pk) for c in claims]
    client.force_login(reviewer)
    response = client.post(
        CHANGELIST, {"action": "assign_to_me", ACTION_CHECKBOX_NAME: ids}, follow=True
    )
    assert "2 claims assigned to you." in response.content.decode()
    assert set(Claim.objects.values_list("assignee", flat=True)) == {reviewer.pk}

    page = client.post(CHANGELIST, {"action": "assign_to", ACTION_CHECKBOX_NAME: ids})
    assert "Assign 2 claims to" in page.content.decode()
    response = client.post(
        CHANGELIST,
        {"action": "assign_to", "apply": "1", "assignee": reviewer2.pk, ACTION_CHECKBOX_NAME: ids},
        follow=True,
    )
    assert "2 claims assigned to rob." in response.content.decode()
    assert claims[0].history.first().history_user == reviewer


def test_mark_not_checkworthy_spares_claims_with_a_verdict_under_way(client, reviewer):
    plain, busy = ClaimFactory(), ClaimFactory()
    v = verdicts.verdict_create(claim=busy, by=reviewer, rating=rating(), summary="s")
    verdicts.verdict_submit(verdict=v, by=reviewer)
    client.force_login(reviewer)
    response = client.post(
        CHANGELIST,
        {"action": "mark_not_checkworthy", ACTION_CHECKBOX_NAME: [plain.pk, busy.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "1 claim marked not check-worthy." in text
    assert "1 left as they were" in text
    plain.refresh_from_db()
    busy.refresh_from_db()
    assert (plain.status, busy.status) == ("not_checkworthy", "open")
    client.post(CHANGELIST, {"action": "reopen", ACTION_CHECKBOX_NAME: [plain.pk]})
    plain.refresh_from_db()
    assert plain.status == "open"


def test_view_only_user_cannot_run_actions(client, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("vic", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    claim = ClaimFactory()
    client.force_login(viewer)
    response = client.post(CHANGELIST, {"action": "assign_to_me", ACTION_CHECKBOX_NAME: [claim.pk]})
    # The action is not offered to a viewer, so the changelist comes back with nothing run.
    assert response.status_code == 200
    assert 'value="assign_to_me"' not in response.content.decode()
    claim.refresh_from_db()
    assert claim.assignee is None


def claim_page(claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


def test_claim_page_shows_span_in_its_paragraph_escaped(client, reviewer):
    article = ArticleFactory(
        body="First paragraph.\n\nThe <b>mayor</b> said 30,000 people came. Then rain.\n\nLast."
    )
    start = article.body.index("The")
    end = article.body.index("came.") + 5
    claim = ClaimFactory(article=article, start=start, end=end)
    client.force_login(reviewer)
    html = client.get(claim_page(claim)).content.decode()
    assert (
        '<mark id="claim-span" style="background:#fff3c4;border-bottom:2px solid #d9a400">'
        "The &lt;b&gt;mayor&lt;/b&gt; said 30,000 people came.</mark> Then rain.</div>"
    ) in html
    assert "First paragraph." not in html.split("claim-context")[1].split("</div>")[0]
    assert "Write a verdict" in html


def inline_data(claim, **citation) -> dict:
    return {
        "assignee": "",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        "citations-0-claim": str(claim.pk),
        "citations-0-id": "",
        **{f"citations-0-{k}": v for k, v in citation.items()},
    }


def test_attach_a_source_on_the_claim_page(client, reviewer, django_capture_on_commit_callbacks):
    claim = ClaimFactory()
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            claim_page(claim),
            inline_data(
                claim,
                url="HTTPS://News.Example.COM/a/story?utm_source=x&id=7#top",
                stance="refutes",
                excerpt="fewer than 3,000",
                note="Check with the desk",
            ),
        )
    assert response.status_code == 302, response.context and response.context["errors"]
    citation = Citation.objects.get(claim=claim)
    assert citation.source.url == "https://news.example.com/a/story?id=7"
    assert (citation.stance, citation.added_by) == ("refutes", reviewer)
    assert Snapshot.objects.get(source=citation.source).state == Snapshot.State.QUEUED
    assert callbacks, "archiving is queued on commit"
    html = client.get(claim_page(claim)).content.decode()
    assert "Queued" in html and "news.example.com/a/story" in html


def test_bad_url_on_the_claim_page_is_a_form_error(client, reviewer):
    claim = ClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        claim_page(claim), inline_data(claim, url="javascript:alert(1)", stance="supports")
    )
    assert response.status_code == 200
    assert response.context["errors"]
    assert not Source.objects.exists() and not Citation.objects.exists()


def test_the_archive_state_view_is_staff_only_and_renders_escaped_cells(client, reviewer):
    claim = ClaimFactory()
    failed = SnapshotFactory(state="failed", reason="<script>x</script>", sha256="", warc="")
    citation = CitationFactory(claim=claim, source=failed.source)
    url = reverse("admin:claims_claim_archive_state", args=[claim.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client.force_login(reviewer)
    data = client.get(url).json()
    assert [c["id"] for c in data["citations"]] == [citation.pk]
    row = data["citations"][0]
    assert row["state"] == "failed"
    assert "<script>" not in row["archive"] and "&lt;script&gt;" in row["archive"]
    assert "not checkable" in row["excerpt"]


def test_archiving_again_takes_a_post_for_a_citation_of_that_claim(client, reviewer):
    claim, other = ClaimFactory(), ClaimFactory()
    failed = SnapshotFactory(state="failed", reason="HTTP 404", sha256="", warc="")
    citation = CitationFactory(claim=claim, source=failed.source)
    client.force_login(reviewer)
    url = reverse("admin:claims_claim_rearchive", args=[claim.pk, citation.pk])
    assert client.get(url).status_code == 405
    wrong = reverse("admin:claims_claim_rearchive", args=[other.pk, citation.pk])
    assert client.post(wrong).status_code == 404
    assert Snapshot.objects.filter(source=failed.source).count() == 1
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("admin:claims_claim_change", args=[claim.pk])
    assert Snapshot.objects.filter(source=failed.source, state="queued").count() == 1
    client.post(url)
    assert Snapshot.objects.filter(source=failed.source).count() == 2, "one capture at a time"


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "٣", "-1"])
def test_a_hand_edited_article_filter_shows_no_claims_rather_than_an_error(client, reviewer, value):
    ClaimFactory()
    client.force_login(reviewer)
    response = changelist(client, article=value)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 0
