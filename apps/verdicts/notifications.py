"""E-mail when a verdict needs someone: changes requested → its author; submitted → the editors
who may approve it. Off unless NOTIFY_BY_EMAIL is set; sent through Django's mail backend (the
console backend by default) once the step's transaction commits. A failed send is logged, never
raised: the step has happened, and the inbox on the admin index shows it either way."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from apps.verdicts.models import Verdict

logger = logging.getLogger(__name__)
State = Verdict.State


def verdict_step_notify(*, verdict: Verdict, by, note: str) -> None:
    """Queue the e-mails for the step that just moved `verdict` (call inside its transaction)."""
    if not settings.NOTIFY_BY_EMAIL or verdict.state not in (
        State.SUBMITTED,
        State.CHANGES_REQUESTED,
    ):
        return
    verdict_id, state, by_id = verdict.pk, verdict.state, by.pk
    transaction.on_commit(lambda: _send(verdict_id=verdict_id, state=state, by_id=by_id, note=note))


def _approvers(exclude: set[int]) -> list[str]:
    approve = Permission.objects.filter(
        codename="approve_verdict", content_type__app_label="verdicts"
    )
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=approve)
            | Q(groups__permissions__in=approve)
        )
        .exclude(pk__in=exclude)
        .exclude(email="")
        .distinct()
    )
    return sorted(users.values_list("email", flat=True))


def _send(*, verdict_id: int, state: str, by_id: int, note: str) -> None:
    try:
        verdict = Verdict.objects.select_related("claim", "author").get(pk=verdict_id)
        link = settings.SITE_URL.rstrip("/") + reverse(
            "admin:verdicts_verdict_change", args=[verdict_id]
        )
        claim = str(verdict.claim)
        if state == State.CHANGES_REQUESTED:
            recipients = [verdict.author.email] if verdict.author.email else []
            subject = f"Changes requested: {claim}"
            body = f"An editor asked for changes to your verdict.\n\nNote: {note}\n\n{link}\n"
        else:
            recipients = _approvers({verdict.author_id, by_id})
            subject = f"Waiting for approval: {claim}"
            body = f"{verdict.author} submitted a verdict for review.\n\n{link}\n"
        if recipients:
            send_mass_mail(
                [(subject[:150], body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]
            )
    except Exception:
        logger.exception("could not send the notification for verdict %s (%s)", verdict_id, state)
