from django.urls import path

from supportdesk.odoo import views_screens as views

app_name = "screens"
urlpatterns = [
    path("tickets/<str:number>/findings/<int:finding_id>/crop.png", views.crop, name="crop"),
    path("tickets/<str:number>/findings/<int:finding_id>/remove/", views.remove, name="remove"),
    path("tickets/<str:number>/findings/<int:finding_id>/correct/", views.correct, name="correct"),
    path("signatures/", views.signatures_week, name="signatures_week"),
    path("signatures/<int:signature_id>/", views.signature_tickets, name="signature_tickets"),
]
