"""The extraction entry point: article text in, claims and skipped spans out.

The package's parts: sentences.py (segmentation with exact offsets), boilerplate.py (captions,
bylines, promos), wordlists.py (the rules' lexicon), scoring.py (rules, clauses and the score),
model.py (the trained weights at run time) and train.py (``make train-claims``).

``extract`` is pure (no database, no network, no model download), so the command line, the import
service, the re-extraction service and the benchmark all get the same answer for the same text.
Every sentence ends up in exactly one of the two lists: a claim (scored at or above the threshold)
or a skipped span with the reason (boilerplate, heading, too long, or scored below the threshold).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from apps.claims.extraction import boilerplate, scoring
from factcheck import sentences

DEFAULT_THRESHOLD = 0.5
# A "sentence" longer than this is a table, a list run together or markup, not a claim.
MAX_CLAIM_CHARS = 1_500


@dataclass(frozen=True, slots=True)
class ExtractedClaim:
    text: str
    start: int
    end: int
    score: float
    kind: str
    reasons: list[str]
    contributions: list[dict] = field(default_factory=list)
    model_version: str = ""


@dataclass(frozen=True, slots=True)
class SkippedSpan:
    text: str
    start: int
    end: int
    reason: str


@dataclass(slots=True)
class Extraction:
    claims: list[ExtractedClaim] = field(default_factory=list)
    skipped: list[SkippedSpan] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD

    def as_dict(self) -> dict:
        """The JSON shape of ``extract_claims --json``."""
        return {
            "claims": [asdict(claim) for claim in self.claims],
            "skipped": [asdict(span) for span in self.skipped],
        }


def default_threshold() -> float:
    """settings.CLAIM_THRESHOLD when Django is configured, else the built-in default."""
    try:
        from django.conf import settings

        return float(getattr(settings, "CLAIM_THRESHOLD", DEFAULT_THRESHOLD))
    except Exception:  # settings not configured: extraction stays usable as a library
        return DEFAULT_THRESHOLD


def extract(text: str, *, threshold: float | None = None) -> Extraction:
    """Find the check-worthy claims in ``text``; offsets are Python string indices into it."""
    if not isinstance(text, str):
        raise TypeError(f"extract() needs a str, not {type(text).__name__}")
    if threshold is None:
        threshold = default_threshold()
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    result = Extraction(threshold=threshold)
    block_reasons: dict[int, str | None] = {}
    for sentence in sentences.iter_sentences(text):
        block = sentence.block
        if block.start not in block_reasons:
            block_reasons[block.start] = boilerplate.block_reason(block)
        reason = block_reasons[block.start] or boilerplate.sentence_reason(sentence.text)
        if reason is None and len(sentence.text) > MAX_CLAIM_CHARS:
            reason = f"too long for one claim ({len(sentence.text):,} characters)"
        if reason is None:
            assessment = scoring.assess(sentence.text)
            if assessment.score >= threshold:
                result.claims.append(
                    ExtractedClaim(
                        text=sentence.text,
                        start=sentence.start,
                        end=sentence.end,
                        score=assessment.score,
                        kind=assessment.kind,
                        reasons=assessment.reasons,
                        contributions=assessment.contributions,
                        model_version=assessment.model_version,
                    )
                )
                continue
            reason = _below_threshold(assessment, threshold)
        result.skipped.append(SkippedSpan(sentence.text, sentence.start, sentence.end, reason))
    return result


def _below_threshold(assessment: scoring.Assessment, threshold: float) -> str:
    why = "; ".join(assessment.reasons[:4]) or "nothing specific to check"
    return f"score {assessment.score:.2f} below {threshold:.2f} ({assessment.kind}: {why})"
