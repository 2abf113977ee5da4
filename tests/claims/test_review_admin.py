"""The reviewer's doors in the admin: make a span of the article a claim, mark a claim not a claim
(and undo), the claim page's explanation, and crafted POSTs that must never be a 500."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.articles.services import article_import
from apps.claims.models import Claim
from apps.claims.services import claim_add
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

SKIPPED = "The plan has been scrapped."
BODY = (
    "Unemployment rose to 6.5% in October, the statistics office said.\r\n\r\n"
    f"{SKIPPED} Some people think this is a terrible idea.\r\n\r\n"
    "The council approved a budget of $4.2 million on Monday."
)


@pytest.fixture
def article():
    article, _ = article_import(body=BODY)
    return article


@pytest.fixture
def rita(client, reviewer):
    client.force_login(reviewer)
    return client


def page_of(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def add_url(article):
    return reverse("admin:articles_article_claim_add", args=[article.pk])


def decide_url(claim):
    return reverse("admin:claims_claim_decide", args=[claim.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_article_page_gives_every_stretch_its_offset(rita, article):
    html = rita.get(page_of(article)).content.decode()
    assert 'id="claim-add"' in html and 'id="claim-decision"' in html
    assert "can-review-claims" in html and "articles/claim-select.js" in html
    assert f'data-length="{len(BODY)}"' in html
    starts = [int(n) for n in re.findall(r'data-start="(\d+)"', html)]
    assert starts[0] == 0 and starts == sorted(starts) and len(starts) == 3
    assert BODY.index(SKIPPED) - 4 in starts  # the plain stretch after the first claim's CRLFs
    assert "&#13;" in html  # carriage returns survive the HTML parser, so offsets do not drift


def test_a_reviewer_makes_a_span_a_claim_from_the_article_page(rita, article, reviewer):
    start = BODY.index(SKIPPED)
    response = rita.post(add_url(article), {"start": start - 1, "end": start + len(SKIPPED)})
    claim = article.claims.get(origin=Claim.Origin.REVIEWER)
    assert response.status_code == 302
    assert response["Location"] == f"{page_of(article)}#claim-{claim.pk}"
    assert (claim.text, claim.start) == (SKIPPED, start)
    assert claim.history.get().history_user == reviewer
    page = rita.get(page_of(article))
    assert f'Added claim <a href="{reverse("admin:claims_claim_change", args=[claim.pk])}">' in (
        page.content.decode()
    )
    assert (
        f'id="claim-{claim.pk}" class="claim claim-open claim-from-reviewer claim-progress-open"'
        in (page.content.decode())
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "ten", "end": "20"}, "The start of the selection is missing or not a whole"),
        ({"start": "1.5", "end": "20"}, "not a whole number"),
        ({"start": "--5", "end": "20"}, "not a whole number"),
        ({"start": "٣", "end": "20"}, "not a whole number"),  # a non-ASCII digit
        ({"start": "1" * 40, "end": "20"}, "not a whole number"),
        ({"end": "20"}, "The start of the selection is missing"),
        ({"start": "5"}, "The end of the selection is missing"),
        ({"start": "-4", "end": "20"}, "are not a span of this article's text"),
        ({"start": "20", "end": "10"}, "are not a span of this article's text"),
        ({"start": "0", "end": "99999"}, "are not a span of this article's text"),
        ({"start": "0", "end": "10"}, "overlaps claim #"),
    ],
)
def test_crafted_offsets_are_refused_with_a_message(rita, article, data, message):
    count = Claim.objects.count()
    response = rita.post(add_url(article), data, follow=True)
    assert response.status_code == 200
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert Claim.objects.count() == count


def test_an_unknown_article_or_a_get_is_not_a_500(rita, article):
    assert rita.post("/admin/articles/article/999999/claims/add/", {"start": 0}).status_code == 404
    assert rita.get(add_url(article)).status_code == 405


def test_adding_needs_a_csrf_token(reviewer, article):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reviewer)
    response = strict.post(add_url(article), {"start": 0, "end": 5})
    assert response.status_code == 403
    assert not article.claims.filter(origin=Claim.Origin.REVIEWER).exists()


def test_staff_without_review_rights_cannot_add(client, django_user_model, article):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    assert "can-review-claims" not in client.get(page_of(article)).content.decode()
    start = BODY.index(SKIPPED)
    response = client.post(add_url(article), {"start": start, "end": start + 5}, follow=True)
    assert "You are not allowed to review claims." in messages_of(response)
    assert not article.claims.filter(origin=Claim.Origin.REVIEWER).exists()


def test_not_a_claim_from_the_article_page_and_undo(rita, article):
    claim = article.claims.order_by("start").first()
    html = rita.get(page_of(article)).content.decode()
    assert f'formaction="{decide_url(claim)}" name="checkworthy" value="no">Not a claim' in html
    response = rita.post(decide_url(claim), {"checkworthy": "no", "next": page_of(article)})
    assert response["Location"] == page_of(article)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NOT_CHECKWORTHY
    html = rita.get(page_of(article)).content.decode()
    assert (
        'class="claim claim-not_checkworthy claim-from-extracted claim-progress-not_checkworthy"'
        in html
    )
    assert 'value="yes">Undo: it is a claim</button>' in html
    rita.post(decide_url(claim), {"checkworthy": "yes", "next": page_of(article)})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN


def test_decisions_from_the_claim_page(rita, article):
    claim = article.claims.order_by("start").first()
    change = reverse("admin:claims_claim_change", args=[claim.pk])
    html = rita.get(change).content.decode()
    assert f'action="{decide_url(claim)}"' in html and 'value="no">Not a claim' in html
    response = rita.post(decide_url(claim), {"checkworthy": "no"}, follow=True)
    assert response.redirect_chain == [(change, 302)]
    assert "is marked not a claim" in messages_of(response)[0]
    assert 'value="yes">Undo: it is a claim' in response.content.decode()
    again = rita.post(decide_url(claim), {"checkworthy": "no"}, follow=True)
    assert messages_of(again) == ["This claim is already not check-worthy."]


@pytest.mark.parametrize("choice", ["", "maybe", "NO"])
def test_a_decision_must_be_yes_or_no(rita, article, choice):
    claim = article.claims.first()
    response = rita.post(decide_url(claim), {"checkworthy": choice}, follow=True)
    assert messages_of(response) == ["Say whether it is a claim (yes or no)."]
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN


def test_a_decision_never_redirects_off_site(rita, article):
    claim = article.claims.first()
    response = rita.post(decide_url(claim), {"checkworthy": "no", "next": "https://evil.example/"})
    assert response["Location"] == reverse("admin:claims_claim_change", args=[claim.pk])
    assert rita.post("/admin/claims/claim/999999/decide/", {"checkworthy": "no"}).status_code == 404
    assert rita.get(decide_url(claim)).status_code == 405


def test_claim_page_draws_the_contributions_as_signed_bars(rita):
    claim = ClaimFactory(
        contributions=[
            {"feature": "voted against", "weight": 0.81},
            {"feature": "I think", "weight": -0.6},
            {"feature": "<b>x</b>", "weight": 0.1},
        ],
        model_version="claims-lr-2026-12",
    )
    html = rita.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    plus = re.search(
        r'<tr class="plus"><td class="contribution-label">voted against</td>.*?</tr>', html, re.S
    )
    minus = re.search(
        r'<tr class="minus"><td class="contribution-label">I think</td>.*?</tr>', html, re.S
    )
    assert plus and minus
    # The strongest fills its half (90 px right of the zero line); the other is to scale, leftward.
    assert 'x="90" y="2" width="90.0"' in plus.group() and "+0.81" in plus.group()
    assert f'x="{90 - 66.7:.1f}" y="2" width="66.7"' in minus.group()
    assert "\u22120.60" in minus.group()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert "claims-lr-2026-12" in html and "Found by the scorer" in html


def test_claim_page_without_contributions_says_so(rita):
    claim = ClaimFactory(contributions=[])
    html = rita.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "No breakdown recorded: it was scored before the scorer kept one" in html
    assert '<table class="contributions"' not in html


def test_claim_list_filters_by_origin(rita, article, reviewer):
    start = BODY.index(SKIPPED)
    added = claim_add(article=article, start=start, end=start + len(SKIPPED), by=reviewer)
    response = rita.get(reverse("admin:claims_claim_changelist"), {"origin": "reviewer"})
    assert [c.pk for c in response.context["cl"].result_list] == [added.pk]
    assert "Added by a reviewer" in response.content.decode()


@pytest.mark.parametrize("size", [10, 300])
def test_article_page_query_count_is_the_same_at_10_and_300_claims(
    rita, reviewer, size, django_assert_num_queries
):
    sentences = [f"Sales rose {n}% in 2023 in Ohio, the firm said." for n in range(size)]
    body = " ".join(sentences)
    article = ArticleFactory(body=body)
    cursor = 0
    for n, sentence in enumerate(sentences):
        start = body.index(sentence, cursor)
        cursor = start + len(sentence)
        ClaimFactory(
            article=article,
            start=start,
            end=cursor,
            text=sentence,
            origin=Claim.Origin.REVIEWER if n % 3 == 0 else Claim.Origin.EXTRACTED,
            status=Claim.Status.NOT_CHECKWORTHY if n % 5 == 0 else Claim.Status.OPEN,
        )
    rita.get(page_of(article))  # warm the session and permission caches of the first request
    with django_assert_num_queries(QUERIES_ON_ARTICLE_PAGE):
        response = rita.get(page_of(article))
    assert response.content.decode().count('class="claim-wrap"') == size


QUERIES_ON_ARTICLE_PAGE = 6  # session, user, article, claims, permissions (x2)
