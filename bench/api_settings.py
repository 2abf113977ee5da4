"""Settings for bench/api.py: the project's settings with the bench URLs (which add the raw
comparison view) and a throttle rate the load loop cannot reach."""

from factcheck.settings import *  # noqa: F403
from factcheck.settings import REST_FRAMEWORK

ROOT_URLCONF = "bench.api_urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000000/minute"}}
