from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from simple_history.models import HistoricalRecords


class SourceHealth(models.TextChoices):
    UNKNOWN = "unknown", "Not checked yet"
    LIVE = "live", "Live"
    CHANGED = "changed", "Changed since archived"
    DEAD = "dead", "Dead"


class SnapshotState(models.TextChoices):
    QUEUED = "queued", "Queued"
    FETCHING = "fetching", "Fetching"
    ARCHIVED = "archived", "Archived"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Blocked"


class RenderState(models.TextChoices):
    NONE = "none", "Not rendered"
    PENDING = "pending", "Render queued"
    RUNNING = "running", "Rendering"
    COMPLETE = "complete", "Rendered"
    PARTIAL = "partial", "Rendered, some parts missing"
    FAILED = "failed", "Render failed"


class CitationStance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Context"


class Source(models.Model):
    """A piece of evidence on the web, one row per normalised URL."""

    Health = SourceHealth

    url = models.URLField(max_length=2048, unique=True, help_text="Normalised URL.")
    domain = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    health = models.CharField(max_length=8, choices=Health.choices, default=Health.UNKNOWN)
    health_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    health_reason = models.CharField(
        max_length=500, blank=True, editable=False, help_text="Why the last health check said so."
    )
    passages_fetched_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the capture whose text is indexed as this source's passages was fetched "
        "(also when that text gave no passages): an older capture never replaces it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain", "url"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(url__startswith="http://")
                | models.Q(url__startswith="https://"),
                name="source_url_http",
            ),
            models.CheckConstraint(
                condition=models.Q(health__in=SourceHealth.values), name="source_health_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Snapshot(models.Model):
    """One attempt to fetch and archive a source. The row, not the broker, is the job's truth:
    workers claim it with a conditional UPDATE from QUEUED to FETCHING."""

    State = SnapshotState

    ACTIVE_STATES = (State.QUEUED, State.FETCHING)
    FINAL_STATES = (State.ARCHIVED, State.FAILED, State.BLOCKED)

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="snapshots")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a fetch message for this row was last handed to the broker (empty: "
        "never, e.g. the broker was down; the sweep sends it).",
    )
    lease_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="While fetching: the worker renews this lease; once it has passed, the worker "
        "is presumed dead and the sweep re-queues the row.",
    )
    fetched_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=2048, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(
        max_length=64,
        blank=True,
        help_text="sha256 of the response payload after content-decoding (gzip/deflate undone), "
        "i.e. the bytes a browser would render; the WARC keeps the payload as received.",
    )
    size = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    warc = models.FileField(upload_to="archives/", max_length=300, blank=True)
    text = models.TextField(blank=True, help_text="Main text extracted from the payload.")
    passages_due = models.BooleanField(
        default=False,
        editable=False,
        help_text="Its stored text waits for the passage indexer (apps.sources.passages).",
    )
    tls_subject = models.CharField(
        max_length=500,
        blank=True,
        default="",
        db_default="",
        help_text="Subject of the server's TLS certificate (https).",
    )
    tls_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        help_text="sha256 of the server's TLS certificate (DER).",
    )

    # The rendered capture (apps.sources.render): a second job after an archived fetch, with
    # its own claim and lease, so the sweep finishes a render whose worker died.
    render_state = models.CharField(
        max_length=8, choices=RenderState.choices, default=RenderState.NONE, editable=False
    )
    render_reason = models.CharField(max_length=500, blank=True, editable=False)
    render_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    render_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    render_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    render_lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    rendered_at = models.DateTimeField(null=True, blank=True, editable=False)
    screenshot = models.FileField(upload_to="renders/", max_length=300, blank=True)
    thumbnail = models.FileField(upload_to="renders/", max_length=300, blank=True)
    pdf = models.FileField(upload_to="renders/", max_length=300, blank=True)
    dom = models.FileField(upload_to="renders/", max_length=300, blank=True)
    render_warc = models.FileField(
        upload_to="archives/",
        max_length=300,
        blank=True,
        help_text="Request and response records of every subresource the page loaded.",
    )
    render_report = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Every subresource with its outcome (ok, failed, refused) and reason; page "
        "height, dialogs and popups.",
    )
    subresources_ok = models.PositiveIntegerField(default=0, editable=False)
    subresources_failed = models.PositiveIntegerField(default=0, editable=False)
    subresources_refused = models.PositiveIntegerField(default=0, editable=False)

    RENDER_ACTIVE_STATES = (RenderState.PENDING, RenderState.RUNNING)
    RENDER_DONE_STATES = (RenderState.COMPLETE, RenderState.PARTIAL)

    class Meta:
        ordering = ["-queued_at"]
        get_latest_by = "queued_at"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=SnapshotState.values),
                name="snapshot_state_valid",
            ),
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(state__in=["queued", "fetching"]),
                name="snapshot_one_active_per_source",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="archived")
                | (~models.Q(sha256="") & ~models.Q(warc="") & models.Q(fetched_at__isnull=False)),
                name="snapshot_archived_has_payload",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["failed", "blocked"]) | ~models.Q(reason=""),
                name="snapshot_failure_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(http_status__isnull=True)
                | (models.Q(http_status__gte=100) & models.Q(http_status__lte=599)),
                name="snapshot_http_status_range",
            ),
            models.CheckConstraint(
                condition=models.Q(render_state__in=RenderState.values),
                name="snapshot_render_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(render_state="none") | models.Q(state="archived"),
                name="snapshot_render_only_archived",
            ),
            models.CheckConstraint(
                condition=models.Q(passages_due=False) | models.Q(state="archived"),
                name="snapshot_passages_due_only_archived",
            ),
            models.CheckConstraint(
                condition=~models.Q(render_state__in=["partial", "failed"])
                | ~models.Q(render_reason=""),
                name="snapshot_render_gap_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(render_state__in=["complete", "partial"])
                | (~models.Q(screenshot="") & models.Q(rendered_at__isnull=False)),
                name="snapshot_rendered_has_screenshot",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "queued_at"], name="snapshot_state_queued"),
            models.Index(
                fields=["id"], condition=models.Q(passages_due=True), name="snapshot_passages_due"
            ),
            models.Index(
                fields=["render_state"],
                condition=models.Q(render_state__in=["pending", "running"]),
                name="snapshot_render_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} [{self.get_state_display()}]"


class Citation(models.Model):
    """A claim's use of a source: which way it points and the passage quoted from it."""

    Stance = CitationStance

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    stance = models.CharField(max_length=8, choices=CitationStance.choices)
    excerpt = models.TextField(blank=True, help_text="The passage quoted from the source.")
    note = models.TextField(blank=True, help_text="Reviewer's note; never published.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.ForeignKey(
        Snapshot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citations",
        help_text="The archived copy this citation was checked against.",
    )
    excerpt_found = models.BooleanField(
        null=True, blank=True, help_text="Whether the excerpt appears in the snapshot's text."
    )
    excerpt_still_found = models.BooleanField(
        null=True, blank=True, help_text="Whether the excerpt was present at the last health check."
    )
    excerpt_start = models.PositiveIntegerField(
        null=True, blank=True, help_text="Where the excerpt starts in the snapshot's text."
    )
    excerpt_end = models.PositiveIntegerField(
        null=True, blank=True, help_text="Offset one past the excerpt's end in the snapshot's text."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim_id", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source"], name="citation_claim_source_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(stance__in=CitationStance.values), name="citation_stance_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(excerpt_start__isnull=True, excerpt_end__isnull=True)
                | models.Q(excerpt_start__lt=models.F("excerpt_end"), snapshot__isnull=False),
                name="citation_excerpt_span_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"


class EnglishSearchVector(SearchVector):
    """to_tsvector('english', text) on PostgreSQL; NULL elsewhere, where the SQLite FTS5 table
    (kept by apps.sources.passages) does the searching. Lets the model keep one stored generated
    column on both databases."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


class Passage(models.Model):
    """A window of up to three consecutive sentences of a snapshot's text, for evidence search
    (apps.sources.passages says how they are cut); text is
    snapshot.text[start:end]. Written only by apps.sources.passages, which replaces a source's
    passages whenever a capture of it gets its text."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="passages")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages")
    position = models.PositiveIntegerField(help_text="Order of the passage in the snapshot.")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    search = models.GeneratedField(
        expression=EnglishSearchVector("text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["snapshot_id", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="passage_span_valid"
            ),
            models.UniqueConstraint(
                fields=["snapshot", "position"], name="passage_snapshot_position_unique"
            ),
        ]
        indexes = [models.Index(fields=["source"], name="passage_source")]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"
