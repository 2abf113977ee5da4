"""The sources' errors and the one lookup every job starts from: a URL's Source."""

from apps.sources.models import Source
from apps.sources.normalize import BadURL, url_domain, url_normalise
from factcheck.errors import BadInput, Conflict


class SourceError(BadInput):
    """A source that cannot be cited or archived as asked; the message is for the reviewer."""


class CitationError(SourceError):
    """A citation that breaks a rule (unknown stance, duplicate)."""


class CitationExists(Conflict, CitationError):
    """This claim already cites that source (with a different stance, excerpt or note)."""


def source_get_or_create(*, url: str) -> Source:
    """The one Source for this URL's normalised form (created if new)."""
    try:
        normal = url_normalise(url)
    except BadURL as exc:
        raise SourceError(str(exc)) from None
    source, _ = Source.objects.get_or_create(url=normal, defaults={"domain": url_domain(normal)})
    return source
