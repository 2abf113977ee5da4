"""Claim kinds and statuses. Kept apart from the models so that extraction, which is pure Python,
can name them without loading Django's app registry."""

from django.db import models


class ClaimKind(models.TextChoices):
    STATISTIC = "statistic", "Statistic"
    EVENT = "event", "Event"
    ATTRIBUTION = "attribution", "Attribution"
    COMPARISON = "comparison", "Comparison"
    CAUSAL = "causal", "Causal"
    PREDICTION = "prediction", "Prediction"
    OPINION = "opinion", "Opinion"


class ClaimStatus(models.TextChoices):
    OPEN = "open", "Open"
    NOT_CHECKWORTHY = "not_checkworthy", "Not check-worthy"
    STALE = "stale", "Stale (gone from the text)"


class ClaimOrigin(models.TextChoices):
    EXTRACTED = "extracted", "Found by the scorer"
    REVIEWER = "reviewer", "Added by a reviewer"
