from django.urls import path

from supportdesk.odoo import views

app_name = "odoo"
urlpatterns = [
    path("tickets/<str:number>/check/", views.check_references, name="check_references"),
    path("tickets/<str:number>/classify/", views.classify_owner, name="classify_owner"),
    path("instances/<int:pk>/test/", views.test_connection, name="test_connection"),
]
