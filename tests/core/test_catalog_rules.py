"""Rules every message follows, checked on the source and the catalogs: a count is always a
plural form, and no catalog (nor the reference data) uses a term the glossary forbids."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
# Under mutmut (a copy of the project in `mutants/`, messages mutated) the messages checked
# are those of the real source, as in test_i18n.
SOURCE_ROOT = (
    ROOT.parent if ROOT.name == "mutants" and (ROOT.parent / "babel.cfg").is_file() else ROOT
)
TRANSLATIONS = ROOT / "webapp" / "translations"
GLOSSARY = TRANSLATIONS / "GLOSSARY.md"
DATA = ROOT / "webapp" / "core" / "data"
LANGUAGES = ("es", "fr", "pt")
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
    "deferred_gettext": None,
    "deferred_ngettext": (1, 2),
}
# A placeholder that holds a count: any integer conversion, or a name that says so.
COUNT_NAMES = {"num", "count", "total", "days", "hours", "minutes", "rows", "entries", "limit"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?([sdif])")


def counts_in(message: str) -> list[str]:
    return [
        name
        for name, conversion in PLACEHOLDER.findall(message)
        if conversion in "di" or name in COUNT_NAMES
    ]


def source_messages() -> list[tuple[str, int, str | tuple[str, ...]]]:
    with open(SOURCE_ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    return [
        (filename, lineno, message)
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(SOURCE_ROOT), method_map, options_map, keywords=KEYWORDS
        )
    ]


def glossary_table(title: str) -> list[tuple[str, str, str]]:
    """(language, forbidden, use instead) from one of the glossary's Forbidden tables."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in LANGUAGES:
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def forbidden_terms() -> list[tuple[str, str, str]]:
    """Substrings, matched case-sensitively ("Situação", "services répressifs")."""
    return glossary_table("Forbidden variants")


def forbidden_words() -> list[tuple[str, str, str]]:
    """Whole words of the familiar register, matched in any case ("você", "seu", "tu")."""
    return glossary_table("Forbidden words")


def uses_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def translations(language: str) -> list[tuple[str, str]]:
    """(where, text) for every translation and reference-data name in the language."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    found = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        found.extend((f"msgid {msgid!r}", s) for s in strings if s)
    # Areas are our own terms; organizations keep their official names (Europol's French
    # name says "services répressifs", and it stays so).
    reference = json.loads((DATA / "reference.json").read_text(encoding="utf-8"))
    found.extend(("reference.json areas", row[f"name_{language}"]) for row in reference["areas"])
    grammar = json.loads((DATA / "state_grammar.json").read_text(encoding="utf-8"))
    for code, forms in grammar["member_states"].items():
        found.extend(
            (f"state_grammar.json {code}", text)
            for text in forms[language].values()
            if isinstance(text, str)
        )
    return found


def test_a_count_placeholder_is_recognised():
    assert counts_in("%(num)d entries") == ["num"]
    assert counts_in("The period is %(days)s days") == ["days"]
    assert counts_in("Page %(page)s of %(pages)s") == []


def test_every_message_with_a_count_is_a_plural_form():
    singular_with_counts = [
        f"{filename}:{lineno}: {message!r}"
        for filename, lineno, message in source_messages()
        if isinstance(message, str) and counts_in(message)
    ]
    assert singular_with_counts == [], "use ngettext for:\n" + "\n".join(singular_with_counts)


def test_the_glossary_lists_forbidden_variants_for_every_language():
    languages = {language for language, _term, _instead in forbidden_terms()}
    assert languages == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_uses_a_term_the_glossary_forbids(language):
    terms = [(term, instead) for lang, term, instead in forbidden_terms() if lang == language]
    offending = [
        f"{where}: “{term}” in {text!r} (use {instead})"
        for where, text in translations(language)
        for term, instead in terms
        if term in text
    ]
    assert offending == [], "\n".join(offending)


def test_a_forbidden_word_is_matched_as_a_whole_word_in_any_case():
    assert uses_word("Sua conta", "sua")
    assert uses_word("Altere a senha (sua).", "sua")
    assert uses_word("Olá, Ana", "olá")
    assert not uses_word("Suas", "sua")
    assert not uses_word("Sugestão: use a conta", "sua")
    assert not uses_word("o seguro", "seu")


def test_the_glossary_lists_forbidden_words_for_every_language():
    words = {(language, word) for language, word, _instead in forbidden_words()}
    assert {language for language, _word in words} == set(LANGUAGES)
    # Portuguese addresses nobody as "você" and owns nothing through "seu/sua": the
    # impersonal register of letters to member states' officials.
    assert {("pt", w) for w in ("você", "olá", "seu", "sua", "seus", "suas")} <= words
    assert {("es", "tú"), ("fr", "tu")} <= words


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_uses_the_familiar_register(language):
    words = [(word, instead) for lang, word, instead in forbidden_words() if lang == language]
    offending = [
        f"{where}: “{word}” in {text!r} (use {instead})"
        for where, text in translations(language)
        for word, instead in words
        if uses_word(text, word)
    ]
    assert offending == [], "\n".join(offending)


# Gender by punctuation ("Estimado/a", "invité(e)", "connecté·e"): the glossary asks for a
# rephrasing instead. Portuguese keeps its one accepted form, "Prezado(a) Senhor(a)".
SLASH_FORMS = {
    "es": re.compile(r"\w+[oe]s?/as?\b|\w+\([ao]s?\)"),
    "fr": re.compile(r"\w+\(e\)|\w+·e|\w+/e\b"),
    "pt": re.compile(r"\w+[oe]s?/as?\b|(?<!Prezado)(?<!Senhor)\(as?\)"),
}


def test_a_slash_form_is_recognised():
    assert SLASH_FORMS["es"].search("Estimado/a Sr.")
    assert SLASH_FORMS["fr"].search("Vous êtes invité(e)")
    assert SLASH_FORMS["pt"].search("Caro/a colega")
    assert not SLASH_FORMS["pt"].search("Prezado(a) Senhor(a) Ana,")
    assert not SLASH_FORMS["es"].search("AAAA-MM-DD y 1/2")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_marks_gender_with_punctuation(language):
    offending = [
        f"{where}: {text!r}"
        for where, text in translations(language)
        if SLASH_FORMS[language].search(text)
    ]
    assert offending == [], "\n".join(offending)
