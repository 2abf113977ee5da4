"""The citation form: one URL, a stance, a quoted excerpt and a note.

Used by the claim admin's citation inline. Saving a new citation goes through
`services.citation_add` (normalisation, one Source per URL, archiving queued on commit); editing
one goes through `services.citation_update`. The reviewer is taken from `by=` (form kwarg or
attribute), else from the current request that django-simple-history's middleware records.
"""

from django import forms
from simple_history.models import HistoricalRecords

from apps.sources.models import Citation
from apps.sources.normalize import BadURL, url_normalise
from apps.sources.services import citation_add, citation_delete, citation_update


def request_user():
    """The signed-in user of the admin request being served (django-simple-history keeps it)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


class CitationForm(forms.ModelForm):
    url = forms.CharField(
        label="URL",
        max_length=2048,
        widget=forms.URLInput(attrs={"size": 60}),
        help_text="Tracking parameters and the #fragment are removed.",
    )

    class Meta:
        model = Citation
        fields = ["url", "stance", "excerpt", "note"]
        widgets = {
            "excerpt": forms.Textarea(attrs={"rows": 2, "cols": 50}),
            "note": forms.Textarea(attrs={"rows": 2, "cols": 40}),
        }

    def __init__(self, *args, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        if self.instance.pk:
            self.fields["url"].initial = self.instance.source.url
            self.fields["url"].disabled = True
            self.fields["url"].help_text = "To cite another URL, add a new citation."

    def clean_url(self):
        if self.instance.pk:
            return self.instance.source.url
        try:
            return url_normalise(self.cleaned_data["url"])
        except BadURL as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("url")
        claim_id = getattr(self.instance, "claim_id", None)
        if url and claim_id and not self.instance.pk:
            duplicate = Citation.objects.filter(claim_id=claim_id, source__url=url).exists()
            if duplicate:
                self.add_error("url", "This claim already cites that source.")
        return cleaned

    def _reviewer(self):
        return self.by if self.by is not None else request_user()

    def save(self, commit=True):
        """Hand the cleaned data to the service. What clean() could not foresee (a colleague
        citing the same source a moment earlier) is the service's refusal, which the admin shows
        as a message (factcheck.admin.ServiceRefusalsAsMessages)."""
        data = self.cleaned_data
        if self.instance.pk:
            saved = Citation.objects.select_related("snapshot").get(pk=self.instance.pk)
            citation = citation_update(
                citation=saved,
                stance=data["stance"],
                excerpt=data.get("excerpt", ""),
                note=data.get("note", ""),
                by=self._reviewer(),
            )
        else:
            citation = citation_add(
                claim=self.instance.claim,
                url=data["url"],
                stance=data["stance"],
                excerpt=data.get("excerpt", ""),
                note=data.get("note", ""),
                by=self._reviewer(),
            )
        self.instance = citation
        self.save_m2m = lambda: None
        return citation


class CitationFormSet(forms.BaseInlineFormSet):
    """The claim page's citations: a removed one goes through `services.citation_delete`, so the
    verdict reviewed with it hears of it (or refuses, once published)."""

    def delete_existing(self, obj, commit=True):
        if commit:
            citation_delete(citation=obj, by=request_user())
