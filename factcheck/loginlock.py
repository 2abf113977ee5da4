"""django-axes' lockout backend, for logins that come with a request.

Every login over HTTP (the admin's login form, DRF's authentication) passes its request to
authenticate(), and django-axes counts failures and refuses locked-out users there. A call
without a request is made by our own code in-process (the test client's login(), a management
command), where no remote client is guessing passwords; django-axes would refuse it outright,
so it is passed on to the next backend unchanged.
"""

from axes.backends import AxesStandaloneBackend


class LoginLockBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
