"""How worth checking a sentence is: a calibrated probability, the reasons for it, and a kind.

Two parts, each explainable. The rules (the lexicon in wordlists.py) find the checkable content of
a sentence and its doubt: ``number: 30,000``, ``date: October 2016``, ``attribution: according
to``, ``hedge: might``; they give the reasons and decide the kind. The score comes from a linear
model trained on labelled debate sentences (model.py, weights.json) over the sentence's words and
word pairs plus the rules' findings, so each claim also lists the learned features that moved its
score most (``voted against +0.8``, ``i think -0.6``).

A factual clause inside an opinion, a prediction or a condition ("Hamas, which Washington lists as
a terrorist group, can hardly be trusted") is scored on its own too; the best of the sentence and
its clauses is the score, and a reason names the clause when it carried it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from apps.claims.choices import ClaimKind
from apps.claims.extraction import model
from apps.claims.extraction.wordlists import (
    CONTRACTED_WILL,
    CONTRACTION,
    DATE_PREFIX,
    ENTITY,
    FACT_FINDER,
    FACTS,
    FIRST_PERSON,
    KIND_WEIGHTS,
    NOT_ENTITIES,
    QUOTED,
    WEAK_COMPARISON,
    WEAK_EVENT,
    WORD_LISTS,
)

REPORTED_SPEECH_FACTOR = 0.4
MAX_REASONS_PER_FEATURE = 3
MAX_CONTRIBUTIONS = 6
# Relative and parenthetical clauses ("..., which Washington lists as a terrorist group, ...").
_CLAUSE = re.compile(
    r"(?:,|\s[\u2014\u2013-]{1,2})\s*((?:which|who|whom|whose|where)\s[^,;:()\u2014\u2013]{12,}?)"
    r"(?=\s*(?:,|;|:|\s[\u2014\u2013-]{1,2}\s|[.!?]?[\"\u201d'\u2019)]*\s*$))",
    re.IGNORECASE,
)
_REASON_ORDER = (
    "number",
    "date",
    "year",
    "attribution",
    "comparison",
    "causal",
    "event",
    "record",
    "trend",
    "position",
    "entity",
    "hedge",
    "prediction",
    "opinion",
    "conditional",
    "first_person",
    "question",
    "short",
)


@dataclass(frozen=True, slots=True)
class Assessment:
    score: float
    kind: str
    reasons: list[str]
    contributions: list[dict] = field(default_factory=list)
    model_version: str = ""


@dataclass(slots=True)
class Findings:
    """What the rules found in one piece of text: phrases per feature, the kind, and the
    rule features the model takes as inputs."""

    found: dict[str, list[str]]
    kind: str
    reasons: list[str]
    features: list[str]


def assess(text: str) -> Assessment:
    """Score one sentence. Pure: the same text always gets the same assessment."""
    scorer = model.current()
    findings = rules(text)
    logit, contributions = scorer.score(model.features(text, findings.features))
    reasons = findings.reasons
    for clause in clauses(text):
        clause_logit, clause_contributions = scorer.score(clause_features(clause))
        if clause_logit > logit:
            logit, contributions = clause_logit, clause_contributions
            reasons = [f"clause: {clause}", *findings.reasons]
    return Assessment(
        score=round(_sigmoid(logit), 3),
        kind=findings.kind,
        reasons=reasons,
        contributions=[
            {"feature": name, "weight": round(weight, 3)}
            for name, weight in contributions[:MAX_CONTRIBUTIONS]
        ],
        model_version=scorer.version,
    )


def clauses(text: str) -> list[str]:
    """The relative and parenthetical clauses of a sentence, each scored on its own."""
    return [match.group(1).strip() for match in _CLAUSE.finditer(text)]


def clause_features(clause: str) -> list[str]:
    """A clause is scored as a sentence of its own. (Scoring it without its relative pronoun was
    tried: no cross-validated gain, and the rules then take its first name for a sentence's
    capital.)"""
    return model.features(clause, rules(clause).features)


def rules(text: str) -> Findings:
    """Run the lexicon over ``text``: the reasons, the kind and the model's rule inputs."""
    found: dict[str, list[str]] = {}

    def note(feature: str, phrase: str) -> None:
        phrase = " ".join(phrase.split())
        if feature in ("date", "year"):
            phrase = DATE_PREFIX.sub("", phrase)
        found.setdefault(feature, [])
        if phrase.lower() not in (p.lower() for p in found[feature]):
            found[feature].append(phrase)

    for match in FACT_FINDER.finditer(text):
        note(match.lastgroup, match.group())
    for name in _entities(text):
        note("entity", name)
    matched = WORD_LISTS.find(text)
    # Capitalised "States" is the noun (United States, member States), not the verb "states".
    matched["attribution"] = [m for m in matched.get("attribution", []) if m.group() != "States"]
    for feature, matches in matched.items():
        for match in matches:
            note(feature, match.group())
    if ("'ll" in text or "\u2019ll" in text) and (will := CONTRACTED_WILL.search(text)):
        matched.setdefault("prediction", []).append(will)
        note("prediction", will.group())
    unquoted = QUOTED.sub("", text)
    if person := FIRST_PERSON.search(unquoted):
        note("first_person", person.group())
    if text.rstrip("\"\u201d'\u2019) ").endswith("?"):
        note("question", "?")
    words = len(text.split())
    if words < 6:
        note("short", f"{words} words")

    comparisons = found.get("comparison", [])
    strong_comparisons = [c for c in comparisons if c.lower() not in WEAK_COMPARISON]
    events = found.get("event", [])
    strong_events = [e for e in events if e.lower() not in WEAK_EVENT]
    reported = _reported_speech(matched)
    factual, doubt = _weigh(found, strong_comparisons, strong_events, reported, text)

    features = []
    for name in ("number", "date", "entity"):
        if name in found:
            features.append(name if len(found[name]) == 1 else f"{name} (several)")
    for name in (
        "year",
        "attribution",
        "causal",
        "record",
        "trend",
        "position",
        "hedge",
        "opinion",
        "conditional",
    ):
        if name in found:
            features.append(name)
    for name in ("first_person", "question", "short"):
        if name in found:
            features.append(name.replace("_", " "))
    if strong_comparisons:
        features.append("comparison")
    elif comparisons:
        features.append("weak comparison")
    if strong_events:
        features.append("event")
    elif events:
        features.append("weak event")
    if "prediction" in found:
        features.append("reported prediction" if reported else "prediction")
    if QUOTED.search(text) and "attribution" in found:
        features.append("quote")

    reasons = []
    for feature in _REASON_ORDER:
        phrases = found.get(feature, [])
        if feature == "comparison":
            phrases = strong_comparisons or phrases
        if feature == "event":
            phrases = strong_events or phrases
        label = "date" if feature == "year" else feature.replace("_", " ")
        for phrase in phrases[:MAX_REASONS_PER_FEATURE]:
            reasons.append(label if feature == "question" else f"{label}: {phrase}")
    kind = _kind(found, strong_comparisons, factual, doubt)
    return Findings(found=found, kind=kind, reasons=reasons, features=features)


