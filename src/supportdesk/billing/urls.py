from django.urls import path

from supportdesk.billing import views

app_name = "billing"

urlpatterns = [
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/close/", views.close_month_view, name="close_month"),
    path("statements/<str:number>/", views.statement_detail, name="statement_detail"),
    path("statements/<str:number>/pdf", views.statement_pdf_view, name="statement_pdf"),
    path("statements/<str:number>/csv", views.statement_csv_view, name="statement_csv"),
    path("statements/<str:number>/issue", views.statement_issue_view, name="statement_issue"),
    path("statements/<str:number>/redraft", views.statement_redraft_view, name="statement_redraft"),
    path("statements/<str:number>/credit", views.statement_credit_view, name="statement_credit"),
    path("statements/<str:number>/export", views.statement_export_view, name="statement_export"),
    path("tickets/<str:number>/time/", views.ticket_time, name="ticket_time"),
    path(
        "tickets/<str:number>/time/<int:entry_id>/override",
        views.entry_override_view,
        name="entry_override",
    ),
    path(
        "tickets/<str:number>/time/<int:entry_id>/correct",
        views.entry_correct_view,
        name="entry_correct",
    ),
]
