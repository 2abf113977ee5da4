"""The one base for every error a user can cause, and the few kinds the interfaces tell apart.

Services raise these with a message written for the person who caused it ("That claim already
cites this source."). Admin views show the message, management commands print it and exit with
status 2, and the API's exception handler maps the kind to a 4xx by ``http_status``: no domain
error is ever a 500. An app's own errors derive from one of these kinds (``VerdictError(Refused)``)
so callers can catch the app's error or the kind, whichever they mean.
"""

from __future__ import annotations


class DomainError(Exception):
    """Something the user asked for cannot be done; ``message`` says why, in their words."""

    http_status = 400
    code = "refused"

    def __init__(self, message: str = "", *, extra: dict | None = None):
        self.message = message or self.__doc__.strip().splitlines()[0]
        self.extra = extra or {}
        super().__init__(self.message)


class BadInput(DomainError):
    """The input is malformed or out of range."""

    http_status = 400
    code = "invalid"


class Refused(DomainError):
    """The input is well-formed but a rule forbids it (an illegal transition, a refused URL)."""

    http_status = 400
    code = "refused"


class NotPermitted(DomainError):
    """This user may not do this."""

    http_status = 403
    code = "forbidden"


class NotFound(DomainError):
    """The thing asked for does not exist, or is not visible to this user."""

    http_status = 404
    code = "not_found"


class Conflict(DomainError):
    """Someone else changed the thing first, or it already exists."""

    http_status = 409
    code = "conflict"


class Unavailable(DomainError):
    """Something this needs is not installed or not running here; nothing the user can fix."""

    http_status = 503
    code = "unavailable"
