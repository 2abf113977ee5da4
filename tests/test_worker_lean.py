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
