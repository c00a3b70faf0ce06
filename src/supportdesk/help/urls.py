from django.urls import path

from supportdesk.help import staff_views, views

app_name = "help"

urlpatterns = [
    path("help/", views.help_index, name="index"),
    path("help/a/<slug:slug>/", views.article_detail, name="article"),
    path("help/images/<int:image_id>/", views.image, name="image"),
    path("help/suggest/", views.suggestions, name="suggest"),
    path("help/solved/", views.solved, name="solved"),
    path("tickets/<str:number>/rate/<str:token>/", views.rate, name="rate"),
    path("console/help/", staff_views.article_list, name="staff_list"),
    path("console/help/new/", staff_views.article_edit, name="staff_new"),
    path("console/help/<int:pk>/", staff_views.article_edit, name="staff_edit"),
    path("console/help/<int:pk>/publish/", staff_views.article_publish, name="staff_publish"),
    path("console/help/<int:pk>/images/", staff_views.image_upload, name="staff_image"),
    path("console/help/suggest/", staff_views.workspace_suggestions, name="staff_suggest"),
    path("console/tickets/<str:number>/to-article/", staff_views.from_ticket, name="from_ticket"),
]
