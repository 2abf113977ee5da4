"""Optional e-mail through Django's mail backend: changes requested → the author, submitted → the
editors who may approve it; sent only once the step commits, and a failing backend is logged,
never raised."""

import pytest
from django.core import mail

from apps.verdicts import services
from tests.factories import ClaimFactory, cite_archived, rating

pytestmark = pytest.mark.django_db(transaction=True)


def draft(author):
    claim = ClaimFactory()
    cite_archived(claim)
    return services.verdict_create(claim=claim, by=author, rating=rating(), summary="Checked.")


@pytest.fixture
def notify(settings):
    settings.NOTIFY_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return settings


def test_submitting_mails_the_editors_and_changes_requested_mails_the_author(
    notify, reviewer, editor, editor2
):
    verdict = services.verdict_submit(verdict=draft(reviewer), by=reviewer)
    assert sorted(m.to[0] for m in mail.outbox) == [editor.email, editor2.email]
    assert all(m.subject.startswith("Waiting for approval:") for m in mail.outbox)
    assert f"/admin/verdicts/verdict/{verdict.pk}/change/" in mail.outbox[0].body

    mail.outbox = []
    services.verdict_request_changes(verdict=verdict, by=editor, comment="Add the 2016 census.")
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert "Add the 2016 census." in mail.outbox[0].body


def test_an_editor_who_submits_is_not_mailed_about_their_own_verdict(notify, editor, editor2):
    services.verdict_submit(verdict=draft(editor), by=editor)
    assert [m.to for m in mail.outbox] == [[editor2.email]]


def test_nothing_is_sent_when_the_step_is_rolled_back(notify, reviewer, editor):
    from django.db import transaction

    verdict = draft(reviewer)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.verdict_submit(verdict=verdict, by=reviewer)
        raise RuntimeError("the request failed after the step")
    assert mail.outbox == []


def test_off_by_default(settings, reviewer, editor):
    assert settings.NOTIFY_BY_EMAIL is False
    mail.outbox = []
    services.verdict_submit(verdict=draft(reviewer), by=reviewer)
    assert mail.outbox == []


def test_a_failing_mail_server_is_logged_and_the_step_stands(notify, reviewer, editor, caplog):
    notify.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    notify.EMAIL_HOST, notify.EMAIL_PORT, notify.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nobody there
    verdict = services.verdict_submit(verdict=draft(reviewer), by=reviewer)
    verdict.refresh_from_db()
    assert verdict.state == "submitted"
    assert "could not send the notification" in caplog.text
