from django.apps import AppConfig


class VerdictsConfig(AppConfig):
    name = "apps.verdicts"
    label = "verdicts"
