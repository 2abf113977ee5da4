import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.articles.models import Article
from apps.articles.services import article_import
from apps.claims.models import Claim

pytestmark = pytest.mark.django_db

BODY = (
    "<script>alert('x')</script> Unemployment rose to 6.5% in October, the office said.\n\n"
    "Prices & wages <b>fell</b> 2% in Ohio in 2023, officials said.\n\n"
    "It may rain."
)


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_change_page_shows_claims_in_context_escaped_and_linked(staff):
    article, _ = article_import(body=BODY)
    claims = list(article.claims.order_by("start"))
    assert len(claims) == 2
    page = staff.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    )
    assert "<b>fell</b>" not in html and "&lt;b&gt;fell&lt;/b&gt;" in html
    for claim in claims:
        url = reverse("admin:claims_claim_change", args=[claim.pk])
        assert f'href="{url}"' in html
        assert f"{claim.get_kind_display()} · score {floatformat(claim.score, 2)}" in html
    assert "It may rain." in html  # plain text stays, unhighlighted


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    return len(captured.captured_queries), page.content.decode()


def test_change_page_query_count_does_not_grow_with_claims(staff):
    counts = []
    for size in (10, 300):
        body = "\n\n".join(
            f"Sales rose {n}% in {size} in Ohio, the firm said." for n in range(size)
        )
        article, _ = article_import(body=body)
        assert article.claims.count() == size
        count, html = _queries(staff, reverse("admin:articles_article_change", args=[article.pk]))
        assert html.count(f"in {size} in Ohio") >= size  # every claim is on the page
        counts.append(count)
    assert counts[0] == counts[1], counts


def test_changelist_counts_claims_without_a_query_per_row(staff):
    url = reverse("admin:articles_article_changelist")
    counts = []
    for total in (2, 12):
        while Article.objects.count() < total:
            n = Article.objects.count()
            article_import(body=f"Exports fell {n + 3}% in May, the ministry said.\n\nDone {n}.")
        count, html = _queries(staff, url)
        assert html.count('class="field-claim_count"') == total
        counts.append(count)
    assert counts[0] == counts[1], counts


def test_reextract_action_calls_the_service(staff):
    article, _ = article_import(body=BODY)
    Claim.objects.filter(article=article).update(status=Claim.Status.STALE)
    page = staff.post(
        reverse("admin:articles_article_changelist"),
        {"action": "reextract_claims", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "0 added, 2 kept, 0 marked stale" in page.content.decode()
    assert set(article.claims.values_list("status", flat=True)) == {Claim.Status.OPEN}


def test_body_is_read_only_on_the_change_page(staff):
    article, _ = article_import(body=BODY)
    page = staff.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert 'name="body"' not in page.content.decode()
    assert Article.objects.get().body == BODY


def test_claim_change_page_links_back_and_lists_reasons(staff):
    article, _ = article_import(body=BODY)
    claim = article.claims.order_by("start").first()
    page = staff.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    html = page.content.decode()
    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert "<li>number: 6.5%</li>" in html
