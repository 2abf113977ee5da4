"""Input validation for the write endpoints and the staff view of verdicts and citations.
Shape and type checks only: every rule (who may, in which state) lives in the services."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.api.strict import (
    StrictCharField,
    StrictInput,
    StrictIntegerField,
    StrictPrimaryKeyRelatedField,
    StrictURLField,
)
from apps.articles.models import Article
from apps.claims.models import Claim
from apps.sources.models import Citation, CitationStance
from apps.sources.selectors import citation_archive_status, snapshot_status
from apps.verdicts.models import Rating, Verdict


class RatingField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Rating.objects.all())
        super().__init__(slug_field="label", **kwargs)


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field=get_user_model().USERNAME_FIELD, read_only=True, **kwargs)


# --- articles ------------------------------------------------------------------------------


class ArticleImportSerializer(StrictInput):
    """Either `body` (pasted text) or `url` (fetched, then its main text imported)."""

    body = StrictCharField(required=False, trim_whitespace=False)
    url = StrictURLField(required=False, max_length=2048)
    title = StrictCharField(required=False, allow_blank=True, max_length=500, default="")
    canonical_url = StrictURLField(required=False, allow_blank=True, max_length=2048, default="")

    def validate(self, attrs):
        if ("body" in attrs) == ("url" in attrs):
            raise serializers.ValidationError("Give either `body` (the text) or `url`, not both.")
        return attrs


class ExtractedClaimSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claim
        fields = ["id", "text", "start", "end", "kind", "score", "status"]


class ArticleImportedSerializer(serializers.ModelSerializer):
    claims = ExtractedClaimSerializer(many=True, read_only=True)
    created = serializers.BooleanField(help_text="False when the same text was imported before.")

    class Meta:
        model = Article
        fields = ["id", "title", "canonical_url", "origin", "content_sha256", "created", "claims"]


# --- citations -----------------------------------------------------------------------------


class CitationCreateSerializer(StrictInput):
    url = StrictCharField(max_length=2048)
    stance = serializers.ChoiceField(choices=CitationStance.choices)
    excerpt = StrictCharField(required=False, allow_blank=True, default="")
    note = StrictCharField(required=False, allow_blank=True, default="")


class StaffSnapshotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    sha256 = serializers.CharField()
    fetched_at = serializers.DateTimeField(allow_null=True)


class CitationSerializer(serializers.ModelSerializer):
    """A citation as staff see it, with the reviewer's note."""

    url = serializers.CharField(source="source.url")
    title = serializers.CharField(source="source.title")
    added_by = UsernameField()
    snapshot = StaffSnapshotSerializer(allow_null=True)
    archive = serializers.SerializerMethodField(
        help_text='Where archiving stands, e.g. "queued, will be archived when the queue is back".'
    )

    class Meta:
        model = Citation
        fields = [
            "id",
            "claim",
            "url",
            "title",
            "stance",
            "excerpt",
            "note",
            "added_by",
            "snapshot",
            "archive",
            "excerpt_found",
            "created_at",
        ]

    def get_archive(self, citation: Citation) -> str:
        """The capture it was checked against; for a citation just added (context
        `with_active`), also the capture under way, one query more."""
        if citation.snapshot_id:
            return snapshot_status(citation.snapshot)
        if self.context.get("with_active"):
            return citation_archive_status(citation)
        return "waiting for a capture"


# --- verdicts ------------------------------------------------------------------------------


class VerdictClaimSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claim
        fields = ["id", "article", "text", "kind", "status"]


class VerdictSerializer(serializers.ModelSerializer):
    """A verdict in any state, for staff. `version` goes back with every edit or transition."""

    claim = VerdictClaimSerializer(read_only=True)
    rating = RatingField(read_only=True)
    author = UsernameField()
    approver = UsernameField(allow_null=True)
    last_editor = UsernameField(allow_null=True)
    correction_approver = UsernameField(allow_null=True)
    pending_rating = RatingField(read_only=True)
    author_name = serializers.CharField(read_only=True, help_text="The author's public name.")
    approver_name = serializers.CharField(
        read_only=True, help_text="The approver's public name; empty before approval."
    )

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "rating",
            "summary",
            "archive_override",
            *Verdict.SERVICE_FIELDS,
            "author_name",
            "approver_name",
        ]
        read_only_fields = fields


class VerdictCreateSerializer(StrictInput):
    claim = StrictPrimaryKeyRelatedField(queryset=Claim.objects.all())
    rating = RatingField(required=False, allow_null=True, default=None)
    summary = StrictCharField(required=False, allow_blank=True, default="")


class VerdictUpdateSerializer(StrictInput):
    """An edit of a draft. Fields left out keep their value; `version` is the one you loaded."""

    version = StrictIntegerField(min_value=1, max_value=2**31 - 1)
    rating = RatingField(required=False, allow_null=True)
    summary = StrictCharField(required=False, allow_blank=True)
    archive_override = StrictCharField(required=False, allow_blank=True)


class _Versioned(StrictInput):
    version = StrictIntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        default=None,
        help_text="The version you loaded; refused with 409 if the verdict changed since.",
    )


class TransitionSerializer(_Versioned):
    comment = StrictCharField(required=False, allow_blank=True, default="")


class CorrectionSerializer(_Versioned):
    note = StrictCharField(allow_blank=True, help_text="Public note saying what changed.")
    rating = RatingField(required=False, allow_null=True, default=None)
    summary = StrictCharField(required=False, allow_blank=True, allow_null=True, default=None)


class RetractionSerializer(_Versioned):
    note = StrictCharField(allow_blank=True, help_text="Public note saying why.")


# What the responses show is what a client might send back: named as read-only when refused.
StrictInput.read_only_names = frozenset(
    [
        *VerdictSerializer.Meta.fields,
        *CitationSerializer.Meta.fields,
        *ArticleImportedSerializer.Meta.fields,
    ]
)
