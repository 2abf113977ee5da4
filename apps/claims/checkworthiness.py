"""How worth checking a sentence is: a score from 0 to 1, the reasons for it, and a kind.

The score is a logistic function of hand-weighted features, so every point of it can be explained:
each feature that fired is listed as a reason (``number: 30,000``, ``date: October 2016``,
``attribution: according to``, ``hedge: might``). Specific, checkable content (quantities, dates,
named places and people, attributions, comparisons, causal links, concrete events) raises it;
hedges, modal verbs, predictions, opinion and questions lower it. Plain regular expressions, no
model: it runs offline and in linear time.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from apps.claims.choices import ClaimKind
from apps.claims.wordmatch import TriggeredPattern, WordLists

BIAS = -1.2
REPORTED_SPEECH_FACTOR = 0.4
MAX_REASONS_PER_FEATURE = 3

_MONTHS = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_WEEKDAYS = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[89]\d\d|20\d\d)(?:s\b)?"
_SCALE = r"(?:hundred|thousand|million|billion|trillion|bn|m|k)\b"
_SPELLED = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    r"|forty|fifty|sixty|seventy|eighty|ninety|a|half\s+a|several|tens\s+of|hundreds\s+of"
    r"|thousands\s+of|millions\s+of|billions\s+of|dozens\s+of|a\s+dozen)"
)
_UNIT = (
    r"(?:hundred|thousand|million|billion|trillion|percent|per\s+cent|days?|weeks?|months?|years?"
    r"|hours?|minutes?|people|residents|soldiers|troops|deaths|cases|times|votes|jobs|tonnes"
    r"|tons|miles|kilometres|kilometers|dollars|euros|pounds|members|children|workers|patients"
    r"|students|militants|civilians|refugees|victims|homes|seats|countries|cities)\b"
)

# Order matters: at each position the first alternative that matches wins, so a date swallows its
# year before the number rule sees it.
_FACTS = re.compile(
    rf"""
    (?P<date>
        \b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?\b
      | \b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}(?:,?\s+{_YEAR})?\b
      | \b{_MONTHS}(?:\s+of)?\s+{_YEAR}
      | \b(?:early|mid|late|the\s+summer\s+of|the\s+spring\s+of|the\s+autumn\s+of|the\s+fall\s+of
            |the\s+winter\s+of)[\s-]+{_YEAR}
      | \b{_WEEKDAYS}\b
      | \b(?:in|since|by|until|from|during|before|after|of|between|and|to|late|early)\s+{_YEAR}
      | \b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b | \b\d{{4}}-\d{{2}}-\d{{2}}\b
      | \b(?:last|next|this)\s+(?:year|month|week|spring|summer|autumn|winter)\b
      | \b{_MONTHS}(?=[\s,.])
    )
  | (?P<number>
        [$€£¥]\s?\d[\d,]*(?:\.\d+)?(?:\s*{_SCALE})?
      | \b\d[\d,]*(?:\.\d+)?\s*(?:%|{_SCALE}|{_UNIT})
      | \b\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?\b
      | \b\d+\.\d+\b
      | \b(?!(?:1[89]|20)\d\d\b)\d+\b(?!-(?:year|month|week|day)-old)
      | \b{_SPELLED}\s+(?:{_SCALE}|{_UNIT})
      | \b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty
            |hundreds|thousands|millions|dozens)\s+(?:[a-z]+\s+)?[a-z]{{3,}}s\b
      | \b(?:half|a\s+third|a\s+quarter|two\s+thirds|twice|triple|majority|minority)\b
    )
  | (?P<year>\b{_YEAR}\b)
    """,
    re.VERBOSE | re.IGNORECASE,
)

_CAPITALISED = (
    r"(?:[A-Z][a-z'\u2019]+(?:-[A-Z]?[a-z]+)*|[A-Z]{2,}s?|(?:[A-Z]\.){2,}|Al-[A-Z][a-z]+)"
)
_ENTITY = re.compile(
    rf"{_CAPITALISED}(?:(?:\s+(?:of|of\s+the|and\s+the|for|de|del|bin|von|van|al))?\s+{_CAPITALISED})*"
)
# Capitalised words that start sentences or name times, not people, places or organisations.
_NOT_ENTITY_WORDS = """
I A An The This That These Those It Its He She We They You His Her Our Their My Your However But
And Or So Yet Also Thus Then Still Even If When While After Before Since As In On At For From To
By With Without Of Mr Mrs Ms Dr Sir Madam Yes No Monday Tuesday Wednesday Thursday Friday Saturday
Sunday Today Tomorrow Yesterday There Here What Who Why How Which According Meanwhile Moreover
Furthermore Nevertheless Nonetheless Although Though Because Many Some Most All Several Both Each
Every Few Anyway Indeed Instead Only Not Nobody Everyone Slowly Possibly Perhaps Maybe Probably
Clearly Obviously Capturing January February March April May June July August September October
November December
"""
_NOT_ENTITIES = frozenset(_NOT_ENTITY_WORDS.split())

_ATTRIBUTION = re.compile(
    r"\b(?:according\s+to|said|says|say|told|reported(?:ly)?|reports|announced|announces"
    r"|stated|states|claimed|claims|confirmed|confirms|denied|denies|estimated|estimates"
    r"|acknowledged|admitted|testified|wrote|tweeted|posted|declared|insisted|alleged"
    r"|accused|warned|revealed|disclosed|published|cautioned|noted|pointed\s+out|data\s+(?:show|shows|showed)"
    r"|figures\s+(?:show|showed)|a\s+(?:study|survey|poll|report)\s+(?:by|from|found|shows))\b",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    r"\b(?:one\s+of\s+the\s+(?:most|least|largest|biggest|smallest|highest|lowest|best|worst)"
    r"|more\s+than|less\s+than|fewer\s+than|greater\s+than|higher\s+than|lower\s+than"
    r"|over|under|up\s+to|at\s+least|nearly|almost|about|around|roughly|approximately"
    r"|compared\s+(?:with|to)|than|twice\s+as|as\s+many\s+as|as\s+much\s+as|doubled|tripled"
    r"|halved|record|largest|biggest|smallest|highest|lowest|fastest|slowest|oldest|newest"
    r"|first|last|only|most|least|best|worst|longest|shortest|deadliest|richest|poorest"
    r"|increase[ds]?|decrease[ds]?|rose|risen|fell|fallen|grew|grown|dropped|declined|surged"
    r"|jumped|plunged|strongest|weakest|stronger|weaker|larger|smaller|bigger|higher|lower"
    r"|faster|slower|cheaper|dearer|older|younger|more\s+\w+\s+than)\b",
    re.IGNORECASE,
)
_WEAK_COMPARISON = frozenset(
    {
        "over",
        "under",
        "about",
        "around",
        "than",
        "first",
        "last",
        "only",
        "most",
        "least",
        "best",
        "worst",
        "nearly",
        "almost",
    }
)
_CAUSAL = re.compile(
    r"\b(?:because\s+of|because|due\s+to|caused|causes|causing|led\s+to|leads\s+to|leading\s+to"
    r"|as\s+a\s+result(?:\s+of)?|resulted\s+in|results\s+in|result\s+of|triggered|triggering"
    r"|triggers|thanks\s+to|blamed\s+on|linked\s+to|contributed\s+to|so\s+that|therefore"
    r"|consequently|which\s+(?:caused|meant)|(?:driven|fu?ell?ed|caused|prompted|sparked|hit)\s+"
    r"(?:\w+\s+)?by)\b",
    re.IGNORECASE,
)
_EVENT = re.compile(
    r"\b(?:captured?|capturing|took|taken|seized?|stormed|storming|attack|attacked|invaded|bombed"
    r"|struck|met|visited|agreed|held|hosted|shot|crashed|exploded"
    r"|killed|died|wounded|injured|arrested|charged|convicted|sentenced|jailed|released|freed"
    r"|elected|appointed|resigned|fired|hired|sacked|voted|passed|approved|rejected|vetoed|signed"
    r"|ratified|banned|launched|began|begun|started|ended|ending|halted|suspended|resumed"
    r"|withdrew|withdrawn|deployed|joined|left|fled|evacuated|moved|opened|closed|shut|built"
    r"|founded|acquired|bought|sold|merged|paid|spent|invested|raised|cut|lost|won|defeated"
    r"|occupied|liberated|destroyed|collapsed|recorded|reached|hit|fined|sued|ruled|awarded"
    r"|published|imposed|lifted|introduced|inhabited|defend|defends|defended|involves|involved"
    r"|has\s+been|have\s+been|had\s+been|was|were)\b",
    re.IGNORECASE,
)
_WEAK_EVENT = frozenset({"has been", "have been", "had been", "was", "were", "involved"})

_HEDGE = re.compile(
    r"\b(?:might|may|could|possibly|possible|perhaps|maybe|probably|likely|unlikely|seems?"
    r"|seemed|appears?\s+to|appear\s+as|apparently|it\s+is\s+(?:possible|likely|unclear)"
    r"|some\s+say|rumou?red|supposedly|presumably|arguably|suggests?)\b",
    re.IGNORECASE,
)
_PREDICTION = re.compile(
    r"\b(?:will|won't|would|wouldn't|shall|going\s+to|is\s+expected\s+to|are\s+expected\s+to"
    r"|can\s+hardly|will\s+hardly|is\s+set\s+to|are\s+set\s+to|forecasts?|predicts?|predicted"
    r"|in\s+the\s+future|soon|next\s+year|can\s+restore|cannot|can't|expects?|anticipates?)\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(?:should|must|ought\s+to|i\s+think|we\s+think|i\s+believe|we\s+believe|believes?"
    r"|in\s+my\s+view|in\s+our\s+view|clearly|obviously|of\s+course|the\s+fact\s+is|frankly"
    r"|surely|undoubtedly|unfortunately|fortunately|sadly|hopefully|actually|rather|at\s+all"
    r"|extremely|immense|impressive|serious|modest|difficult|hard\s+to|easy\s+to|important"
    r"|importance|advantageous|complete\s+surprise|surprise|shameful|disgraceful|outrageous"
    r"|terrible|wonderful|brilliant|great|excellent|awful|ridiculous|absurd|mighty|fearful"
    r"|so-called|real\s+fortress|strong\s+intention|nobody\s+had\s+expected|only\s+reason"
    r"|obstacle|tensions|considers?|opinion|feel|feels|beautiful|ugly|failure|disaster"
    r"|mistake|wrong|right\s+to|deserves?|need\s+to|needs\s+to|has\s+to|have\s+to)\b",
    re.IGNORECASE,
)
_DATE_PREFIX = re.compile(
    r"^(?:in|since|by|until|from|during|before|after|of|between|and|to)\s+(?=\d)", re.IGNORECASE
)
_FIRST_PERSON = re.compile(r"\b(?:I|we|my|our|us)\b")
_CONDITIONAL = re.compile(r"\b(?:if|unless|even\s+if|in\s+case)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]{3,}[\"\u201d]")

_CONTRACTED_WILL = re.compile(r"\w['\u2019]ll\b")
_FACT_TRIGGERS = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday last next this one two three four five six seven eight nine ten "
    "eleven twelve fifteen twenty thirty forty fifty sixty seventy eighty ninety a half "
    "several tens hundreds thousands millions billions dozens twice triple majority minority"
)
_FACT_BEFORE_DIGITS = (
    "early mid late the in since by until from during before after of between and to"
)
_FACT_FINDER = TriggeredPattern(_FACTS, _FACT_TRIGGERS.split(), _FACT_BEFORE_DIGITS.split())
_WORD_LISTS = WordLists(
    [
        ("attribution", _ATTRIBUTION),
        ("comparison", _COMPARISON),
        ("causal", _CAUSAL),
        ("event", _EVENT),
        ("hedge", _HEDGE),
        ("prediction", _PREDICTION),
        ("opinion", _OPINION),
        ("conditional", _CONDITIONAL),
    ]
)

WEIGHTS = {
    "number": 1.7,
    "number+": 0.3,
    "date": 1.3,
    "date+": 0.2,
    "year": 0.6,
    "entity": 0.35,
    "attribution": 0.9,
    "comparison": 0.6,
    "comparison_weak": 0.15,
    "causal": 0.45,
    "event": 0.7,
    "event_weak": 0.15,
    "quote": 0.3,
    "hedge": -1.8,
    "prediction": -2.2,
    "opinion": -0.8,
    "first_person": -0.4,
    "conditional": -0.5,
    "question": -1.6,
    "short": -1.0,
}


@dataclass(frozen=True, slots=True)
class Assessment:
    score: float
    kind: str
    reasons: list[str]


def assess(text: str) -> Assessment:
    """Score one sentence. Pure: the same text always gets the same assessment."""
    reasons: list[str] = []
    factual = 0.0
    doubt = 0.0
    found: dict[str, list[str]] = {}

    def note(feature: str, phrase: str) -> None:
        phrase = " ".join(phrase.split())
        if feature in ("date", "year"):
            phrase = _DATE_PREFIX.sub("", phrase)
        found.setdefault(feature, [])
        if phrase.lower() not in (p.lower() for p in found[feature]):
            found[feature].append(phrase)

    for match in _FACT_FINDER.finditer(text):
        note(match.lastgroup, match.group())
    for match in _ENTITY.finditer(text):
        name = match.group()
        first, _, rest = name.partition(" ")
        if first in _NOT_ENTITIES:
            name = rest
            if not name:
                continue
        if match.start() == _sentence_start(text) and " " not in name and not name.isupper():
            continue  # A capital at the start of a sentence says nothing.
        if name in _NOT_ENTITIES or _FACTS.fullmatch(name):
            continue
        note("entity", name)
    matched = _WORD_LISTS.find(text)
    for feature, matches in matched.items():
        for match in matches:
            note(feature, match.group())
    if ("'ll" in text or "\u2019ll" in text) and (will := _CONTRACTED_WILL.search(text)):
        matched["prediction"].append(will)
        note("prediction", will.group())

    numbers = found.get("number", [])
    dates = found.get("date", [])
    years = found.get("year", [])
    if numbers:
        factual += WEIGHTS["number"] + WEIGHTS["number+"] * min(len(numbers) - 1, 3)
    if dates:
        factual += WEIGHTS["date"] + WEIGHTS["date+"] * min(len(dates) - 1, 3)
    if years:
        factual += WEIGHTS["year"] if not dates else WEIGHTS["date+"]
    entities = found.get("entity", [])
    factual += WEIGHTS["entity"] * min(len(entities), 3)
    if "attribution" in found:
        factual += WEIGHTS["attribution"]
    comparisons = found.get("comparison", [])
    strong_comparisons = [c for c in comparisons if c.lower() not in _WEAK_COMPARISON]
    if strong_comparisons:
        factual += WEIGHTS["comparison"]
    elif comparisons:
        factual += WEIGHTS["comparison_weak"]
    if "causal" in found:
        factual += WEIGHTS["causal"]
    events = found.get("event", [])
    strong_events = [e for e in events if e.lower() not in _WEAK_EVENT]
    if strong_events:
        factual += WEIGHTS["event"]
    elif events:
        factual += WEIGHTS["event_weak"]
    if _QUOTED.search(text) and "attribution" in found:
        factual += WEIGHTS["quote"]

    if "hedge" in found:
        doubt += WEIGHTS["hedge"]
    if "prediction" in found:
        reported = _reported_speech(matched)
        doubt += WEIGHTS["prediction"] * (REPORTED_SPEECH_FACTOR if reported else 1)
    opinions = found.get("opinion", [])
    if opinions:
        doubt += WEIGHTS["opinion"] * min(len(opinions), 3) ** 0.5
    if "conditional" in found:
        doubt += WEIGHTS["conditional"]
    unquoted = _QUOTED.sub("", text)
    if _FIRST_PERSON.search(unquoted):
        doubt += WEIGHTS["first_person"]
        note("first_person", _FIRST_PERSON.search(unquoted).group())
    if text.rstrip("\"\u201d'\u2019) ").endswith("?"):
        doubt += WEIGHTS["question"]
        note("question", "?")
    if len(text.split()) < 6:
        doubt += WEIGHTS["short"]
        note("short", f"{len(text.split())} words")

    score = 1 / (1 + math.exp(-(BIAS + factual + doubt)))
    order = (
        "number",
        "date",
        "year",
        "attribution",
        "comparison",
        "causal",
        "event",
        "entity",
        "hedge",
        "prediction",
        "opinion",
        "conditional",
        "first_person",
        "question",
        "short",
    )
    for feature in order:
        phrases = found.get(feature, [])
        if feature == "comparison":
            phrases = strong_comparisons or phrases
        if feature == "event":
            phrases = strong_events or phrases
        label = "date" if feature == "year" else feature.replace("_", " ")
        for phrase in phrases[:MAX_REASONS_PER_FEATURE]:
            reasons.append(label if feature == "question" else f"{label}: {phrase}")
    kind = _kind(found, strong_comparisons, factual, doubt)
    return Assessment(score=round(score, 3), kind=kind, reasons=reasons)


def _reported_speech(matched: dict[str, list[re.Match]]) -> bool:
    """'X said the plan would create 15,000 jobs': the prediction is someone else's, and that they
    made it is itself checkable, so it weighs less than the author's own forecast."""
    said = matched.get("attribution")
    future = matched.get("prediction")
    return bool(said and future and said[0].start() < future[0].start())


def _sentence_start(text: str) -> int:
    return len(text) - len(text.lstrip(" \"\u201c\u2018'(["))


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
