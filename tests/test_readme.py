"""The README's configuration table names every variable the settings read."""

import re

from tests.conftest import ROOT


def test_every_setting_is_documented():
    settings_source = (ROOT / "factcheck" / "settings.py").read_text()
    names = set(re.findall(r'env_[a-z_]+\("([A-Z_]+)"', settings_source))
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, re.M))
    assert names, "no settings found"
    assert names - documented == set()


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
