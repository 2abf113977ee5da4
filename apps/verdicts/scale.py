"""The default rating scale, seeded by a data migration; editors may change it afterwards."""

from django.apps import apps as global_apps

DEFAULT_SCALE = [
    # label, colour, ratingValue, alternateName, description
    ("True", "#1b7f3b", 5, "True", "The claim is accurate and nothing significant is missing."),
    ("Mostly true", "#6aa84f", 4, "Mostly true", "Accurate but needs clarification or context."),
    ("Half true", "#f1c232", 3, "Half true", "Partially accurate; leaves out important details."),
    ("Mostly false", "#e69138", 2, "Mostly false", "Contains an element of truth but misleads."),
    ("False", "#cc0000", 1, "False", "The claim is not accurate."),
    ("Misleading", "#8e4585", 2, "Misleading", "Accurate facts arranged to give a false picture."),
    (
        "Unverifiable",
        "#7f7f7f",
        3,
        "Unverifiable",
        "The evidence available can neither prove nor disprove it.",
    ),
]


def rating_scale_seed(apps=global_apps) -> None:
    """Add the default ratings that are missing; existing rows (perhaps edited) are left alone."""
    Rating = apps.get_model("verdicts", "Rating")
    for order, (label, colour, value, alternate, description) in enumerate(DEFAULT_SCALE, 1):
        if Rating.objects.filter(label=label).exists():
            continue
        if Rating.objects.filter(order=order).exists():
            order = (Rating.objects.order_by("-order").values_list("order", flat=True).first()) + 1
        Rating.objects.create(
            label=label,
            order=order,
            colour=colour,
            rating_value=value,
            best_rating=5,
            worst_rating=1,
            alternate_name=alternate,
            description=description,
        )
