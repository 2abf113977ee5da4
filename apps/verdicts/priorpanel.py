"""The claim page's "possibly already checked" panel, as HTML: each earlier check with its
verdict and rating, the score, why, and the reviewer's two buttons. Shared by the claims admin
(which may not import the verdicts admin) and anything else that shows a claim to staff."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from apps.verdicts.models import PriorCheckMatch
from apps.verdicts.priorchecks import DECISIONS
from apps.verdicts.priorscore import prior_reasons_text


def _target(match: PriorCheckMatch) -> str:
    if match.external_id:
        fc = match.external
        return format_html(
            '“{}” — <a href="{}" rel="noopener noreferrer">{}</a>{}',
            fc.claim_text,
            fc.url,
            fc.organization or "external fact-check",
            format_html(", rated <strong>{}</strong>", fc.rating) if fc.rating else "",
        )
    verdict = getattr(match, "prior_verdict", None)
    return format_html(
        '“<a href="{}">{}</a>” in {}{}',
        reverse("admin:claims_claim_change", args=[match.prior_claim_id]),
        match.prior_claim.text,
        match.prior_claim.article,
        format_html(
            ', verdict <a href="{}"><strong>{}</strong></a> ({})',
            reverse("admin:verdicts_verdict_change", args=[verdict.pk]),
            verdict.rating,
            verdict.get_state_display().lower(),
        )
        if verdict
        else "",
    )


def _buttons(match: PriorCheckMatch, back: str) -> str:
    if match.state != PriorCheckMatch.State.SUGGESTED:
        who = match.decided_by or "a reviewer"
        return format_html('<span class="help">{} by {}</span>', match.get_state_display(), who)
    url = reverse("admin:verdicts_priorcheckmatch_decide", args=[match.pk])
    # Buttons of the page's own form, posting elsewhere: a form inside the admin's change form
    # would be invalid HTML.
    return format_html_join(
        " ",
        '<button type="submit" class="button" formaction="{}?next={}" formmethod="post" '
        'name="decision" value="{}">{}</button>',
        ((url, back, action, label) for action, (_s, _t, label) in DECISIONS.items()),
    )


def prior_checks_panel(matches: list[PriorCheckMatch], *, back: str, flag: float) -> str:
    """The claim page's "possibly already checked" panel: each earlier check with its verdict
    and rating, the score, why, and the reviewer's buttons."""
    if not matches:
        return "—"
    rows = format_html_join(
        "",
        '<li class="prior-check"><strong>{}</strong> (score {}): {}<br>'
        '<span class="help">{}</span><br>{}</li>',
        (
            (
                "Likely repeat"
                if match.score >= flag or match.state == PriorCheckMatch.State.CONFIRMED
                else "Possibly already checked",
                f"{match.score:.2f}",
                _target(match),
                prior_reasons_text(match.reasons),
                _buttons(match, back),
            )
            for match in matches
        ),
    )
    return format_html("<ul>{}</ul>", rows)
