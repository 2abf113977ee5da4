"""Settings for the test suite: the real local PostgreSQL and Redis unless the environment says
otherwise (CI and `make test` use the machine's services)."""

import os
import tempfile

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# Made at start-up (factcheck/apps.py), like every data directory; one per test session.
os.environ.setdefault(
    "DATA_DIR", os.path.join(tempfile.gettempdir(), f"factcheck-test-{os.getpid()}")
)
# The suite speaks plain HTTP to itself (test client, local servers, the browser).
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
# Rendering is switched on only by the tests that render (each capture would queue a render).
os.environ.setdefault("RENDER_ENABLED", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from factcheck.settings import *  # noqa: F403
from factcheck.settings import REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute"}}
