"""What apps above claims add to the claims admin, without claims importing them.

Verdicts sits above claims (it imports claims; claims never imports it), yet the claims queue and
claim page show verdict-side facts such as earlier checks of the same claim. The verdicts app
fills this registry in its AppConfig.ready(); until it does (claims used on its own), the claims
admin shows no prior checks rather than failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PriorChecks:
    claims_with: Callable  # (queryset, *, minimum) -> queryset of claims with a match >= minimum
    best_for_claims: Callable  # (claim_ids) -> {claim_id: best match}
    matches_for_claims: Callable  # (claim_ids) -> {claim_id: [matches]}
    panel: Callable  # (matches, *, back, flag) -> HTML


prior_checks: PriorChecks | None = None


def prior_checks_register(hooks: PriorChecks) -> None:
    global prior_checks
    prior_checks = hooks
