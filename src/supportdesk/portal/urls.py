from django.contrib.auth import views as auth_views
from django.urls import path

from supportdesk.portal.views import accounts, public, saved, tickets, twofactor

urlpatterns = [
    # accounts
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/language/", accounts.language_set, name="language_set"),
    path("account/two-factor/", twofactor.two_factor, name="two_factor"),
    path("account/two-factor/verify/", twofactor.two_factor_verify, name="two_factor_verify"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/", accounts.invitations, name="invitations"),
    path(
        "invitations/members/<int:user_id>/billing-contact/",
        accounts.billing_contact,
        name="billing_contact",
    ),
    path("invitation/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    # public pages
    path("support/", public.support, name="support"),
    path("support/charges/", public.charges, name="support_charges"),
    path("support/inquiry/", public.inquiry, name="inquiry"),
    path("support/inquiry/thanks/", public.inquiry_thanks, name="inquiry_thanks"),
    # tickets
    path("tickets/", tickets.ticket_list, name="ticket_list"),
    path("tickets/export.csv", tickets.ticket_export, name="ticket_export"),
    path("tickets/new/", tickets.ticket_new, name="ticket_new"),
    path("tickets/views/", saved.view_save, name="ticket_view_save"),
    path("tickets/<str:number>/", tickets.ticket_detail, name="ticket_detail"),
    path("tickets/<str:number>/timeline/", tickets.ticket_timeline, name="ticket_timeline"),
    path("tickets/<str:number>/time/", tickets.ticket_time_entries, name="ticket_time_entries"),
    path("tickets/<str:number>/reply/", tickets.ticket_reply, name="ticket_reply"),
    path("tickets/<str:number>/confirm/", tickets.ticket_confirm, name="ticket_close"),
    path("tickets/<str:number>/reopen/", tickets.ticket_reopen, name="ticket_reopen"),
    path(
        "tickets/<str:number>/attachments/<int:attachment_id>/",
        tickets.attachment_download,
        name="attachment_download",
    ),
]
