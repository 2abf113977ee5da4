"""The rules' lexicon: the patterns that find numbers, dates, names, attributions, comparisons,
causes, events, hedges, predictions and opinion in a sentence.

Kept apart from the logic that uses them (scoring.py) so a word can be added without reading the
scorer, and so the word-list matcher's equivalence test can reach every pattern. Plain regular
expressions: they run offline and in linear time.
"""

from __future__ import annotations

import re

from apps.claims.extraction.wordmatch import TriggeredPattern, WordLists

MONTHS = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
WEEKDAYS = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
YEAR = r"(?:1[89]\d\d|20\d\d)(?:s\b)?"
SCALE = r"(?:hundred|thousand|million|billion|trillion|bn|m|k)\b"
SPELLED = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    r"|forty|fifty|sixty|seventy|eighty|ninety|a|half\s+a|several|tens\s+of|hundreds\s+of"
    r"|thousands\s+of|millions\s+of|billions\s+of|dozens\s+of|a\s+dozen)"
)
UNIT = (
    r"(?:hundred|thousand|million|billion|trillion|percent|per\s+cent|days?|weeks?|months?|years?"
    r"|hours?|minutes?|people|residents|soldiers|troops|deaths|cases|times|votes|jobs|tonnes"
    r"|tons|miles|kilometres|kilometers|dollars|euros|pounds|members|children|workers|patients"
    r"|students|militants|civilians|refugees|victims|homes|seats|countries|cities)\b"
)

# Order matters: at each position the first alternative that matches wins, so a date swallows its
# year before the number rule sees it.
FACTS = re.compile(
    rf"""
    (?P<date>
        \b{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{YEAR})?\b
      | \b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS}(?:,?\s+{YEAR})?\b
      | \b{MONTHS}(?:\s+of)?\s+{YEAR}
      | \b(?:early|mid|late|the\s+summer\s+of|the\s+spring\s+of|the\s+autumn\s+of|the\s+fall\s+of
            |the\s+winter\s+of)[\s-]+{YEAR}
      | \b{WEEKDAYS}\b
      | \b(?:in|since|by|until|from|during|before|after|of|between|and|to|late|early)\s+{YEAR}
      | \b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b | \b\d{{4}}-\d{{2}}-\d{{2}}\b
      | \b(?:last|next|this)\s+(?:year|month|week|spring|summer|autumn|winter)\b
      | \b{MONTHS}(?=[\s,.])
    )
  | (?P<number>
        [$€£¥]\s?\d[\d,]*(?:\.\d+)?(?:\s*{SCALE})?
      | \b\d[\d,]*(?:\.\d+)?\s*(?:%|{SCALE}|{UNIT})
      | \b\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?\b
      | \b\d+\.\d+\b
      | \b(?!(?:1[89]|20)\d\d\b)\d+\b(?!-(?:year|month|week|day)-old)
      | \b{SPELLED}\s+(?:{SCALE}|{UNIT})
      | \b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty
            |hundreds|thousands|millions|dozens)\s+(?:[a-z]+\s+)?[a-z]{{3,}}s\b
      | \b(?:half|a\s+third|a\s+quarter|two\s+thirds|twice|triple|(?-i:majority|minority))\b
    )
  | (?P<year>\b{YEAR}\b)
    """,
    re.VERBOSE | re.IGNORECASE,
)

# A name may carry a second capital inside it (McCain, DeSantis, MacArthur, LeBron).
CAPITALISED = (
    r"(?:[A-Z][a-z'\u2019]+(?:[A-Z][a-z'\u2019]+)?(?:-[A-Z]?[a-z]+)*|[A-Z]{2,}s?|(?:[A-Z]\.){2,}"
    r"|Al-[A-Z][a-z]+)"
)
ENTITY = re.compile(
    rf"{CAPITALISED}(?:(?:\s+(?:of|of\s+the|and\s+the|for|de|del|bin|von|van|al))?\s+{CAPITALISED})*"
)
# Capitalised words that start sentences or name times, not people, places or organisations.
NOT_ENTITY_WORDS = """
I A An The This That These Those It Its He She We They You His Her Our Their My Your However But
And Or So Yet Also Thus Then Still Even If When While After Before Since As In On At For From To
By With Without Of Mr Mrs Ms Dr Sir Madam Yes No Monday Tuesday Wednesday Thursday Friday Saturday
Sunday Today Tomorrow Yesterday There Here What Who Why How Which According Meanwhile Moreover
Furthermore Nevertheless Nonetheless Although Though Because Many Some Most All Several Both Each
Every Few Anyway Indeed Instead Only Not Nobody Everyone Slowly Possibly Perhaps Maybe Probably
Clearly Obviously Capturing January February March April May June July August September October
November December Is Are Was Were Do Does Did Has Have Had Can Will Would Should Could Let Now
Well Look Let's Here's There's That's It's What's Don't Doesn't Didn't Isn't Aren't Wasn't Can't
Won't
"""
# Contractions of these ("I'm", "I'd", "We've", "They're") are not names either.
CONTRACTION = re.compile(r"['\u2019](?:m|d|ve|ll|re|s)$")
NOT_ENTITIES = frozenset(NOT_ENTITY_WORDS.split())

