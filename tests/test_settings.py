"""Every setting the code reads is declared in config.py and listed in the README."""

from __future__ import annotations

import re
from pathlib import Path

import config

ROOT = Path(__file__).resolve().parents[1]
READ = re.compile(r"""config(?:\[|\.get\()\s*["']([A-Z][A-Z0-9_]+)["']""")


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for folder in ("webapp", "tasks"):
        for path in (ROOT / folder).rglob("*.py"):
            names.update(READ.findall(path.read_text(encoding="utf-8")))
    names.update(READ.findall((ROOT / "wsgi.py").read_text(encoding="utf-8")))
    return names


def test_the_search_finds_the_settings_read():
    # The check below is only as good as the search; these are read in three layers.
    assert {"SECRET_KEY", "OUTBOX_SWEEP_SECONDS", "DIRECTORY_IMPORT_MAX_ROWS"} <= (
        settings_read_by_the_code()
    )


def test_every_setting_read_is_declared_with_its_default_in_config():
    missing = sorted(n for n in settings_read_by_the_code() if not hasattr(config.Config, n))
    assert missing == []


def test_every_setting_read_is_named_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(n for n in settings_read_by_the_code() if f"`{n}`" not in readme)
    assert missing == []
