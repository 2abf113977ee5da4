from django.apps import AppConfig


class VerdictsConfig(AppConfig):
    name = "apps.verdicts"
    label = "verdicts"

    def ready(self) -> None:
        """Wire verdicts into the apps below it, which may not import it: a change to a claim's
        citations reaches the verdict under review (apps.sources.listeners), and the claims
        admin shows prior checks (apps.claims.extensions)."""
        from apps.sources.listeners import evidence_listener_add
        from apps.verdicts.services import verdict_evidence_changed

        evidence_listener_add(verdict_evidence_changed)

        from apps.claims.extensions import PriorChecks, prior_checks_register
        from apps.verdicts.priorlinks import (
            claims_with_prior_checks,
            prior_best_for_claims,
            prior_matches_for_claims,
        )
        from apps.verdicts.priorpanel import prior_checks_panel

        prior_checks_register(
            PriorChecks(
                claims_with=claims_with_prior_checks,
                best_for_claims=prior_best_for_claims,
                matches_for_claims=prior_matches_for_claims,
                panel=prior_checks_panel,
            )
        )
