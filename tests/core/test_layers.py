"""Dependencies point one way: core imports no part and nothing from tasks/."""

from __future__ import annotations

import re
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "webapp" / "core"
UPWARD = re.compile(
    r"^\s*(?:from|import)\s+(tasks|webapp\.(?!core\b|extensions\b)\w+)", re.MULTILINE
)


def test_the_search_finds_an_upward_import():
    assert UPWARD.findall("from tasks.mail import deliver\nimport webapp.directory.models\n")
    assert not UPWARD.findall("from webapp.core import jobs\nfrom webapp.extensions import db\n")


def test_core_imports_no_part_and_no_task():
    found = {
        f"{path.name}: {name}"
        for path in CORE.rglob("*.py")
        for name in UPWARD.findall(path.read_text(encoding="utf-8"))
    }
    assert found == set()
