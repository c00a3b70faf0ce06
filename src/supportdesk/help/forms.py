from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Organisation
from supportdesk.help.models import LANGUAGES, Article, Category, Visibility


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 18}), max_length=100_000
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    original = forms.ModelChoiceField(
        label=_("Translation of"),
        queryset=Article.objects.filter(original__isnull=True),
        required=False,
    )
    category = forms.ChoiceField(label=_("Odoo application"), choices=Category.choices)
    tags = forms.CharField(label=_("Tags, comma-separated"), required=False, max_length=500)
    odoo_versions = forms.CharField(
        label=_("Odoo versions, comma-separated"), required=False, max_length=100
    )
    visibility = forms.ChoiceField(label=_("Visible to"), choices=Visibility.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation (for one organisation)"),
        queryset=Organisation.objects.all(),
        required=False,
    )
    note = forms.CharField(label=_("What changed (optional)"), required=False, max_length=200)

    def action_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("note", None)
        data["tags"] = [t for t in (data.get("tags") or "").split(",") if t.strip()]
        return data


def initial_for(article: Article) -> dict[str, Any]:
    """The form filled in from ``article``; its tags as the comma-separated text it reads."""
    initial = model_to_dict(article, fields=list(ArticleForm.base_fields), exclude=["tags"])
    initial["tags"] = ", ".join(article.tags.values_list("name", flat=True))
    return initial
