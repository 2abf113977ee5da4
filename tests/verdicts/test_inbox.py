"""The inbox on the admin index: what waits for each person, where to act, and a fixed number
of queries however many items there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.claims.models import Claim
from apps.sources.models import Snapshot
from apps.verdicts import services
from apps.verdicts.selectors import inbox_for
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    SnapshotFactory,
    cite_archived,
    rating,
)

pytestmark = pytest.mark.django_db

INDEX = "/admin/"


def submitted(claim, author, summary="Checked."):
    cite_archived(claim)
    verdict = services.verdict_create(claim=claim, by=author, rating=rating(), summary=summary)
    return services.verdict_submit(verdict=verdict, by=author)


def failed_citation(claim, by, state=Snapshot.State.FAILED):
    snapshot = SnapshotFactory(state=state, reason="connection refused", text="")
    return CitationFactory(claim=claim, source=snapshot.source, snapshot=None, added_by=by)


def test_a_new_reviewer_sees_an_empty_state_that_says_what_to_do(client, reviewer):
    client.force_login(reviewer)
    html = client.get(INDEX).content.decode()
    assert 'id="inbox"' in html
    assert "Nothing is waiting for you." in html
    assert "claim queue" in html


def test_the_reviewer_sees_assigned_claims_sent_back_verdicts_and_failed_captures(
    client, reviewer, reviewer2, editor
):
    mine = ClaimFactory(assignee=reviewer)
    ClaimFactory(assignee=reviewer2)
    ClaimFactory(assignee=reviewer, status=Claim.Status.NOT_CHECKWORTHY)
    back = submitted(ClaimFactory(), reviewer)
    services.verdict_request_changes(
        verdict=back, by=editor, comment="Cite the census table, not the <script>blog</script>."
    )
    broken = failed_citation(ClaimFactory(), reviewer, Snapshot.State.BLOCKED)
    failed_citation(ClaimFactory(), reviewer2)

    client.force_login(reviewer)
    html = client.get(INDEX).content.decode()

    assert "Your inbox (3)" in html
    assert reverse("admin:claims_claim_change", args=[mine.pk]) in html
    assert "Changes requested on your verdicts (1)" in html
    assert reverse("admin:verdicts_verdict_change", args=[back.pk]) in html
    assert "Cite the census table, not the &lt;script&gt;blog&lt;/script&gt;." in html
    assert "<script>blog" not in html
    assert "Captures that failed on your citations (1)" in html
    assert reverse("admin:claims_claim_change", args=[broken.claim_id]) in html
    assert "Waiting for your approval" not in html  # a reviewer approves nothing


def test_an_editor_is_offered_others_verdicts_never_their_own(client, reviewer, editor, editor2):
    theirs = submitted(ClaimFactory(), reviewer)
    own = submitted(ClaimFactory(), editor)
    touched = services.verdict_create(
        claim=ClaimFactory(), by=reviewer, rating=rating(), summary="First go."
    )
    cite_archived(touched.claim)
    touched = services.verdict_update(
        verdict=touched, by=editor, version=touched.version, rating=touched.rating,
        summary="Editor's rewrite.", archive_override="",
    )  # fmt: skip
    services.verdict_submit(verdict=touched, by=reviewer)

    inbox = inbox_for(user=editor)
    assert [v.pk for v in inbox.to_approve.items] == [theirs.pk]
    assert inbox.to_approve.count == 1
    assert {v.pk for v in inbox_for(user=editor2).to_approve.items} == {
        theirs.pk,
        own.pk,
        touched.pk,
    }
    client.force_login(editor)
    html = client.get(INDEX).content.decode()
    assert "Waiting for your approval (1)" in html
    assert reverse("admin:verdicts_verdict_change", args=[theirs.pk]) in html
    assert reverse("admin:verdicts_verdict_change", args=[own.pk]) not in html


def test_former_staff_are_offered_nothing_to_approve(editor, reviewer):
    submitted(ClaimFactory(), reviewer)
    editor.is_staff = False
    editor.save()
    assert inbox_for(user=editor).to_approve.count == 0


def _fill(n, *, reviewer, editor, reviewer2):
    for _ in range(n):
        ClaimFactory(assignee=reviewer)
        failed_citation(ClaimFactory(), reviewer)
        back = submitted(ClaimFactory(), reviewer)
        services.verdict_request_changes(verdict=back, by=editor, comment="More sources.")
        submitted(ClaimFactory(), reviewer2)


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        inbox = inbox_for(user=user)
    return len(captured), inbox


@pytest.mark.parametrize("who", ["reviewer", "editor"])
def test_the_inbox_costs_the_same_queries_at_two_sizes(who, reviewer, reviewer2, editor):
    user = {"reviewer": reviewer, "editor": editor}[who]
    _fill(2, reviewer=reviewer, editor=editor, reviewer2=reviewer2)
    small, inbox = _queries(user)
    _fill(15, reviewer=reviewer, editor=editor, reviewer2=reviewer2)
    large, inbox = _queries(user)
    assert small == large
    if who == "reviewer":
        assert (inbox.assigned.count, inbox.sent_back.count, inbox.failed_captures.count) == (
            17,
            17,
            17,
        )
        assert len(inbox.assigned.items) == 10
    else:
        assert inbox.to_approve.count == 17


def test_the_demo_gives_each_demo_user_comments_and_inbox_items(settings, capsys):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from apps.claims.models import ClaimComment

    settings.DEBUG = True
    call_command("load_demo")
    assert "3 staff comments added" in capsys.readouterr().out
    users = {u.username: u for u in get_user_model().objects.all()}
    assert {c.author.username for c in ClaimComment.objects.all()} == {
        "reviewer",
        "reviewer2",
        "editor",
    }
    assert inbox_for(user=users["reviewer"]).assigned.count >= 1
    sent_back = inbox_for(user=users["reviewer2"]).sent_back
    assert [v.request_note for v in sent_back.items] == [
        "Cite the Iraqi military estimate as well as the BBC."
    ]
    for editor in ("editor", "editor2"):
        assert inbox_for(user=users[editor]).to_approve.count >= 1

    call_command("load_demo")
    assert "0 staff comments added" in capsys.readouterr().out
    assert ClaimComment.objects.count() == 3
