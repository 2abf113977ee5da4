"""What every app's admin shares: a refusal from a service is a message on the page, not a 500.

Admin forms validate what they can in `clean()`; what only the service can decide (a rule that
depends on other rows, a race with a colleague) arrives as a DomainError while saving. Django runs
the change form in a transaction, so by the time the error reaches `changeform_view` nothing has
been written; the user sees the service's message on the page they came from.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect

from factcheck.errors import DomainError


class ServiceRefusalsAsMessages:
    """ModelAdmin mixin: show a DomainError raised while saving as an error message."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
