"""Settings for the test suite: the real local PostgreSQL and Redis unless the environment says
otherwise (CI and `make test` use the machine's services)."""

import os
import tempfile

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="factcheck-test-"))
# The suite speaks plain HTTP to itself (test client, local servers, the browser).
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from factcheck.settings import *  # noqa: F403
from factcheck.settings import REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute"}}
