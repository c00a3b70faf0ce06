from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from supportdesk.api.api import api
from supportdesk.core import views as core_views
from supportdesk.tickets import views as ticket_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tickets/", ticket_views.ticket_list, name="ticket_list"),
    path("tickets/new/", ticket_views.ticket_new, name="ticket_new"),
    path("tickets/<str:number>/", ticket_views.ticket_detail, name="ticket_detail"),
    path("tickets/<str:number>/reply/", ticket_views.ticket_reply_view, name="ticket_reply"),
    path(
        "tickets/<str:number>/attachments/<int:attachment_id>/",
        ticket_views.attachment_download,
        name="attachment_download",
    ),
    path("account/tokens/", core_views.api_tokens, name="api_tokens"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