ATTRIBUTION = re.compile(
    r"\b(?:according\s+to|said|says|say|told|reported(?:ly)?|reports|announced|announces"
    r"|stated|states|claimed|claims|confirmed|confirms|denied|denies|estimated|estimates"
    r"|acknowledged|admitted|testified|wrote|tweeted|posted|declared|insisted|alleged"
    r"|accused|warned|revealed|disclosed|published|cautioned|noted|pointed\s+out|data\s+(?:show|shows|showed)"
    r"|figures\s+(?:show|showed)|a\s+(?:study|survey|poll|report)\s+(?:by|from|found|shows))\b",
    re.IGNORECASE,
)
COMPARISON = re.compile(
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
WEAK_COMPARISON = frozenset(
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
CAUSAL = re.compile(
    r"\b(?:because\s+of|because|due\s+to|caused|causes|causing|led\s+to|leads\s+to|leading\s+to"
    r"|as\s+a\s+result(?:\s+of)?|resulted\s+in|results\s+in|result\s+of|triggered|triggering"
    r"|triggers|thanks\s+to|blamed\s+on|linked\s+to|contributed\s+to|so\s+that|therefore"
    r"|consequently|which\s+(?:caused|meant)|(?:driven|fu?ell?ed|caused|prompted|sparked|hit)\s+"
    r"(?:\w+\s+)?by)\b",
    re.IGNORECASE,
)
EVENT = re.compile(
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
WEAK_EVENT = frozenset({"has been", "have been", "had been", "was", "were", "involved"})

HEDGE = re.compile(
    r"\b(?:might|may|could|possibly|possible|perhaps|maybe|probably|likely|unlikely|seems?"
    r"|seemed|appears?\s+to|appear\s+as|apparently|it\s+is\s+(?:possible|likely|unclear)"
    r"|some\s+say|rumou?red|supposedly|presumably|arguably|suggests?)\b",
    re.IGNORECASE,
)
PREDICTION = re.compile(
    r"\b(?:will|won't|would|wouldn't|shall|going\s+to|is\s+expected\s+to|are\s+expected\s+to"
    r"|can\s+hardly|will\s+hardly|is\s+set\s+to|are\s+set\s+to|forecasts?|predicts?|predicted"
    r"|in\s+the\s+future|soon|next\s+year|can\s+restore|cannot|can't|expects?|anticipates?)\b",
    re.IGNORECASE,
)
OPINION = re.compile(
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
# A record stated without a figure ("she voted against the bill", "he vetoed the tax cut", "we
# doubled the number of ..."), a trend in words ("unemployment is going down", "the largest deficit
# in our history") and a stated position ("she supports a ban"). Model inputs: cross-validation
# showed a small gain from pooling these verbs beside their own n-grams.
RECORD = re.compile(
    r"\b(?:voted|vetoed|opposed|supported|sponsored|cosponsored|co-sponsored|signed|proposed"
    r"|introduced|passed|cut|raised|doubled|tripled|halved|created|eliminated|increased|reduced"
    r"|lowered|endorsed|appointed|negotiated|fought|led|served|balanced|built|closed|opened|hired"
    r"|fired|expanded|repealed|enacted|funded|ended|banned|approved|rejected|killed|saved|lost"
    r"|won)\b",
    re.IGNORECASE,
)
TREND = re.compile(
    r"\b(?:going\s+(?:up|down)|gone\s+(?:up|down)|went\s+(?:up|down)"
    r"|(?:is|are|has|have)\s+(?:been\s+)?(?:rising|falling|growing|shrinking|declining|increasing"
    r"|decreasing|dropping|climbing)"
    r"|(?:highest|lowest|largest|biggest|smallest|worst|best)\s+(?:\w+\s+){0,3}(?:in|since)\s+"
    r"(?:our\s+|the\s+|this\s+)?(?:history|country|nation|decades?|years?|world|record)"
    r"|record\s+(?:high|low|levels?))\b",
    re.IGNORECASE,
)
POSITION = re.compile(
    r"\b(?:supports?|opposes?|favou?rs?|voted\s+(?:for|against)|is\s+(?:for|against)|wants\s+to"
    r"|plans\s+to|proposed|has\s+(?:called|said|promised|pledged))\b",
    re.IGNORECASE,
)
DATE_PREFIX = re.compile(
    r"^(?:in|since|by|until|from|during|before|after|of|between|and|to)\s+(?=\d)", re.IGNORECASE
)
FIRST_PERSON = re.compile(r"\b(?:I|we|my|our|us)\b")
CONDITIONAL = re.compile(r"\b(?:if|unless|even\s+if|in\s+case)\b", re.IGNORECASE)
QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]{3,}[\"\u201d]")

CONTRACTED_WILL = re.compile(r"\w['\u2019]ll\b")
FACT_TRIGGERS = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday last next this one two three four five six seven eight nine ten "
    "eleven twelve fifteen twenty thirty forty fifty sixty seventy eighty ninety a half "
    "several tens hundreds thousands millions billions dozens twice triple majority minority"
)
FACT_BEFORE_DIGITS = (
    "early mid late the in since by until from during before after of between and to"
)
FACT_FINDER = TriggeredPattern(FACTS, FACT_TRIGGERS.split(), FACT_BEFORE_DIGITS.split())
WORD_LISTS = WordLists(
    [
        ("attribution", ATTRIBUTION),
        ("comparison", COMPARISON),
        ("causal", CAUSAL),
        ("event", EVENT),
        ("hedge", HEDGE),
        ("prediction", PREDICTION),
        ("opinion", OPINION),
        ("conditional", CONDITIONAL),
        ("record", RECORD),
        ("trend", TREND),
        ("position", POSITION),
    ]
)

# The rules' own weights. They no longer make the score (the trained model does); they decide
# the kind: whether doubt outweighs the checkable content, and which content leads.
KIND_WEIGHTS = {
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
    "conditional": -0.5,
    "question": -1.6,
}
