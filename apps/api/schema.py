"""The OpenAPI description of the public payloads, which are built as plain dicts by
apps.verdicts.claimsets and apps.verdicts.claimreview (so that frozen versions and live sets share
one shape). These serializers only document; Schemathesis checks in tests/api that the real
responses match them."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from apps.api.filters import MAX_ID
from apps.claims.models import ClaimKind
from apps.sources.models import CitationStance
from apps.verdicts.models import Verdict


def _named(name: str, fields: dict) -> type[serializers.Serializer]:
    """A documentation serializer whose field names need not be identifiers (JSON-LD "@type")."""
    return type(name, (serializers.Serializer,), dict(fields))


class RatingOut(serializers.Serializer):
    label = serializers.CharField()
    rating_value = serializers.IntegerField()
    best_rating = serializers.IntegerField()
    worst_rating = serializers.IntegerField()
    alternate_name = serializers.CharField()
    colour = serializers.CharField()


class PublicVerdictOut(serializers.Serializer):
    state = serializers.ChoiceField(choices=[(s, s.label) for s in Verdict.PUBLIC_STATES])
    rating = RatingOut()
    summary = serializers.CharField()
    published_at = serializers.DateTimeField()
    corrected_at = serializers.DateTimeField(allow_null=True)
    retracted_at = serializers.DateTimeField(allow_null=True)
    correction_note = serializers.CharField(allow_blank=True)


class SnapshotOut(serializers.Serializer):
    sha256 = serializers.CharField()
    archived_at = serializers.DateTimeField()
    warc = serializers.CharField(help_text="Link to the WARC file of the archived copy.")


class PublicCitationOut(serializers.Serializer):
    url = serializers.URLField()
    title = serializers.CharField(allow_blank=True)
    publisher = serializers.CharField(allow_blank=True, required=False)
    stance = serializers.ChoiceField(choices=CitationStance.choices)
    excerpt = serializers.CharField(allow_blank=True)
    snapshot = SnapshotOut(allow_null=True, help_text="The archived copy, when there is one.")


class ClaimSetClaimOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    start = serializers.IntegerField(help_text="Character offset in the article body.")
    end = serializers.IntegerField(help_text="Offset one past the claim's last character.")
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    verdict = PublicVerdictOut()
    citations = PublicCitationOut(many=True)


class ClaimSetArticleOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    canonical_url = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    content_sha256 = serializers.CharField()


class ClaimSetOut(serializers.Serializer):
    """An article's verified claim set: only claims with a public verdict."""

    article = ClaimSetArticleOut()
    claims = ClaimSetClaimOut(many=True)


class ClaimOut(ClaimSetClaimOut):
    article = serializers.IntegerField(help_text="The article's id.")
    claimreview = serializers.CharField(
        allow_null=True, help_text="This claim's ClaimReview, unless its verdict was retracted."
    )


class ArticleOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="The article's verified claim set.")
    title = serializers.CharField()
    canonical_url = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    author = serializers.CharField(allow_blank=True)
    published_on = serializers.DateField(allow_null=True)
    claims = serializers.IntegerField(help_text="Claims with a published or corrected verdict.")
    ratings = serializers.DictField(
        child=serializers.IntegerField(), help_text="Claims per rating label."
    )
    retracted = serializers.IntegerField(help_text="Claims whose verdict was retracted.")
    latest_version = serializers.IntegerField(
        allow_null=True, help_text="Number of the newest frozen claim-set version."
    )


class VersionOut(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)
    url = serializers.CharField(help_text="This version, exactly as it was frozen.")


_Organization = _named(
    "ClaimReviewOrganization",
    {
        "@type": serializers.CharField(),
        "name": serializers.CharField(),
        "url": serializers.URLField(),
    },
)
_Rating = _named(
    "ClaimReviewRating",
    {
        "@type": serializers.CharField(),
        "ratingValue": serializers.IntegerField(),
        "bestRating": serializers.IntegerField(),
        "worstRating": serializers.IntegerField(),
        "alternateName": serializers.CharField(),
    },
)
_Appearance = _named(
    "ClaimReviewAppearance",
    {
        "@type": serializers.CharField(),
        "url": serializers.URLField(required=False),
        "headline": serializers.CharField(),
    },
)
_Person = _named(
    "ClaimReviewPerson", {"@type": serializers.CharField(), "name": serializers.CharField()}
)
_ItemReviewed = _named(
    "ClaimReviewItem",
    {
        "@type": serializers.CharField(),
        "appearance": _Appearance(),
        "author": _Person(required=False),
        "datePublished": serializers.DateField(required=False),
    },
)
_REVIEW_FIELDS = {
    "@type": serializers.CharField(),
    "url": serializers.URLField(),
    "claimReviewed": serializers.CharField(),
    "datePublished": serializers.DateField(),
    "dateModified": serializers.DateTimeField(required=False),
    "author": _Organization(),
    "reviewRating": _Rating(),
    "itemReviewed": _ItemReviewed(),
}
ClaimReviewOut = _named("ClaimReview", {"@context": serializers.CharField(), **_REVIEW_FIELDS})
_FeedReview = _named("ClaimReviewInFeed", _REVIEW_FIELDS)
_FeedItem = _named(
    "DataFeedItem",
    {
        "@type": serializers.CharField(),
        "dateCreated": serializers.DateTimeField(),
        "item": _FeedReview(),
    },
)
ClaimReviewFeedOut = _named(
    "ClaimReviewFeed",
    {
        "@context": serializers.CharField(),
        "@type": serializers.CharField(),
        "name": serializers.CharField(),
        "dateModified": serializers.DateTimeField(),
        "dataFeedElement": _FeedItem(many=True),
    },
)


VERSION_PARAMETER = OpenApiParameter(
    "version",
    int,
    description="Return this frozen version exactly as it was published.",
    required=False,
)

ERROR_STATUSES = {
    "400": "Invalid input: a bad filter, cursor, ordering or JSON body.",
    "401": "Authentication is needed (see WWW-Authenticate).",
    "403": "Authenticated, but not allowed.",
    "404": "No such resource, or it is not public.",
    "409": "Changed by someone else since you loaded it (optimistic locking).",
    "413": "The request body is too large.",
    "429": "Too many requests from an anonymous client; see Retry-After.",
}
_READ_ERRORS = ("400", "401", "403", "404", "429")


def document_error_responses(result, generator, request, public):
    """Postprocessing hook: every operation documents the JSON error shape for the statuses it
    can answer with (reads cannot conflict or be too large), and ids in paths are integers."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "detail": {"type": "string"},
                "errors": {"type": "object", "additionalProperties": {}},
            },
            "required": ["status", "code", "detail"],
        },
    )
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("pattern") == r"^\d+$":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            statuses = _READ_ERRORS if method == "get" else tuple(ERROR_STATUSES)
            responses = operation.setdefault("responses", {})
            # errors come in any JSON flavour the client may ask for (e.g. application/ld+json)
            flavours = {
                media
                for code, response in responses.items()
                if code.startswith("2")
                for media in response.get("content", {})
                if media.endswith("json")
            } | {"application/json"}
            content = {media: {"schema": ref} for media in sorted(flavours)}
            for code in statuses:
                responses.setdefault(
                    code, {"description": ERROR_STATUSES[code], "content": content}
                )
    return result
