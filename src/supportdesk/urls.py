from django.contrib import admin
from django.urls import include, path, re_path

from supportdesk.api import views as api_views
from supportdesk.api.api import api
from supportdesk.core import views as core_views
from supportdesk.core.error_pages import server_error
from supportdesk.mail import views as mail_views
from supportdesk.mail import webhook as mail_webhook
from supportdesk.phone import views as phone_views
from supportdesk.portal.views import accounts as portal_accounts

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page links.
    path("favicon.ico", core_views.favicon, name="favicon"),
    # Log-in, invitations, public support pages and the customers' ticket pages.
    path("", include("supportdesk.help.urls")),
    path("", include("supportdesk.portal.urls")),
    path("account/tokens/", api_views.api_tokens, name="api_tokens"),
    # One log-in page for everyone: the admin's own form is never shown.
    path("admin/login/", portal_accounts.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("billing/", include("supportdesk.billing.urls")),
    path("console/", include("supportdesk.console.urls")),
    path("console/odoo/", include("supportdesk.odoo.urls")),
    path("reports/", include("supportdesk.reports.urls")),
    # The token in the X-CTI-Token header; in the path only for PBXs that cannot send one.
    path("api/v1/cti", phone_views.cti_webhook, name="cti_webhook_header"),
    path("api/v1/cti/<str:token>", phone_views.cti_webhook, name="cti_webhook"),
    path("api/v1/", api.urls),
    # Mail: the original of a received mail, and providers' inbound webhooks (anymail).
    path(
        "tickets/<str:number>/messages/<int:message_id>/original/",
        mail_views.mail_original,
        name="mail_original",
    ),
    # Only configured providers with a signature key or webhook secret (mail/webhook.py).
    re_path(
        r"^mail/(?P<provider>[a-z_]+)/inbound(?P<variant>_mime)?/$",
        mail_webhook.inbound_webhook,
        name="mail_inbound_webhook",
    ),
]

handler500 = server_error