def _entities(text: str) -> list[str]:
    names = []
    for match in ENTITY.finditer(text):
        name = match.group()
        first, _, rest = name.partition(" ")
        if _not_a_name(first):
            name = rest
            if not name:
                continue
        if match.start() == _sentence_start(text) and " " not in name and not name.isupper():
            continue  # A capital at the start of a sentence says nothing.
        if _not_a_name(name) or FACTS.fullmatch(name):
            continue
        names.append(name)
    return names


def _not_a_name(word: str) -> bool:
    if word in NOT_ENTITIES:
        return True
    contraction = CONTRACTION.search(word)
    return bool(contraction) and word[: contraction.start()] in NOT_ENTITIES


def _weigh(found, strong_comparisons, strong_events, reported, text) -> tuple[float, float]:
    """The rules' own sums of checkable content and of doubt; they decide the kind."""
    w = KIND_WEIGHTS
    factual = sum(w[name] for name in ("attribution", "causal") if name in found)
    doubt = sum(w[name] for name in ("hedge", "conditional", "question") if name in found)
    if numbers := found.get("number"):
        factual += w["number"] + w["number+"] * min(len(numbers) - 1, 3)
    if dates := found.get("date"):
        factual += w["date"] + w["date+"] * min(len(dates) - 1, 3)
    if "year" in found:
        factual += w["year"] if not dates else w["date+"]
    factual += w["entity"] * min(len(found.get("entity", [])), 3)
    if "comparison" in found:
        factual += w["comparison"] if strong_comparisons else w["comparison_weak"]
    if "event" in found:
        factual += w["event"] if strong_events else w["event_weak"]
    if QUOTED.search(text) and "attribution" in found:
        factual += w["quote"]
    if "prediction" in found:
        doubt += w["prediction"] * (REPORTED_SPEECH_FACTOR if reported else 1)
    if opinions := found.get("opinion"):
        doubt += w["opinion"] * min(len(opinions), 3) ** 0.5
    # Brevity and "I"/"we" lower a sentence's score (the model learns by how much) but say nothing
    # about its kind: "She voted against the bill." and "We doubled the number of nurses." are
    # records, not opinions.
    return factual, doubt


def _reported_speech(matched: dict[str, list[re.Match]]) -> bool:
    """'X said the plan would create 15,000 jobs': the prediction is someone else's, and that they
    made it is itself checkable, so it weighs less than the author's own forecast."""
    said = matched.get("attribution")
    future = matched.get("prediction")
    return bool(said and future and said[0].start() < future[0].start())


def _sentence_start(text: str) -> int:
    return len(text) - len(text.lstrip(" \"\u201c\u2018'(["))


def _sigmoid(logit: float) -> float:
    if logit < -60:
        return 0.0
    return 1 / (1 + math.exp(-logit))


def _kind(found: dict, strong_comparisons: list, factual: float, doubt: float) -> str:
    if doubt and -doubt >= factual * 0.6:
        if "prediction" in found:
            return ClaimKind.PREDICTION.value
        return ClaimKind.OPINION.value
    if "number" in found:
        return ClaimKind.STATISTIC.value
    if "causal" in found:
        return ClaimKind.CAUSAL.value
    if strong_comparisons:
        return ClaimKind.COMPARISON.value
    if "attribution" in found:
        return ClaimKind.ATTRIBUTION.value
    return ClaimKind.EVENT.value
