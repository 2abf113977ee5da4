from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Rating(models.Model):
    """One step of the newsroom's rating scale, with its ClaimReview numbers."""

    label = models.CharField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(unique=True, help_text="Position on the scale.")
    colour = models.CharField(max_length=7, help_text="Hex colour, e.g. #2e7d32.")
    rating_value = models.PositiveSmallIntegerField()
    best_rating = models.PositiveSmallIntegerField(default=5)
    worst_rating = models.PositiveSmallIntegerField(default=1)
    alternate_name = models.CharField(max_length=120, help_text="ClaimReview alternateName.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="rating_colour_hex"
            ),
            models.CheckConstraint(
                condition=models.Q(worst_rating__lte=models.F("rating_value"))
                & models.Q(rating_value__lte=models.F("best_rating")),
                name="rating_value_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class VerdictState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    CORRECTED = "corrected", "Published with correction"
    CORRECTION_DRAFTED = "correction_drafted", "Correction awaiting approval"
    CORRECTION_APPROVED = "correction_approved", "Correction approved"
    RETRACTED = "retracted", "Retracted"


# The groups of states the rest of the workbench asks about, named once. Lists (not tuples) so the
# constraints below compare equal to the ones in the migrations.
_S = VerdictState
# The author may still edit the verdict.
EDITABLE_STATES = [_S.DRAFT, _S.CHANGES_REQUESTED]
# The public may see the verdict (a retracted one is shown as retracted).
# While a correction is drafted and approved the published text stays public, unchanged.
CORRECTION_STATES = [_S.CORRECTION_DRAFTED, _S.CORRECTION_APPROVED]
PUBLIC_STATES = [_S.PUBLISHED, _S.CORRECTED, *CORRECTION_STATES, _S.RETRACTED]
# Published and standing: what readers and feeds count.
LIVE_PUBLIC_STATES = [_S.PUBLISHED, _S.CORRECTED, *CORRECTION_STATES]
# The claim's verdict: every state but retracted (at most one per claim, by constraint).
LIVE_STATES = [s for s in _S if s != _S.RETRACTED]
# Live and out of the author's hands: the claim's status is frozen while one exists.
UNDER_WAY_STATES = [s for s in LIVE_STATES if s not in EDITABLE_STATES]
# Submitted or signed off: a change to the claim's evidence sends it back to its author.
REVIEWED_STATES = [_S.SUBMITTED, _S.APPROVED]
# Published and standing with no correction under way: its evidence is frozen.
FROZEN_STATES = [_S.PUBLISHED, _S.CORRECTED]
# An editor has signed it off: approver, rating and approval time are set.
APPROVED_STATES = [_S.APPROVED, *PUBLIC_STATES]

# When the workflow's steps last happened, in workflow order (admin, API, reports, CSV).
STEP_TIMES = ["submitted_at", "approved_at", "published_at", "corrected_at", "retracted_at"]
# What only the services write: read-only wherever a verdict is shown.
SERVICE_FIELDS = [
    "state",
    "version",
    "correction_note",
    "author",
    "approver",
    "last_editor",
    "pending_rating",
    "pending_summary",
    "pending_note",
    "correction_approver",
    "created_at",
    "updated_at",
    *STEP_TIMES,
]


class Verdict(models.Model):
    """A reviewer's finding on a claim. States change only through apps.verdicts.services, along
    the steps of apps.verdicts.workflow."""

    State = VerdictState

    EDITABLE_STATES = EDITABLE_STATES
    PUBLIC_STATES = PUBLIC_STATES
    LIVE_PUBLIC_STATES = LIVE_PUBLIC_STATES
    LIVE_STATES = LIVE_STATES
    UNDER_WAY_STATES = UNDER_WAY_STATES
    CORRECTION_STATES = CORRECTION_STATES
    REVIEWED_STATES = REVIEWED_STATES
    FROZEN_STATES = FROZEN_STATES
    STEP_TIMES = STEP_TIMES
    SERVICE_FIELDS = SERVICE_FIELDS

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="verdicts")
    rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.PROTECT, related_name="verdicts"
    )
    summary = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_verdicts"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_verdicts",
    )
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who last changed the text, rating or evidence; never its approver.",
    )
    pending_rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pending_summary = models.TextField(blank=True, help_text="A drafted correction's summary.")
    pending_note = models.TextField(blank=True, help_text="A drafted correction's public note.")
    correction_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_evidence = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The citations as they were when the verdict (or its correction) was published.",
    )
    archive_override = models.TextField(
        blank=True,
        help_text="Why the verdict may be published although a cited source is not archived.",
    )
    correction_note = models.TextField(blank=True, help_text="Public note on a correction.")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=VerdictState.values), name="verdict_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(approver__isnull=True) | ~models.Q(approver=models.F("author")),
                name="verdict_two_person_rule",
            ),
            # Whoever last changed the text, rating or evidence is an author too.
            models.CheckConstraint(
                condition=models.Q(approver__isnull=True)
                | models.Q(last_editor__isnull=True)
                | ~models.Q(approver=models.F("last_editor"))
                | models.Q(state__in=CORRECTION_STATES),
                name="verdict_approver_not_last_editor",
            ),
            models.CheckConstraint(
                condition=models.Q(correction_approver__isnull=True)
                | ~models.Q(correction_approver=models.F("last_editor")),
                name="verdict_correction_two_person_rule",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=VerdictState.CORRECTION_APPROVED)
                | models.Q(correction_approver__isnull=False),
                name="verdict_correction_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=APPROVED_STATES)
                | models.Q(approver__isnull=False, rating__isnull=False, approved_at__isnull=False),
                name="verdict_approved_has_approver_and_rating",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=PUBLIC_STATES)
                | (models.Q(published_at__isnull=False) & ~models.Q(summary="")),
                name="verdict_published_complete",
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=~models.Q(state=VerdictState.RETRACTED),
                name="verdict_one_live_per_claim",
            ),
        ]
        indexes = [models.Index(fields=["state", "-published_at"], name="verdict_state_published")]
        permissions = [
            ("approve_verdict", "Can approve verdicts and request changes"),
            ("publish_verdict", "Can publish, correct and retract verdicts"),
        ]

    def __str__(self) -> str:
        return f"{self.rating or 'Unrated'} ({self.get_state_display()})"


