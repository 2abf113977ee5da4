"""The workflow table is the one definition of the verdict workflow: the services, the admin's
buttons and the API's actions all follow it; the state sets are named once; checks run on the
locked row."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.api.views.verdicts import VerdictViewSet
from apps.claims.models import Claim
from apps.claims.services import claims_set_status
from apps.verdicts import services
from apps.verdicts.models import Verdict
from apps.verdicts.services import VerdictError
from apps.verdicts.workflow import STEPS, STEPS_BY_NAME
from tests.factories import ClaimFactory, rating

pytestmark = pytest.mark.django_db
State = Verdict.State


def test_every_step_has_one_service_and_one_api_action():
    assert set(services.STEP_SERVICES) == set(STEPS_BY_NAME)
    actions = {a.url_path for a in VerdictViewSet.get_extra_actions()}
    assert actions == {step.action for step in STEPS}


def test_every_state_is_reachable_and_every_live_state_can_move_on():
    targets = {step.target for step in STEPS} | {State.DRAFT}  # where every verdict starts
    assert targets == set(State.values)
    sources = {state for step in STEPS for state in step.sources}
    assert set(Verdict.LIVE_STATES) <= sources
    assert State.RETRACTED not in sources  # the end


def test_state_sets():
    assert set(Verdict.LIVE_STATES) == set(State.values) - {State.RETRACTED}
    assert set(Verdict.UNDER_WAY_STATES) == {
        State.SUBMITTED,
        State.APPROVED,
        State.PUBLISHED,
        State.CORRECTED,
        State.CORRECTION_DRAFTED,
        State.CORRECTION_APPROVED,
    }


def test_admin_offers_exactly_the_steps_the_table_opens(client, editor, reviewer):
    verdict = services.verdict_create(
        claim=ClaimFactory(), by=reviewer, rating=rating(), summary="s"
    )
    services.verdict_submit(verdict=verdict, by=reviewer)
    client.force_login(editor)
    response = client.get(reverse("admin:verdicts_verdict_change", args=[verdict.pk]))
    assert response.status_code == 200
    offered = [o.step.name for o in response.context["offers"] if not o.reason]
    assert offered == ["approve", "request_changes"]


def test_api_refuses_a_step_from_a_state_the_table_does_not_list(editor, reviewer):
    verdict = services.verdict_create(
        claim=ClaimFactory(), by=reviewer, rating=rating(), summary="s"
    )
    api = APIClient()
    api.force_authenticate(editor)
    for step in STEPS:
        if State.DRAFT in step.sources:
            continue
        body = {"note": "n"} if step.public_note else {"comment": "c"}
        response = api.post(f"/api/v1/verdicts/{verdict.pk}/{step.action}/", body, format="json")
        assert response.status_code == 400, step.name
        assert f"cannot be moved to {State(step.target).label.lower()}" in response.json()["detail"]
    assert Verdict.objects.get(pk=verdict.pk).version == 1


def test_verdict_create_checks_the_claim_it_locked_not_the_callers_copy(reviewer, editor):
    """A reviewer opened the claim while it was open; a colleague then marked it not
    check-worthy. The verdict must be refused on the claim as it now is."""
    claim = ClaimFactory()
    stale_copy = Claim.objects.get(pk=claim.pk)
    assert claims_set_status(claim_ids=[claim.pk], status=Claim.Status.NOT_CHECKWORTHY, by=editor)
    assert stale_copy.status == Claim.Status.OPEN
    with pytest.raises(VerdictError, match="not check-worthy; reopen it first"):
        services.verdict_create(claim=stale_copy, by=reviewer)
    assert not Verdict.objects.exists()


def test_claim_with_a_verdict_under_way_keeps_its_status(reviewer, editor):
    claim = ClaimFactory()
    verdict = services.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="s")
    assert claims_set_status(claim_ids=[claim.pk], status="not_checkworthy", by=editor) == 1
    claims_set_status(claim_ids=[claim.pk], status="open", by=editor)
    services.verdict_submit(verdict=verdict, by=reviewer)
    assert claims_set_status(claim_ids=[claim.pk], status="not_checkworthy", by=editor) == 0
