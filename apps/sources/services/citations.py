"""Citing a source for a claim, and changing a citation."""

from django.db import IntegrityError, transaction

from apps.sources import selectors
from apps.sources.extract import excerpt_match
from apps.sources.listeners import evidence_changed
from apps.sources.models import Citation
from apps.sources.services.capture import snapshot_request
from apps.sources.services.sources import CitationError, CitationExists, source_get_or_create


def citation_add(
    *, claim, url: str, stance: str, excerpt: str = "", note: str = "", by
) -> Citation:
    """Cite url for claim. Queues archiving when the transaction commits, unless the source has
    a capture younger than ARCHIVE_FRESH_HOURS (then the citation is checked against that one).

    Sending the same citation again (same stance, excerpt and note: a client retrying after a
    lost answer) returns the existing one. If the broker is down the citation is still saved and
    its snapshot stays queued for the sweep to send (`selectors.snapshot_status`)."""
    if stance not in Citation.Stance.values:
        raise CitationError(f"Unknown stance {stance!r}: use supports, refutes or context.")
    excerpt, note = (excerpt or "").strip(), (note or "").strip()
    with transaction.atomic():
        source = source_get_or_create(url=url)
        existing = Citation.objects.filter(claim=claim, source=source).first()
        if existing is not None:
            if (existing.stance, existing.excerpt, existing.note) == (stance, excerpt, note):
                return existing
            raise CitationExists("This claim already cites that source.")
        fresh = selectors.snapshot_fresh(source=source)
        try:
            with transaction.atomic():
                citation = Citation.objects.create(
                    claim=claim,
                    source=source,
                    stance=stance,
                    excerpt=excerpt,
                    note=note,
                    added_by=by,
                    snapshot=fresh,
                    excerpt_found=excerpt_match(excerpt, fresh.text) if fresh else None,
                )
        except IntegrityError:
            raise CitationExists("This claim already cites that source.") from None
        if fresh is None:
            snapshot_request(source=source)
        evidence_changed(claim_id=claim.pk, by=by, what=f"cited {source.url}")
    return citation


@transaction.atomic
def citation_update(
    *, citation: Citation, stance: str, excerpt: str, note: str, by=None
) -> Citation:
    """Change a citation's stance, excerpt or note; a new excerpt is re-checked at once."""
    if stance not in Citation.Stance.values:
        raise CitationError(f"Unknown stance {stance!r}: use supports, refutes or context.")
    excerpt = (excerpt or "").strip()
    if (stance, excerpt) != (citation.stance, citation.excerpt):
        evidence_changed(claim_id=citation.claim_id, by=by, what=f"edited {citation.source.url}")
    if excerpt != citation.excerpt and citation.snapshot_id:
        citation.excerpt_found = excerpt_match(excerpt, citation.snapshot.text)
    citation.stance, citation.excerpt, citation.note = stance, excerpt, (note or "").strip()
    citation.save()
    return citation


@transaction.atomic
def citation_delete(*, citation: Citation, by) -> None:
    """Remove a citation; the verdict reviewed with it hears of it first (and may refuse)."""
    evidence_changed(claim_id=citation.claim_id, by=by, what=f"removed {citation.source.url}")
    citation.delete()
