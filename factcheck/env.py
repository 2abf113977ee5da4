"""Typed reads of environment variables that fail at start-up with a message naming the variable.

django-environ parses the values; this wrapper turns its ValueErrors into ImproperlyConfigured
errors that say which variable is wrong and what was expected, as healthchecks does.
"""

import ipaddress
from collections.abc import Callable
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

_env = environ.Env()


def _read(name: str, kind: str, parse: Callable[[], Any]) -> Any:
    try:
        return parse()
    except (ValueError, TypeError, environ.ImproperlyConfigured) as exc:
        raw = _env.str(name, default="")
        raise ImproperlyConfigured(f"{name}={raw!r} is not a valid {kind}: {exc}") from None


def env_str(name: str, default: str = "") -> str:
    return _env.str(name, default=default)


def env_bool(name: str, default: bool) -> bool:
    raw = _env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a valid boolean: use true or false")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _read(name, "integer", lambda: _env.int(name, default=default))
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    value = _read(name, "number", lambda: _env.float(name, default=default))
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    return [item.strip() for item in _env.list(name, default=default) if item.strip()]


def env_int_list(name: str, default: list[int]) -> list[int]:
    items = env_list(name, [str(i) for i in default])
    try:
        return [int(item) for item in items]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={','.join(items)!r} must be a comma-separated list of integers"
        ) from None


def env_networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {item!r} is not a CIDR network") from None
    return networks


def env_db(name: str, default: str) -> dict:
    return _read(name, "database URL", lambda: _env.db_url(name, default=default))
