from django.conf import settings
from django.db import models


class Article(models.Model):
    """A piece of journalism under review. The body is stored exactly as imported: claim offsets
    index into it, so it is never edited in place (a changed text is a new Article)."""

    class Origin(models.TextChoices):
        FILE = "file", "File"
        TEXT = "text", "Pasted text"
        URL = "url", "URL"

    title = models.CharField(max_length=500)
    body = models.TextField()
    canonical_url = models.URLField(max_length=2048, blank=True)
    language = models.CharField(max_length=16, default="en")
    author = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.TEXT)
    content_sha256 = models.CharField(
        max_length=64, unique=True, editable=False, help_text="sha256 of the UTF-8 body."
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extracted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_sha256__regex=r"^[0-9a-f]{64}$"),
                name="article_sha256_hex",
            ),
            models.CheckConstraint(condition=~models.Q(body=""), name="article_body_not_empty"),
            models.CheckConstraint(condition=~models.Q(title=""), name="article_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title
