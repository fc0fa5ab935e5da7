"""The shape holds: core imports no part and nothing from tasks/, and no module of a
part grows past the size limit without saying why."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Under mutmut the suite runs in a copy of the project (`mutants/`) whose rule modules carry
# every mutant and so are far longer: the sizes checked are those of the real source.
SOURCE_ROOT = (
    ROOT.parent if ROOT.name == "mutants" and (ROOT.parent / "babel.cfg").is_file() else ROOT
)
CORE = SOURCE_ROOT / "webapp" / "core"
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


# Modules stay small (STYLE.md: about 400 lines); past this a module must say why, near
# its top, in a line such as "Over 400 lines because ...".
MAX_LINES = 450
WEBAPP = CORE.parent
REASON = re.compile(r"\b(?:over|longer than) (?:about |~)?400 lines because\b", re.IGNORECASE)
REASON_WITHIN = 20  # lines from the top


def long_modules_without_a_reason(paths: list[Path]) -> set[str]:
    found = set()
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_LINES and not REASON.search("\n".join(lines[:REASON_WITHIN])):
            found.add(f"{path}: {len(lines)} lines")
    return found


def test_the_size_check_finds_a_long_module_without_a_reason(tmp_path):
    body = "x = 1\n" * MAX_LINES  # with the docstring, one line too many
    silent = tmp_path / "silent.py"
    silent.write_text('"""A module."""\n' + body, encoding="utf-8")
    explained = tmp_path / "explained.py"
    explained.write_text('"""A module.\n\nOver 400 lines because it is a table."""\n' + body)
    short = tmp_path / "short.py"
    short.write_text('"""A module."""\nx = 1\n', encoding="utf-8")
    assert long_modules_without_a_reason([silent, explained, short]) == {
        f"{silent}: {MAX_LINES + 1} lines"
    }


def test_no_module_of_a_part_is_long_without_saying_why():
    assert long_modules_without_a_reason(sorted(WEBAPP.rglob("*.py"))) == set()
