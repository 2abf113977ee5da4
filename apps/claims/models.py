from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from simple_history.models import HistoricalRecords

from apps.claims.choices import ClaimKind, ClaimOrigin, ClaimStatus


class Claim(models.Model):
    """One check-worthy statement, tied to its exact span of the article body
    (article.body[start:end] == text)."""

    Kind = ClaimKind
    Status = ClaimStatus
    Origin = ClaimOrigin

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="claims")
    text = models.TextField()
    start = models.PositiveIntegerField(help_text="Character offset of the claim in the body.")
    end = models.PositiveIntegerField(help_text="Offset one past the claim's last character.")
    score = models.FloatField(help_text="Check-worthiness, 0 to 1.")
    kind = models.CharField(max_length=16, choices=ClaimKind.choices)
    reasons = models.JSONField(default=list, blank=True, help_text="Why it was flagged.")
    contributions = models.JSONField(
        default=list,
        blank=True,
        help_text="The learned features that moved the score most, strongest first: "
        '[{"feature": "voted against", "weight": 0.81}, ...] (signed log-odds).',
    )
    model_version = models.CharField(
        max_length=64, blank=True, default="", help_text="The scorer that scored this claim."
    )
    origin = models.CharField(
        max_length=16, choices=ClaimOrigin.choices, default=ClaimOrigin.EXTRACTED
    )
    status = models.CharField(max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    reviewed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a reviewer last decided whether this is a claim: added it from the text, "
        "marked it not a claim, or took that back. Empty while only the scorer has spoken.",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["article_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__gte=0) & models.Q(start__lt=models.F("end")),
                name="claim_span_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=1),
                name="claim_score_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ClaimKind.values), name="claim_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(origin__in=ClaimOrigin.values), name="claim_origin_valid"
            ),
            models.UniqueConstraint(fields=["article", "start", "end"], name="claim_span_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "-score"], name="claim_status_score"),
            models.Index(fields=["assignee", "status"], name="claim_assignee_status"),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"


COMMENT_MAX_CHARS = 4000


class ClaimComment(models.Model):
    """A staff member's note in a claim's conversation. Staff only: no public API, report, feed or
    export reads this table."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claim_comments"
    )
    body = models.TextField(max_length=COMMENT_MAX_CHARS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("body")), 0), name="claim_comment_not_blank"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), COMMENT_MAX_CHARS),
                name="claim_comment_length_cap",
            ),
        ]
        indexes = [models.Index(fields=["claim", "created_at"], name="claim_comment_thread")]

    def __str__(self) -> str:
        return f"{self.author} on claim {self.claim_id}"
