"""Recognise the parts of a page that are not the article's prose: photo captions and credits,
promo links, disclaimers, bylines, share widgets, headings. They are skipped with a reason a
reviewer can read, and never become claims.

Most boilerplate is a whole block (a caption line, a "Recommended: ..." line), so blocks are
judged first; a few patterns (a trailing "Read more", a "Photo: AP" credit) are judged per
sentence as well.
"""

from __future__ import annotations

import re

from factcheck.sentences import Block, BlockKind

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_AGENCY = r"(?:AP|AFP|Reuters|Getty(?:\s+Images)?|EPA|PA|Shutterstock|Alamy|TASS|RIA\s+Novosti|Xinhua|Bloomberg|NurPhoto|Sputnik)"  # noqa: E501

_CREDIT = re.compile(
    rf"""
    \b(?:Photos?|Photograph|Image|Picture|Pic|Video|Illustration|Graphic|Source|Credit|Photo\s+credit)
        \s*[:/|]\s*\S
  | \b(?:Photo|Image|Picture|Illustration)s?\s+(?:by|courtesy\s+of)\s+[A-Z]
  | \((?:{_AGENCY}|[A-Z][\w.]*\s+(?:Photo|Images))[^)]{{0,80}}\)\s*$
  | /\s*{_AGENCY}\s*\)?\s*$
  | ^\s*{_AGENCY}\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)
# "Iraqi soldiers move in formation ... on the outskirts of Mosul, Iraq, November 4, 2016.",
# "... speaks to reporters outside the Capitol in Washington, June 13, 2024."
_DATELINE_CAPTION = re.compile(
    rf"(?:,|\bin)\s+[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*)*,\s+(?:on\s+)?(?:\w+day,\s+)?{_MONTH}\s+\d{{1,2}},\s+\d{{4}}\.?\s*$"
)
_PROMO = re.compile(
    r"""^\s*(?:
        read\s+(?:more|also|next|the\s+full\s+story)\b
      | also\s+read\b | more\s+(?:on\s+this|from|stories)\b | more\s*:
      | recommended\s*: | related\s*: | related\s+(?:articles?|stories|content)\b | see\s+also\b
      | (?:for\s+(?:a|an)\s+(?:very\s+|quite\s+|entirely\s+)?
            (?:different|opposing|alternative|other)\s+
            (?:take|view|perspective|opinion|angle)(?:\s+on\s+this)?,?\s+(?:read|see|watch))
      | watch\s*: | listen\s*: | don'?t\s+miss\b | click\s+here\b | sign\s+up\b | subscribe\b
      | follow\s+us\b | join\s+(?:us|our)\b | get\s+(?:our|the)\s+(?:newsletter|app)\b
      | download\s+(?:our|the)\s+app\b | advertisement\s*$ | sponsored\b | trending\s*:
      | editor'?s\s+(?:pick|note)\s*: | this\s+story\s+continues\s+below\b
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"""(?:
        \b(?:opinions?|views?)\s+(?:of|expressed\s+(?:by|in))\s+(?:the\s+)?(?:authors?|writers?|contributors?)
      | \b(?:views?|opinions?)\s+expressed\b.{0,60}\b(?:own|authors?)\b
      | \b(?:does|do|may)\s+not\s+necessarily\s+reflect\b | \bnecessarily\s+reflect\b
      | \ball\s+rights\s+reserved\b | ^\s*(?:©|\(c\)|copyright\b)
      | \bthis\s+(?:article|story|post)\s+(?:was|has\s+been)\s+(?:updated|corrected|amended)\b
      | \bthis\s+(?:article|story)\s+(?:first\s+)?appeared\s+(?:in|on)\b
      | \bthis\s+(?:interview|conversation)\s+has\s+been\s+(?:edited|condensed|lightly\s+edited)\b
      | \bis\s+republished\s+(?:from|with\s+permission)\b
      | \bthe\s+(?:author|writer)\s+is\s+an?\b.{0,80}\b(?:at|of)\b
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_BYLINE = re.compile(
    rf"""^\s*(?:
        (?:by|written\s+by|words\s+by|reporting\s+by|additional\s+reporting\s+by|edited\s+by
          |editing\s+by|compiled\s+by)\s+[A-Z][\w.'\u2019-]+
      | (?:published|updated|posted|last\s+updated|first\s+published)(?:\s+on)?\s*:?\s*
          (?:{_MONTH}|\d|\w+day|today|yesterday)
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_SHARE_WORDS = re.compile(
    r"share|shares|tweet|email|e-mail|facebook|twitter|x|whatsapp|linkedin|print|copy|link"
    r"|pinterest|reddit|telegram|comments?|save|this|article|story|on|the|via|\d+|[|·•/,:]",
    re.IGNORECASE,
)
_SHARE_CUE = re.compile(r"\b(?:share|tweet|whatsapp|linkedin|pinterest|copy\s+link)\b", re.I)

MAX_CAPTION_CHARS = 400
MAX_BYLINE_CHARS = 160


def block_reason(block: Block) -> str | None:
    """Why a whole block is not prose, or None when it is."""
    text = block.text
    if len(text) <= MAX_CAPTION_CHARS:
        if _CREDIT.search(text):
            return "caption: photo credit"
        if _DATELINE_CAPTION.search(text) and text.count(". ") <= 1:
            return "caption: place and date line"
    reason = sentence_reason(text)
    if reason and (reason.startswith("promo") or len(text) <= MAX_CAPTION_CHARS):
        return reason
    if block.kind == BlockKind.HEADING:
        return "heading"
    return None


def sentence_reason(text: str) -> str | None:
    """Why one sentence is not prose, or None when it is."""
    match = _PROMO.match(text)
    if match:
        return f"promo: {' '.join(match.group().split()).rstrip(':')}"
    match = _DISCLAIMER.search(text)
    if match:
        return f"disclaimer: {' '.join(match.group().split())}"
    if len(text) <= MAX_BYLINE_CHARS and _BYLINE.match(text):
        return "byline"
    if len(text) <= 120 and _SHARE_CUE.search(text) and _only_share_words(text):
        return "share widget"
    if len(text) <= 60 and _CREDIT.match(text):
        return "caption: photo credit"
    return None


def _only_share_words(text: str) -> bool:
    words = re.findall(r"[\w'-]+|[|·•/,:]", text)
    return all(_SHARE_WORDS.fullmatch(word) for word in words)
