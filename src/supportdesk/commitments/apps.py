from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "supportdesk.commitments"
    label = "commitments"
