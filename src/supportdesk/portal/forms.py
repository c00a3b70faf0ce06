"""Forms of the portal: log-in, invitations, the ticket form that teaches the policy, replies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import ContactMethod, Organisation
from supportdesk.mail.outbox import queue_mail
from supportdesk.portal.throttle import login_window
from supportdesk.tickets.forms import MultipleFileField
from supportdesk.tickets.models import Impact, Kind
from supportdesk.tickets.recognise import parse_odoo_url

# What each business impact means, shown beside the flags (R4).
IMPACT_MEANINGS = {
    Impact.NONE: _("Handled first come, first served."),
    Impact.PRODUCTION_DOWN: _(
        "Your production Odoo cannot be used. May be prioritised at our discretion."
    ),
    Impact.INVOICING_BLOCKED: _(
        "You cannot invoice your customers. May be prioritised at our discretion."
    ),
    Impact.MONTH_END_TAX: _(
        "Month-end closing for tax payments and reporting is blocked. "
        "May be prioritised at our discretion."
    ),
}


class LoginForm(AuthenticationForm):
    """Django's log-in, refused for a while after repeated failures (per account and address)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed log-ins for this account from your address. "
            "Try again in %(minutes)s minutes, or reset your password."
        ),
    }

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username") or ""
        window = login_window(email, self.request) if self.request else None
        if window is not None:
            minutes = window.blocked_minutes()
            if minutes:
                raise ValidationError(
                    self.error_messages["throttled"], code="throttled", params={"minutes": minutes}
                )
        try:
            cleaned = super().clean()
        except ValidationError:
            if window is not None:
                window.hit()
            raise
        if window is not None:
            window.clear()
        return cleaned


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset; the mail goes through the outbox like every other mail."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        text = render_to_string(email_template_name, context)
        queue_mail(to=[to_email], subject=subject, text=text, purpose="password_reset")


class InvitationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    email = forms.EmailField(label=_("E-mail"))
    name = forms.CharField(max_length=200, required=False, label=_("Name"))
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        label=_("Language of the invitation"),
        widget=forms.RadioSelect,
        initial="en",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, label=_("Your name"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise ValidationError(_("The two passwords differ."), code="password_mismatch")
        return second or ""


class TicketForm(forms.Form):
    """The new-ticket form: each field says what the policy asks for and why (R2, R4, R6)."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, label=_("Organisation")
    )
    subject = forms.CharField(max_length=250, label=_("Subject"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label=_("Description"),
        help_text=_("What did you do, what happened, and what did you expect?"),
    )
    odoo_url = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Odoo URL of the screen"),
        help_text=_(
            "Copy it from your browser's address bar while the screen is open: "
            "it shows us exactly where the problem is."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://yourcompany.odoo.com/odoo/…"}),
    )
    reference = forms.CharField(
        required=False,
        max_length=200,
        label=_("Transaction number or record name"),
        help_text=_(
            "The sale order, invoice or purchase number (S00042, INV/2026/00012, P00017) "
            "or the name of the product, work centre or user."
        ),
    )
    kind = forms.ChoiceField(
        choices=Kind.choices, label=_("Kind of request"), widget=forms.RadioSelect
    )
    impact = forms.ChoiceField(
        choices=Impact.choices,
        required=False,
        initial=Impact.NONE,
        label=_("Business impact"),
        widget=forms.RadioSelect,
    )
    contact_method = forms.ChoiceField(
        choices=ContactMethod.choices,
        initial=ContactMethod.EMAIL,
        label=_("How should we contact you?"),
        widget=forms.RadioSelect,
    )
    contact_phone = forms.CharField(
        required=False,
        max_length=40,
        label=_("Telephone number"),
        help_text=_("Only if you chose the telephone."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    attachments = MultipleFileField(
        label=_("Screenshots and files"),
        help_text=_("Choose files, drag them here, or paste a screenshot (Ctrl+V)."),
    )

    def clean_odoo_url(self) -> str:
        value = (self.cleaned_data.get("odoo_url") or "").strip()
        if value and parse_odoo_url(value) is None:
            raise ValidationError(
                _(
                    "This is not the URL of an Odoo screen: open the screen in Odoo "
                    "and copy the address from your browser's address bar."
                ),
                code="not_odoo",
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("contact_method") == ContactMethod.PHONE
            and not (cleaned.get("contact_phone") or "").strip()
        ):
            self.add_error(
                "contact_phone", _("Give the number to call when you choose the telephone.")
            )
        return cleaned


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label=_("Your message"))
    internal = forms.BooleanField(required=False, label=_("Internal note (staff only)"))
    attachments = MultipleFileField(
        label=_("Attach files"),
        help_text=_("Choose files, drag them here, or paste a screenshot (Ctrl+V)."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Why is it not resolved?"),
        required=False,
        max_length=2000,
    )


class InquiryForm(forms.Form):
    """R10: a question from someone who is not a customer yet; it becomes a lead."""

    name = forms.CharField(max_length=200, label=_("Your name"))
    company = forms.CharField(max_length=200, required=False, label=_("Company"))
    email = forms.EmailField(required=False, label=_("E-mail"))
    phone = forms.CharField(max_length=40, required=False, label=_("Telephone"))
    subject = forms.CharField(max_length=250, required=False, label=_("Subject"))
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        label=_("Your question about our services and prices"),
    )
    # The honeypot: hidden from people, filled in by robots that fill every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("email") and not (cleaned.get("phone") or "").strip():
            raise ValidationError(
                _("Give an e-mail address or a telephone number so that we can answer."),
                code="no_contact",
            )
        return cleaned


class TwoFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )
