"""The mutation score per rule module, from the results mutmut left under `mutants/`.

    .venv/bin/python tests/mutation_scores.py [--survivors]

A mutant that only changes the wording of a message (a string handed to `_()`, `gettext`,
`ngettext`, `flash`, a log call or an exception) is left out of the score, as
tests/MUTATION.md explains; every other mutant counts, and one that no test reaches counts
as a survivor. `--survivors` lists the surviving mutants that count, with their diff.
"""

from __future__ import annotations

import ast
import difflib
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"

KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"}
KILLED |= {255: "timeout", 37: "caught by type check"}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}
# Where a string is the wording of a message rather than a value the code works with:
# any argument of a translation function, or the first argument of a flash, a log call or
# an exception (`super().__init__(...)` in an exception class included).
GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "pgettext", "lazy_pgettext"}
GETTEXT |= {"deferred_gettext", "deferred_ngettext"}
FIRST_ARGUMENT = {"flash", "debug", "info", "warning", "error", "exception", "__init__"}
FIRST_ARGUMENT |= {"ValueError", "RuleError", "RefreshRefused", "RuntimeError"}


def rule_modules() -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["mutmut"]["only_mutate"]


def call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return None


def in_message(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Is this string (part of) the text of a message?"""
    child = node
    while child in parents:
        parent = parents[child]
        if isinstance(parent, ast.Call):
            name = call_name(parent)
            if name in GETTEXT:
                return True
            if name in FIRST_ARGUMENT:
                return bool(parent.args) and parent.args[0] is child
            return False  # an argument of any other call is a value the code uses
        if isinstance(parent, ast.stmt):
            return False
        child = parent
    return False


def only_wording(original: ast.FunctionDef, mutant: ast.FunctionDef) -> bool:
    """True when the mutant differs from the original only in the text of messages."""
    parents = {
        child: parent for parent in ast.walk(original) for child in ast.iter_child_nodes(parent)
    }
    mutant.name = original.name
    pairs = list(zip(ast.walk(original), ast.walk(mutant), strict=False))
    if len(list(ast.walk(original))) != len(list(ast.walk(mutant))):
        return False
    changed = False
    for before, after in pairs:
        if type(before) is not type(after):
            return False
        if isinstance(before, ast.Constant):
            if before.value != after.value:
                texts = isinstance(before.value, str) and isinstance(after.value, str)
                if not (texts and in_message(before, parents)):
                    return False
                changed = True
            continue
        fields = [f for f in before._fields if not isinstance(getattr(before, f), list | ast.AST)]
        if any(getattr(before, f) != getattr(after, f) for f in fields if f != "name"):
            return False
    return changed


def functions(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text())
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in node.name:
            found[node.name] = node
    return found


def diff(original: ast.FunctionDef, mutant: ast.FunctionDef) -> str:
    lines = difflib.unified_diff(
        ast.unparse(original).splitlines(), ast.unparse(mutant).splitlines(), lineterm="", n=0
    )
    return "\n".join(line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---"))


def main(show_survivors: bool) -> int:
    print(
        f"{'module':34} {'mutants':>7} {'wording':>7} {'counted':>7} {'killed':>6} "
        f"{'survived':>8} {'unchecked':>9} {'score':>6}"
    )
    survivors: list[tuple[str, str, str]] = []
    for module in rule_modules():
        meta = MUTANTS / f"{module}.meta"
        if not meta.exists():
            print(f"{module:34} (not run)")
            continue
        results = json.loads(meta.read_text())["exit_code_by_key"]
        prefix = module.removesuffix(".py").replace("/", ".") + "."
        defs = functions(MUTANTS / module)
        tally: Counter[str] = Counter()
        for key, code in results.items():
            name = key.removeprefix(prefix)
            original = defs[name.rsplit("__mutmut_", 1)[0] + "__mutmut_orig"]
            mutant = defs[name]
            if only_wording(original, mutant):
                tally["wording"] += 1
            elif code is None or code == 2:
                tally["unchecked"] += 1
            elif code in KILLED:
                tally["killed"] += 1
            else:
                tally["survived"] += 1
                status = SURVIVED.get(code, f"exit {code}")
                survivors.append((key, status, diff(original, mutant)))
        counted = tally["killed"] + tally["survived"]
        score = f"{100 * tally['killed'] / counted:.0f}%" if counted else "-"
        print(
            f"{module:34} {len(results):>7} {tally['wording']:>7} {counted:>7} "
            f"{tally['killed']:>6} {tally['survived']:>8} {tally['unchecked']:>9} {score:>6}"
        )
    if show_survivors:
        for key, status, change in survivors:
            print(f"\n{key} ({status})\n{change}")
    return 0


if __name__ == "__main__":
    sys.exit(main("--survivors" in sys.argv[1:]))
