"""Reading other organisations' ClaimReview JSON-LD into external prior checks.

Accepts what publishers actually serve: one ClaimReview, a list of them, a schema.org DataFeed
(like our own, apps.verdicts.claimreview.claim_review_feed) or an `@graph`. Each review is
checked on its own: a bad record is reported with its position and skipped, the rest are
imported. Records are keyed by their URL, so importing the same feed twice changes nothing, and
a file that is not ClaimReview JSON at all is refused before anything is written.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import transaction

from apps.verdicts.models import ExternalFactCheck
from factcheck.errors import BadInput

FIELDS = (
    "claim_text",
    "rating",
    "rating_value",
    "best_rating",
    "worst_rating",
    "organization",
    "published_on",
)


class ClaimReviewFileError(BadInput):
    """The file is not ClaimReview JSON-LD."""


@dataclass
class ClaimReviewImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (position, why)


def _is_type(node, name: str) -> bool:
    kind = node.get("@type") if isinstance(node, dict) else None
    return kind == name or (isinstance(kind, list) and name in kind)


def claim_review_nodes(data) -> list[tuple[str, object]]:
    """(position, node) for every record in the document, in order; raises ClaimReviewFileError
    when the document holds no place reviews could be."""
    if isinstance(data, list):
        return [(f"[{i}]", node) for i, node in enumerate(data)]
    if not isinstance(data, dict):
        raise ClaimReviewFileError("Expected a ClaimReview, a list of them or a DataFeed.")
    if _is_type(data, "DataFeed"):
        elements = data.get("dataFeedElement")
        if not isinstance(elements, list):
            raise ClaimReviewFileError("The DataFeed has no dataFeedElement list.")
        nodes = []
        for i, element in enumerate(elements):
            inner = element.get("item") if _is_type(element, "DataFeedItem") else element
            if isinstance(inner, list):
                nodes += [(f"dataFeedElement[{i}].item[{j}]", n) for j, n in enumerate(inner)]
            else:
                nodes.append((f"dataFeedElement[{i}]", inner))
        return nodes
    if isinstance(data.get("@graph"), list):
        return [(f"@graph[{i}]", node) for i, node in enumerate(data["@graph"])]
    if _is_type(data, "ClaimReview"):
        return [("the review", data)]
    raise ClaimReviewFileError(
        f"Expected a ClaimReview, a list of them or a DataFeed, not {data.get('@type')!r}."
    )


def _number(value, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadInput(f"{name} {value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise BadInput(f"{name} {value!r} is not a number")
    return number


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadInput(f"datePublished {value!r} is not a date")
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise BadInput(f"datePublished {value!r} is not a date like 2024-03-01") from None


def _name(author) -> str:
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    return author.strip()[:200] if isinstance(author, str) else ""


def claim_review_record(node) -> dict:
    """The ExternalFactCheck fields of one ClaimReview node; BadInput says what is wrong."""
    if not _is_type(node, "ClaimReview"):
        found = node.get("@type") if isinstance(node, dict) else type(node).__name__
        raise BadInput(f"not a ClaimReview (found {found!r})")
    url = node.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise BadInput("url is missing or not an http(s) address")
    if len(url) > 2000:
        raise BadInput("url is longer than 2,000 characters")
    text = node.get("claimReviewed")
    if not isinstance(text, str) or not text.strip():
        raise BadInput("claimReviewed is missing or empty")
    if "\x00" in text:
        raise BadInput("claimReviewed contains a NUL character")
    rating = node.get("reviewRating") or {}
    if not isinstance(rating, dict):
        raise BadInput("reviewRating is not an object")
    label = rating.get("alternateName") or rating.get("name") or ""
    return {
        "url": url,
        "claim_text": text.strip(),
        "rating": label.strip()[:200] if isinstance(label, str) else "",
        "rating_value": _number(rating.get("ratingValue"), "ratingValue"),
        "best_rating": _number(rating.get("bestRating"), "bestRating"),
        "worst_rating": _number(rating.get("worstRating"), "worstRating"),
        "organization": _name(node.get("author")),
        "published_on": _date(node.get("datePublished")),
    }


def claim_reviews_load(raw: bytes) -> object:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ClaimReviewFileError(f"Not UTF-8 text (byte {exc.start}).") from None
    except json.JSONDecodeError as exc:
        raise ClaimReviewFileError(
            f"Not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None


def claim_reviews_import(*, data) -> ClaimReviewImport:
    """Store the document's ClaimReviews as external fact-checks, keyed by URL. Valid records
    are written in one transaction; the invalid ones are listed in the result."""
    report = ClaimReviewImport()
    records: dict[str, dict] = {}
    for position, node in claim_review_nodes(data):
        try:
            record = claim_review_record(node)
        except BadInput as exc:
            report.skipped.append((position, exc.message))
            continue
        records[record.pop("url")] = record  # a URL twice in one file: the last one wins
    with transaction.atomic():
        existing = {
            fc.url: fc
            for fc in ExternalFactCheck.objects.select_for_update().filter(url__in=list(records))
        }
        new = []
        for url, record in records.items():
            found = existing.get(url)
            if found is None:
                new.append(ExternalFactCheck(url=url, **record))
            elif any(getattr(found, name) != record[name] for name in FIELDS):
                for name in FIELDS:
                    setattr(found, name, record[name])
                found.save()
                report.updated += 1
            else:
                report.unchanged += 1
        ExternalFactCheck.objects.bulk_create(new)
        report.created = len(new)
    return report
