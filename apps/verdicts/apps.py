from django.apps import AppConfig


class VerdictsConfig(AppConfig):
    name = "apps.verdicts"
    label = "verdicts"

    def ready(self) -> None:
        """A change to a claim's citations reaches the verdict under review (see
        apps.sources.listeners: sources may not import verdicts)."""
        from apps.sources.listeners import evidence_listener_add
        from apps.verdicts.services import verdict_evidence_changed

        evidence_listener_add(verdict_evidence_changed)
