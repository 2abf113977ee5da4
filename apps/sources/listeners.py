"""Who hears that a claim's evidence changed. `sources` imports no app above it, yet a verdict
under review must go back to its author when the citations it was reviewed with change; so the
verdicts app registers its service here at start-up, and the citation services call
`evidence_changed` in their own transaction: a listener's refusal (published evidence changes
only through a correction) undoes the citation change with it."""

from collections.abc import Callable

_listeners: list[Callable] = []


def evidence_listener_add(listener: Callable) -> None:
    """Register `listener(claim_id=..., by=..., what=...)`; registering twice is harmless."""
    if listener not in _listeners:
        _listeners.append(listener)


def evidence_changed(*, claim_id: int, by, what: str) -> None:
    for listener in _listeners:
        listener(claim_id=claim_id, by=by, what=what)
