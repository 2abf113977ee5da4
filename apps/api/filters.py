"""Query-string filters. A value that does not parse (a bad date, an unknown rating or kind, an
unknown ordering field) is a 400 with the field named, never silently ignored."""

import django_filters
from django import forms
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from apps.claims.models import ClaimKind
from apps.verdicts.models import Rating, Verdict

MAX_ID = 2**63 - 1


class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictOrderingFilter(OrderingFilter):
    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",")]
            valid = {
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            }
            unknown = [f for f in fields if f.lstrip("-") not in valid]
            if unknown:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Cannot order by {', '.join(unknown)}; "
                            f"use one of {', '.join(sorted(valid))} (prefix - to reverse)."
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)


class ClaimFilter(django_filters.FilterSet):
    article = IdFilter(field_name="article_id", help_text="Only claims of this article (id).")
    rating = django_filters.ModelChoiceFilter(
        queryset=Rating.objects.all(),
        to_field_name="label",
        method="filter_rating",
        help_text="Rating label of the current published verdict, e.g. `Mostly true`.",
    )
    kind = django_filters.ChoiceFilter(choices=ClaimKind.choices)
    state = django_filters.ChoiceFilter(
        field_name="verdict_state",
        choices=[
            (s, Verdict.State(s).label)
            for s in Verdict.PUBLIC_STATES
            if s not in Verdict.CORRECTION_STATES  # under way: shown as the state it replaces
        ],
        help_text="State of the current public verdict.",
    )
    published_after = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="ISO 8601 date or date-time."
    )
    published_before = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="ISO 8601 date or date-time."
    )
    q = django_filters.CharFilter(
        field_name="text", lookup_expr="icontains", max_length=200, help_text="Text search."
    )

    def filter_rating(self, queryset, name, value: str):
        return queryset.filter(
            rating_label=value.label, verdict_state__in=Verdict.LIVE_PUBLIC_STATES
        )


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", max_length=200, help_text="Title search."
    )


class VerdictFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Verdict.State.choices)
    article = IdFilter(field_name="claim__article_id", help_text="Only verdicts on this article.")
    claim = IdFilter(field_name="claim_id", help_text="Only verdicts on this claim.")
