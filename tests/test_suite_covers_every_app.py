"""The test command runs every app's tests: an app whose tests are left out of `testpaths` would pass CI
without them ever running."""

import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def test_every_app_with_tests_is_in_the_test_paths():
    testpaths = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"])
    ours = {
        Path(app.path).relative_to(ROOT).parts[0]
        for app in apps.get_app_configs()
        if ROOT in Path(app.path).parents and "site-packages" not in Path(app.path).parts
    }
    with_tests = {name for name in ours if any((ROOT / name).rglob("test_*.py"))}

    assert with_tests - testpaths == set()