class TransitionKind(models.TextChoices):
    STEP = "step", "Workflow step"
    EDIT = "edit", "Edited"
    EVIDENCE = "evidence", "Evidence changed"


class VerdictTransition(models.Model):
    """Who moved a verdict from one state to another, when, and why. Edits and evidence changes
    are logged too: whoever made one since the last approval counts as an author."""

    Kind = TransitionKind

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=Verdict.State.choices)
    to_state = models.CharField(max_length=20, choices=Verdict.State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    kind = models.CharField(max_length=8, choices=TransitionKind.choices, default="step")

    class Meta:
        ordering = ["verdict_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state} by {self.by}"


class ClaimSetVersion(models.Model):
    """A frozen, numbered copy of an article's verified claim set, made at each publication, so
    consumers can cite a stable set and compare versions."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="claim_set_versions"
    )
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    payload = models.JSONField()

    class Meta:
        ordering = ["article_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="claimset_version_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="claimset_number_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.article} v{self.number}"


class ExternalFactCheck(models.Model):
    """A fact-check published by another organisation, imported from its ClaimReview markup, so a
    claim it already settled is recognised here as a prior check."""

    url = models.URLField(max_length=2000, unique=True, help_text="The review's own address.")
    claim_text = models.TextField()
    rating = models.CharField(max_length=200, blank=True, help_text="Its rating's alternateName.")
    rating_value = models.FloatField(null=True, blank=True)
    best_rating = models.FloatField(null=True, blank=True)
    worst_rating = models.FloatField(null=True, blank=True)
    organization = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(claim_text=""), name="factcheck_has_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.organization or 'External'}: {self.claim_text[:60]}"


class PriorCheckState(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class PriorCheckMatch(models.Model):
    """A claim that may have been checked before: either another claim with a published verdict
    or an imported external fact-check. A reviewer's decision is kept, so a rejected match is
    never suggested again and a confirmed one stays linked."""

    State = PriorCheckState

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, related_name="prior_matches"
    )
    prior_claim = models.ForeignKey(
        "claims.Claim", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    external = models.ForeignKey(
        ExternalFactCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="matches"
    )
    score = models.FloatField(help_text="How alike the two claims are, 0 to 1.")
    reasons = models.JSONField(default=dict, blank=True, help_text="Why they were matched.")
    state = models.CharField(
        max_length=16, choices=PriorCheckState.choices, default=PriorCheckState.SUGGESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["claim_id", "-score"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=PriorCheckState.values), name="priorcheck_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(prior_claim__isnull=True, external__isnull=False)
                | models.Q(prior_claim__isnull=False, external__isnull=True),
                name="priorcheck_one_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(prior_claim=models.F("claim")), name="priorcheck_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=1),
                name="priorcheck_score_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(state=PriorCheckState.SUGGESTED)
                | models.Q(decided_at__isnull=False),
                name="priorcheck_decided_has_time",
            ),
            models.UniqueConstraint(
                fields=["claim", "prior_claim"], name="priorcheck_unique_claim"
            ),
            models.UniqueConstraint(
                fields=["claim", "external"], name="priorcheck_unique_external"
            ),
        ]
        indexes = [models.Index(fields=["state", "-score"], name="priorcheck_state_score")]

    def __str__(self) -> str:
        return f"{self.claim_id} ~ {self.prior_claim_id or self.external_id} ({self.state})"


PUBLIC_NAME_DEFAULT = "Fact-check desk"


class StaffProfile(models.Model):
    """The name a staff member is shown under in reports and the API: never their username."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    public_name = models.CharField(
        max_length=120,
        default=PUBLIC_NAME_DEFAULT,
        help_text="Shown to the public as author or approver.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(public_name=""), name="staffprofile_public_name_set"
            )
        ]

    def __str__(self) -> str:
        return self.public_name
