"""Evidence suggestions: the archived passages most likely to settle a claim, and citing one.

Two stages. The database's full-text index (apps.sources.passages) finds candidates, first in
the sources already cited on the claim's article, then in the whole archive. A re-rank then
rewards what a fact-checker looks for (the claim's numbers, dates and names in the passage) and
penalises a passage that gives a different figure for the same thing; every point of the score
is explained and highlighted in the passage. Nothing is cited until a reviewer says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.sources.deeplinks import snapshot_text_url, text_fragment_url
from apps.sources.matching import Comparison, compare, features, language_problem
from apps.sources.models import Citation, Passage
from apps.sources.passages import passages_search
from factcheck.errors import NotFound, Refused

PER_GROUP = 5
# Candidates re-ranked per group: the full-text rank alone often puts a passage with the same
# words and another number or place first.
CANDIDATES = 100
# Weights of the re-rank (sum of the positive ones is 1): the first-stage rank, relative to the
# best candidate, and the shares of the claim's words, numbers, dates and names found.
WEIGHTS = {
    "rank": 0.35,
    "terms": 0.30,
    "numbers": 0.15,
    "dates": 0.10,
    "names": 0.10,
    "contradiction": -0.30,
    "names_differ": -0.10,
}


@dataclass
class Suggestion:
    passage: Passage
    group: str  # "cited" (a source cited on the article) or "archive"
    score: float
    first_stage: float
    reasons: list[dict] = field(default_factory=list)
    html: SafeString = field(default_factory=lambda: mark_safe(""))
    already_cited: bool = False

    @property
    def archive_url(self) -> str:
        return snapshot_text_url(self.passage.snapshot_id, self.passage.start, self.passage.end)

    @property
    def live_url(self) -> str:
        return text_fragment_url(self.passage.source.url, self.passage.text)


@dataclass
class Evidence:
    suggestions: list[Suggestion]
    problem: str = ""  # why there are no suggestions, when the claim cannot be searched

    def group(self, name: str) -> list[Suggestion]:
        return [s for s in self.suggestions if s.group == name]


class EvidenceError(Refused):
    """A passage that cannot be cited as asked."""


def claim_evidence(*, claim, per_group: int = PER_GROUP) -> Evidence:
    """The best passages for the claim: up to per_group from sources cited on its article, then
    up to per_group from the rest of the archive."""
    problem = language_problem(claim.text)
    if problem:
        return Evidence([], problem)
    wanted = features(claim.text)
    terms = [wanted.words[k] for k in wanted.terms] + [n.text for n in wanted.numbers]
    terms += [str(year) for year in wanted.years]
    keys = list(wanted.names) + [n.text for n in wanted.numbers]
    keys += [str(year) for year in wanted.years]
    cited_here = list(
        Citation.objects.filter(claim__article_id=claim.article_id)
        .values_list("source_id", "claim_id")
        .distinct()
    )
    article_sources = sorted({source for source, _ in cited_here})
    claim_sources = {source for source, cited_by in cited_here if cited_by == claim.pk}
    hits = passages_search(
        terms=terms, key_terms=keys, source_ids=article_sources, limit=CANDIDATES
    )
    seen = {pk for pk, _ in hits}
    groups = {pk: "cited" for pk in seen}
    for pk, rank in passages_search(terms=terms, key_terms=keys, limit=CANDIDATES + len(seen)):
        if pk not in seen:
            hits.append((pk, rank))
            groups[pk] = "archive"
    if not hits:
        return Evidence([], "No archived passage shares a word with this claim.")
    passages = Passage.objects.select_related("source").in_bulk([pk for pk, _ in hits])
    best = max(rank for _, rank in hits) or 1.0
    ranked = []
    for pk, rank in hits:
        passage = passages.get(pk)
        if passage is None:
            continue
        suggestion = _rerank(wanted, passage, rank / best if best > 0 else 0.0)
        suggestion.group = groups[pk]
        suggestion.already_cited = passage.source_id in claim_sources
        ranked.append(suggestion)
    ranked.sort(key=lambda s: (-s.score, s.passage.pk))
    # One suggestion per capture, its best passage.
    seen_snapshots: set[int] = set()
    best_per_capture = []
    for suggestion in ranked:
        if suggestion.passage.snapshot_id not in seen_snapshots:
            seen_snapshots.add(suggestion.passage.snapshot_id)
            best_per_capture.append(suggestion)
    chosen = [s for s in best_per_capture if s.group == "cited"][:per_group]
    chosen += [s for s in best_per_capture if s.group == "archive"][:per_group]
    return Evidence(chosen)


def _rerank(wanted, passage: Passage, rank: float) -> Suggestion:
    comparison = compare(wanted, features(passage.text), passage.text)
    parts = {
        "rank": rank,
        "terms": comparison.term_share,
        "numbers": comparison.number_share,
        "dates": comparison.date_share,
        "names": comparison.name_share,
        "contradiction": 1.0 if comparison.contradictions else 0.0,
        "names_differ": 1.0 if comparison.names_differ else 0.0,
    }
    score = sum(WEIGHTS[k] * v for k, v in parts.items())
    return Suggestion(
        passage=passage,
        group="",
        score=round(score, 4),
        first_stage=round(rank, 4),
        reasons=_reasons(comparison, parts),
        html=passage_highlight(passage.text, comparison),
    )


def _reasons(comparison: Comparison, parts: dict) -> list[dict]:
    """The score, explained: each kind of finding with what was found and its effect."""

    def effect(kind: str) -> float:
        return round(WEIGHTS[kind] * parts[kind], 4)

    reasons = [
        {
            "kind": "search rank",
            "found": [f"{parts['rank']:.2f} of the best candidate's full-text rank"],
            "effect": effect("rank"),
        }
    ]
    for kind, label, found in (
        ("terms", "matched terms", comparison.terms),
        ("numbers", "matched numbers", comparison.numbers),
        ("dates", "matched dates", comparison.dates),
        ("names", "matched names", comparison.names),
        ("contradiction", "contradictory numbers", comparison.contradictions),
    ):
        if found:
            reasons.append(
                {
                    "kind": label,
                    "found": list(dict.fromkeys(what for what, _ in found)),
                    "effect": effect(kind),
                }
            )
    if comparison.names_differ:
        reasons.append(
            {
                "kind": "different names",
                "found": ["the passage names others, none of the claim's"],
                "effect": effect("names_differ"),
            }
        )
    return reasons


_MARK_CLASS = {
    "terms": "ev-term",
    "numbers": "ev-number",
    "dates": "ev-date",
    "names": "ev-name",
    "contradictions": "ev-contradiction",
}


def passage_highlight(text: str, comparison: Comparison) -> SafeString:
    """The passage as HTML, escaped, with each finding in a <mark> of its kind (a number that
    contradicts the claim wins over a plain term where they overlap)."""
    marks: dict[int, tuple[int, str]] = {}
    for kind in ("terms", "names", "dates", "numbers", "contradictions"):
        for _, spans in getattr(comparison, kind):
            for start, end in spans:
                marks[start] = (max(end, marks.get(start, (0, ""))[0]), _MARK_CLASS[kind])
    out, cursor = [], 0
    for start in sorted(marks):
        end, css = marks[start]
        if start < cursor:
            continue
        out.append(escape(text[cursor:start]))
        out.append(f'<mark class="{css}">{escape(text[start:end])}</mark>')
        cursor = end
    out.append(escape(text[cursor:]))
    return mark_safe("".join(out))


def citation_add_from_passage(*, claim, passage_id: int, stance: str, by) -> Citation:
    """Cite a suggested passage: a citation of its source through the citation service, with
    the passage as excerpt, pinned to the passage's snapshot and offsets."""
    from apps.sources.services import SourceError, citation_add

    passage = Passage.objects.select_related("source", "snapshot").filter(pk=passage_id).first()
    if passage is None:
        raise NotFound("That passage is no longer in the archive (the source was re-archived).")
    if passage.snapshot.text[passage.start : passage.end] != passage.text:
        raise EvidenceError("That passage no longer matches its capture's text.")
    with transaction.atomic():
        try:
            citation = citation_add(
                claim=claim, url=passage.source.url, stance=stance, excerpt=passage.text, by=by
            )
        except SourceError as exc:
            raise EvidenceError(exc.message) from None
        citation.snapshot_id = passage.snapshot_id
        citation.excerpt_start, citation.excerpt_end = passage.start, passage.end
        citation.excerpt_found = True
        citation.save(update_fields=["snapshot", "excerpt_start", "excerpt_end", "excerpt_found"])
    return citation


def evidence_payload(evidence: Evidence) -> dict:
    """The suggestions as the API gives them (the highlighted passage is escaped HTML)."""
    return {
        "problem": evidence.problem,
        "suggestions": [
            {
                "passage": s.passage.pk,
                "group": s.group,
                "score": s.score,
                "first_stage": s.first_stage,
                "reasons": s.reasons,
                "text": s.passage.text,
                "html": str(s.html),
                "source": {
                    "id": s.passage.source_id,
                    "url": s.passage.source.url,
                    "title": s.passage.source.title,
                },
                "snapshot": s.passage.snapshot_id,
                "start": s.passage.start,
                "end": s.passage.end,
                "archive_url": s.archive_url,
                "live_url": s.live_url,
                "already_cited": s.already_cited,
            }
            for s in evidence.suggestions
        ],
    }
