from django import forms

from apps.verdicts.models import Rating, Verdict


class VerdictForm(forms.ModelForm):
    """The admin's verdict editor. `expected_version` carries the version the page was built from,
    so a stale submission is refused instead of overwriting a colleague's work."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Verdict
        fields = ["claim", "rating", "summary", "archive_override"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        verdict = self.instance
        if not verdict.pk:
            return cleaned
        current = Verdict.objects.filter(pk=verdict.pk).values("state", "version").first()
        if current is None:
            raise forms.ValidationError("This verdict no longer exists.")
        expected = cleaned.get("expected_version")
        if expected is not None and expected != current["version"]:
            raise forms.ValidationError(
                "Someone else changed this verdict since you opened it "
                f"(you loaded version {expected}, it is now version {current['version']}). "
                "Open it again to see their changes; yours were not saved."
            )
        if current["state"] not in Verdict.EDITABLE_STATES:
            raise forms.ValidationError(
                f"A verdict that is {Verdict.State(current['state']).label.lower()} cannot be "
                "edited. Use the buttons below (request changes, correct or retract)."
            )
        return cleaned


class TransitionForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(required=False)
    rating = forms.ModelChoiceField(queryset=Rating.objects.all(), required=False)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
