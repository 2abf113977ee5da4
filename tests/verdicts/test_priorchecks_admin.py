"""The queue's prior-check filters and column, the claim page's panel and its two buttons."""

import pytest
from django.urls import reverse

from apps.verdicts.models import ExternalFactCheck, PriorCheckMatch
from apps.verdicts.priorchecks import prior_checks_match
from tests.factories import ArticleFactory, ClaimFactory, cite_archived, verdict_published

pytestmark = pytest.mark.django_db


def claim_of(text: str):
    return ClaimFactory(article=ArticleFactory(body=text))


@pytest.fixture
def matched(reviewer, editor):
    prior = claim_of("Knife crime in London rose by 20% last year.")
    cite_archived(prior)
    verdict_published(prior, author=reviewer, approver=editor, label="Mostly false")
    ExternalFactCheck.objects.create(
        url="https://checks.example.net/phones",
        claim_text="Using a mobile phone causes brain cancer.",
        rating="Half true",
        organization="Example Checks",
    )
    repeat = claim_of("Last year knife crime in London went up by 20 per cent.")
    possible = claim_of(
        "Mobile phones cause brain cancer in children, a study of 2,000 families says."
    )
    plain = claim_of("The moon landings were filmed in a studio.")
    prior_checks_match(claim_ids=[repeat.pk, possible.pk, plain.pk])
    return prior, repeat, possible, plain


def listed(client, **params) -> set[int]:
    response = client.get(reverse("admin:claims_claim_changelist"), params)
    assert response.status_code == 200
    return {claim.pk for claim in response.context["cl"].result_list}


def test_queue_filters_possible_and_likely_repeats(client, reviewer, matched):
    _prior, repeat, possible, _plain = matched
    best = dict(PriorCheckMatch.objects.values_list("claim_id", "score"))
    assert best[repeat.pk] >= 0.6 > best[possible.pk] >= 0.4, best
    client.force_login(reviewer)
    assert listed(client, prior="possible") == {repeat.pk, possible.pk}
    assert listed(client, prior="repeat") == {repeat.pk}
    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert "likely repeat" in page and "possibly already checked" in page


def test_claim_page_shows_earlier_verdict_and_decisions_stick(client, reviewer, matched):
    prior, repeat, possible, _plain = matched
    client.force_login(reviewer)
    url = reverse("admin:claims_claim_change", args=[repeat.pk])
    page = client.get(url).content.decode()
    assert "Likely repeat" in page and prior.text in page and "Mostly false" in page
    assert "same numbers: 20%" in page
    match = PriorCheckMatch.objects.get(claim=repeat)
    decide = reverse("admin:verdicts_priorcheckmatch_decide", args=[match.pk])
    assert f'formaction="{decide}?next={url}"' in page

    response = client.post(f"{decide}?next={url}", {"decision": "reject"})
    assert response.status_code == 302 and response["Location"] == url
    match.refresh_from_db()
    assert match.state == PriorCheckMatch.State.REJECTED and match.decided_by == reviewer
    assert listed(client, prior="possible") == {possible.pk}
    prior_checks_match(claim_ids=[repeat.pk])
    assert PriorCheckMatch.objects.get(claim=repeat).state == PriorCheckMatch.State.REJECTED

    external = PriorCheckMatch.objects.get(claim=possible)
    page = client.get(reverse("admin:claims_claim_change", args=[possible.pk])).content.decode()
    assert "Possibly already checked" in page and "Example Checks" in page
    assert "Half true" in page
    decide = reverse("admin:verdicts_priorcheckmatch_decide", args=[external.pk])
    client.post(decide, {"decision": "confirm"})
    external.refresh_from_db()
    assert external.state == PriorCheckMatch.State.CONFIRMED
    assert listed(client, prior="repeat") == {possible.pk}  # a confirmed match is a repeat


def test_decide_refuses_get_unknown_decisions_and_outsiders(
    client, reviewer, matched, django_user_model
):
    match = PriorCheckMatch.objects.get(claim=matched[1])
    decide = reverse("admin:verdicts_priorcheckmatch_decide", args=[match.pk])
    client.force_login(reviewer)
    assert client.get(decide).status_code == 405
    client.post(decide, {"decision": "maybe"})
    match.refresh_from_db()
    assert match.state == PriorCheckMatch.State.SUGGESTED
    staff = django_user_model.objects.create_user("visitor", is_staff=True)
    client.force_login(staff)
    client.post(decide, {"decision": "confirm"})
    match.refresh_from_db()
    assert match.state == PriorCheckMatch.State.SUGGESTED
    client.logout()
    assert client.post(decide, {"decision": "confirm"}).status_code == 302
    match.refresh_from_db()
    assert match.state == PriorCheckMatch.State.SUGGESTED
