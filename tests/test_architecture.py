"""The import rules of docs/architecture.md, checked on the source: an app imports only the apps
below it, and of those only what they offer to others (models, services, selectors, ...), never
their views, admin, URLs, commands, tasks or migrations. factcheck is the base: every app may
import it, and it imports no app (except the root URLconf, which wires them together)."""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Each app and the apps it may import. Nothing points back up.
MAY_IMPORT = {
    "sources": set(),
    "claims": {"sources"},
    "articles": {"claims", "sources"},
    "verdicts": {"articles", "claims", "sources"},
    "reports": {"articles", "claims", "sources", "verdicts"},
    "api": {"articles", "claims", "sources", "verdicts", "reports"},
}
# The modules of an app that are its own doors; no other app imports them.
PRIVATE = {"admin", "views", "urls", "management", "tasks", "migrations", "apps"}
FACTCHECK_WIRING = {"factcheck/urls.py", "factcheck/health.py"}  # wiring that sees every app


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every absolute module an import statement in the file names (lazy imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            # `from apps.x import views` names the module views.
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def sources(folder: str):
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts)


def violations() -> list[str]:
    found = []
    for path in sources("apps"):
        app = path.relative_to(ROOT / "apps").parts[0]
        for line, module in imported_modules(path):
            parts = module.split(".")
            if parts[0] != "apps" or len(parts) < 2 or parts[1] == app:
                continue
            where = f"{path.relative_to(ROOT)}:{line} imports {module}"
            if any(problem.startswith(f"{path.relative_to(ROOT)}:{line} ") for problem in found):
                continue  # one problem per import statement
            if parts[1] not in MAY_IMPORT[app]:
                found.append(f"{where}: {app} may not import {parts[1]}")
            elif len(parts) > 2 and parts[2] in PRIVATE:
                found.append(f"{where}: {parts[2]} is {parts[1]}'s own door")
    for path in sources("factcheck"):
        if path.relative_to(ROOT).as_posix() in FACTCHECK_WIRING:
            continue
        for line, module in imported_modules(path):
            if module.split(".")[0] == "apps":
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}: factcheck is base")
    return found


def test_every_app_is_in_the_table():
    apps = {p.name for p in (ROOT / "apps").iterdir() if (p / "__init__.py").exists()}
    assert apps == set(MAY_IMPORT)


def test_the_table_has_no_cycle():
    def reach(app, seen=()):
        for below in MAY_IMPORT[app]:
            assert below not in (*seen, app), f"{app} → {below} closes a cycle"
            reach(below, (*seen, app))

    for app in MAY_IMPORT:
        reach(app)


def test_apps_import_only_downwards_and_only_public_modules():
    assert violations() == []


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("from apps.verdicts.models import Verdict", "claims may not import verdicts"),
        ("import apps.articles.services", "claims may not import articles"),
        (
            "def f():\n    from apps.articles.models import Article",
            "claims may not import articles",
        ),
        ("from apps.sources.admin import CitationAdmin", "admin is sources's own door"),
        ("from apps.sources import views", "views is sources's own door"),
    ],
)
def test_the_check_catches(tmp_path, monkeypatch, source, message):
    """The check itself can fail: a forbidden import planted in a copy of the claims app."""
    fake_root = tmp_path
    (fake_root / "apps" / "claims").mkdir(parents=True)
    for app in MAY_IMPORT:
        (fake_root / "apps" / app).mkdir(exist_ok=True)
        (fake_root / "apps" / app / "__init__.py").write_text("")
    (fake_root / "apps" / "claims" / "planted.py").write_text(source + "\n")
    (fake_root / "factcheck").mkdir()
    monkeypatch.setitem(globals(), "ROOT", fake_root)
    [problem] = violations()
    assert message in problem
