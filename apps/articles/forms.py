from django import forms

from apps.articles.textinput import MAX_TEXT_BYTES, TextInputError, size_limit, text_decode


class ArticleImportForm(forms.Form):
    """Exactly one of: pasted text, an uploaded UTF-8 file, or a URL to fetch."""

    title = forms.CharField(
        max_length=500, required=False, help_text="Leave empty to use the first line."
    )
    canonical_url = forms.URLField(
        max_length=2048,
        required=False,
        assume_scheme="https",
        help_text="Where the article is published (for pasted text and files).",
    )
    body = forms.CharField(
        label="Text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
    )
    file = forms.FileField(label="…or a UTF-8 text file", required=False)
    url = forms.URLField(
        label="…or fetch from URL",
        max_length=2048,
        required=False,
        assume_scheme="https",
        help_text="Fetched through the safe archiver; the main text is extracted.",
    )

    def clean(self):
        cleaned = super().clean()
        given = [name for name in ("body", "file", "url") if cleaned.get(name)]
        if len(given) != 1:
            raise forms.ValidationError("Give exactly one of: text, a file, or a URL.")
        upload = cleaned.get("file")
        if upload:
            if upload.size > MAX_TEXT_BYTES:
                raise forms.ValidationError(f"The file is larger than {size_limit()}.")
            try:
                cleaned["body"] = text_decode(upload.read(), name=upload.name)
            except TextInputError as exc:
                raise forms.ValidationError(str(exc)) from None
        return cleaned
