"""The worker entry point keeps what a worker never uses out of its memory (fetch workers must stay
under 100 MB while archiving a 50 MB response; bench/archive.py measures it)."""

import subprocess
import sys

from tests.conftest import ROOT

LOADED = (
    "import sys, httpx; "
    "print(' '.join(m for m in ('rich', 'pygments', 'httpx._main') if sys.modules.get(m)))"
)


def loaded_after(prelude: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", prelude + LOADED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_the_worker_imports_httpx_without_its_command_line_client():
    # Where rich is installed (the dev tools bring it), plain httpx loads its CLI and rich with it.
    plain = loaded_after("")
    lean = loaded_after("from factcheck import worker; worker._without_httpx_command_line(); ")
    assert lean == set()
    assert plain == set() or "httpx._main" in plain


def test_httpx_still_works_in_the_worker():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from factcheck import worker; worker._without_httpx_command_line(); import httpx; "
            "print(httpx.URL('http://example.test/a?b=1').path, callable(httpx.main))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["/a", "True"]


def test_a_worker_loads_neither_a_certificate_parser_nor_the_browser_driver():
    # The capture records its TLS certificate with the ssl module (redis only checks that the
    # cryptography package exists), and the renderer imports
    # Playwright only when it renders: a fetch worker carries neither (~10 MB and more).
    script = (
        "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'factcheck.settings'); "
        "os.environ.setdefault('SECRET_KEY', 'lean'); "
        "from factcheck import worker; worker._without_httpx_command_line(); "
        "worker._admin_without_autodiscovery(); import django; django.setup(); "
        "from factcheck.celery import app; app.loader.import_default_modules(); "
        "print(' '.join(m for m in ('cryptography.x509', 'playwright', 'PIL', 'wacz') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == []
