"""A claim's staff conversation: written on the claim page (and the verdict page), shown on both,
refused for empty, over-long or non-staff input, and never part of anything public."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.claims.models import COMMENT_MAX_CHARS, ClaimComment
from apps.claims.services import claim_comment_add
from apps.reports.services import FORMATS, report_render
from factcheck.errors import BadInput, NotPermitted
from tests.factories import ClaimFactory, cite_archived, verdict_published

pytestmark = pytest.mark.django_db

SECRET = "Staff-only remark: source 2 is the minister's cousin"


def comment_url(claim) -> str:
    return reverse("admin:claims_claim_comment", args=[claim.pk])


def test_a_reviewer_comments_on_the_claim_page_and_sees_the_thread(client, reviewer, editor):
    claim = ClaimFactory()
    claim_comment_add(claim=claim, body="Who said 30,000?", by=editor)
    client.force_login(reviewer)
    page = reverse("admin:claims_claim_change", args=[claim.pk])

    response = client.post(
        comment_url(claim), {"body": "  The mayor, <b>on radio</b>.  ", "next": page}
    )

    assert response.status_code == 302
    assert response["Location"] == page + "#conversation"
    assert [(c.author, c.body) for c in ClaimComment.objects.filter(claim=claim)] == [
        (editor, "Who said 30,000?"),
        (reviewer, "The mayor, <b>on radio</b>."),
    ]
    html = client.get(page).content.decode()
    assert html.index("Who said 30,000?") < html.index("The mayor, &lt;b&gt;on radio&lt;/b&gt;.")
    assert "<b>on radio</b>" not in html
    assert f'action="{comment_url(claim)}"' in html


def test_the_verdict_page_shows_the_thread_with_a_form(client, reviewer, editor):
    claim = ClaimFactory()
    cite_archived(claim)
    verdict = verdict_published(claim, author=reviewer, approver=editor)
    claim_comment_add(claim=claim, body="Checked the census table too.", by=reviewer)
    client.force_login(editor)
    html = client.get(reverse("admin:verdicts_verdict_change", args=[verdict.pk])).content.decode()
    assert "Checked the census table too." in html
    assert f'action="{comment_url(claim)}"' in html


@pytest.mark.parametrize("body", ["", "   \n\t "])
def test_an_empty_comment_is_refused_with_a_message(client, reviewer, body):
    claim = ClaimFactory()
    client.force_login(reviewer)
    response = client.post(comment_url(claim), {"body": body}, follow=True)
    assert "Write something before sending the comment." in response.content.decode()
    assert not ClaimComment.objects.exists()


def test_a_comment_over_the_cap_is_refused_whole(client, reviewer):
    claim = ClaimFactory()
    client.force_login(reviewer)
    response = client.post(comment_url(claim), {"body": "x" * (COMMENT_MAX_CHARS + 1)}, follow=True)
    assert f"at most {COMMENT_MAX_CHARS} characters" in response.content.decode()
    assert not ClaimComment.objects.exists()
    claim_comment_add(claim=claim, body="y" * COMMENT_MAX_CHARS, by=reviewer)
    assert ClaimComment.objects.count() == 1


def test_non_staff_and_former_staff_cannot_comment(client, django_user_model, reviewer):
    claim = ClaimFactory()
    outsider = django_user_model.objects.create_user("outsider", password="pw-outsider")
    client.force_login(outsider)
    response = client.post(comment_url(claim), {"body": "let me in"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    reviewer.is_staff = False
    reviewer.save()
    client.force_login(reviewer)
    response = client.post(comment_url(claim), {"body": "still here?"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    with pytest.raises(NotPermitted):
        claim_comment_add(claim=claim, body="still here?", by=reviewer)
    assert not ClaimComment.objects.exists()


def test_only_post_is_accepted(client, reviewer):
    claim = ClaimFactory()
    client.force_login(reviewer)
    assert client.get(comment_url(claim)).status_code == 405


def test_the_database_refuses_blank_and_over_long_comments(reviewer):
    claim = ClaimFactory()
    for body in ("", "   ", "z" * (COMMENT_MAX_CHARS + 1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            ClaimComment.objects.create(claim=claim, author=reviewer, body=body)
    with pytest.raises(BadInput):
        claim_comment_add(claim=claim, body=None, by=reviewer)


def test_comments_are_never_public(client, reviewer, editor):
    claim = ClaimFactory()
    cite_archived(claim)
    verdict_published(claim, author=reviewer, approver=editor)
    claim_comment_add(claim=claim, body=SECRET, by=editor)
    article = claim.article.pk
    client.logout()
    for url in (
        "/api/v1/articles/",
        f"/api/v1/articles/{article}/",
        f"/api/v1/claims/{claim.pk}/",
        f"/api/v1/claims/{claim.pk}/claimreview/",
        "/api/v1/claims/?page_size=100",
        "/api/v1/claimreview/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    for fmt, spec in FORMATS.items():
        if spec.binary:
            continue
        for ids in ([article], None):
            if ids is None and fmt not in ("csv", "claimreview"):
                continue
            out = b"".join(report_render(fmt=fmt, article_ids=ids, include_drafts=True))
            assert claim.text.encode() in out or fmt == "claimreview", fmt
            assert SECRET.encode() not in out, fmt
