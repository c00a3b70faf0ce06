from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Agreement, Organisation, Skill, User
from supportdesk.accounts.twofactor import issue_enrolment_code
from supportdesk.core.audit import AuditedAdmin


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "business_consultant", "odoo_url", "members_see_all"]
    search_fields = ["name", "mail_domains"]
    inlines = [AgreementInline]


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["organisation", "valid_from", "valid_to", "reference"]
    list_filter = ["valid_to"]


@admin.register(Skill)
class SkillAdmin(AuditedAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]


class UserCreationForm(forms.ModelForm):
    password = forms.CharField(
        widget=forms.PasswordInput,
        required=False,
        help_text=_("Leave empty to send an invitation instead."),
    )

    class Meta:
        model = User
        fields = ["email", "name", "role", "organisation"]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        password = self.cleaned_data.get("password")
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "role", "organisation", "billing_contact", "is_active"]
    list_filter = ["role", "is_active", "billing_contact"]
    search_fields = ["email", "name"]
    filter_horizontal = ["skills"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "phone", "preferred_contact", "language"]}),
        (
            _("Role"),
            {
                "fields": [
                    "role",
                    "organisation",
                    "billing_contact",
                    "skills",
                    "takes_tickets",
                    "is_active",
                ]
            },
        ),
    ]
    add_fieldsets = [(None, {"fields": ["email", "name", "role", "organisation", "password"]})]
    actions = ["issue_enrolment_code"]

    @admin.action(description=_("Issue a two-factor enrolment code (shown once)"))
    def issue_enrolment_code(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """For an administrator who cannot receive the mailed code: hand it over in person."""
        for user in queryset:
            if user.pk == request.user.pk:
                self.message_user(
                    request, gettext("You cannot issue a code for yourself."), "error"
                )
                continue
            code = issue_enrolment_code(user)
            self.message_user(
                request,
                gettext("Enrolment code for %(email)s: %(code)s")
                % {"email": user.email, "code": code},
            )
