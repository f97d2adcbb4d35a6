"""Checks a term base must pass before it is shipped or used: each problem with its row."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from toolkit import languages
from toolkit.glossary import gender
from toolkit.glossary.base import STATUSES, TRUE_VALUES, TYPES, Glossary
from toolkit.glossary.cells import cell_problem
from toolkit.glossary.match import is_acronym
from toolkit.glossary.text import ZERO_WIDTH, keyed


@dataclass(frozen=True)
class Problem:
    row: int  # 1-based line in the file (0 when the concept was not read from a file)
    column: str
    message: str
    warning: bool = False  # reported, but does not fail lint nor refuse an edit

    def format(self, name: str) -> str:
        where = f"{name}:{self.row}" if self.row else name
        where = f"{where}: warning" if self.warning else where
        return (
            f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


def lint(glossary: Glossary) -> list[Problem]:
    """All problems, in file order."""
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    term_owner: dict[tuple[str, str], tuple[str, int]] = {}
    langs = glossary.langs
    for concept in glossary.concepts:
        row = concept.row

        def report(column: str, message: str, row: int = row) -> None:
            problems.append(Problem(row, column, message))

        cid = concept.id
        if not cid.strip():
            report("id", "empty id")
        elif cid in first_row:
            report("id", f"duplicate id '{cid}' (first on row {first_row[cid]})")
        else:
            first_row[cid] = row
        if concept.type not in TYPES:
            report("type", f"'{concept.type}' is not one of {', '.join(TYPES)}")
        if concept.status not in STATUSES:
            report("status", f"'{concept.status}' is not one of {', '.join(STATUSES)}")
        if not concept.cells.get("source", "").strip():
            report("source", "empty source (say where the official name comes from)")
        column_problem = concept.column_problem()
        if column_problem:
            report(*column_problem)
        if (gender_problem := gender.problem(glossary, concept)) is not None:
            report("gender", gender_problem)
        dnt = concept.cells.get("dnt", "").strip().lower()
        if dnt and dnt not in (*TRUE_VALUES, "no", "false", "0"):
            report("dnt", f"'{dnt}' is not yes or empty")
        for column, value in concept.cells.items():
            _check_cell(column, value, report)
        parsed = gender.parse(concept.cells.get("gender", ""))
        partner = parsed[1] if parsed else None
        for lang in langs:
            cell = concept.cells.get(lang, "")
            variants = [v.strip() for v in cell.split("|")] if cell.strip() else []
            if not variants and not concept.dnt:
                report(lang, "empty preferred term")
            elif variants and not variants[0]:
                report(lang, "empty preferred term (the cell starts with ' | ')")
            elif any(not v for v in variants):
                report(lang, "empty variant between ' | ' separators")
            for variant in (v for v in variants if v):
                if not concept.dnt and not is_acronym(variant, concept):
                    _check_script(variant, lang, report)
                key = (lang, _key(variant, lang, is_acronym(variant, concept)))
                owner = term_owner.get(key)
                if owner and owner[0] != cid and owner[0] != partner:
                    # the same word in two concepts: warn, don't refuse (gender rows share)
                    message = f"'{variant}' is also a term of '{owner[0]}' (row {owner[1]})"
                    problems.append(Problem(row, lang, message, warning=True))
                elif not owner:
                    term_owner[key] = (cid, row)
            forbidden_cell = concept.cells.get(f"forbidden_{lang}", "")
            keys = {_key(v, lang, False) for v in variants if v}
            for bad in (v.strip() for v in forbidden_cell.split("|") if v.strip()):
                if _key(bad, lang, False) in keys:
                    report(f"forbidden_{lang}", f"forbidden '{bad}' equals a preferred form")
    problems.extend(_forbidden_inside_names(glossary))
    return sorted(problems, key=lambda p: p.row)


def _forbidden_inside_names(glossary: Glossary) -> list[Problem]:
    """Warn where a forbidden variant is part of another concept's form: it stays allowed there
    (constraints drop it when the segment needs that name), but a terminologist should know."""
    from toolkit.glossary.match import contains

    found: list[Problem] = []
    for lang in glossary.langs:
        names = [(c.id, t) for c in glossary.concepts for t in c.terms(lang)]
        for concept in glossary.concepts:
            for bad in concept.forbidden(lang):
                other = next(
                    (cid for cid, t in names if cid != concept.id and contains(t, bad, lang)), None
                )
                if other:
                    message = f"forbidden '{bad}' is part of a form of '{other}' (allowed there)"
                    found.append(Problem(concept.row, f"forbidden_{lang}", message, warning=True))
    return found


def _key(term: str, lang: str, acronym: bool) -> str:
    return keyed(term, lang, lower=not acronym).key.strip()


def _check_cell(column: str, value: str, report) -> None:  # noqa: ANN001 - local callback
    if (problem := cell_problem(value)) is not None:
        report(column, problem)
    if value != value.strip():
        report(column, "leading or trailing spaces")
    if "  " in value:
        report(column, "double space")
    if "|" in value and any(part != part.strip() for part in value.split(" | ")):
        report(column, "variants must be separated by ' | ' (one space each side)")
    if unicodedata.normalize("NFC", value) != value:
        report(column, "text is not NFC (normalise it: composed characters)")
    if any(c in ZERO_WIDTH for c in value):
        report(column, "zero-width character in the cell")


def _check_script(term: str, lang: str, report) -> None:  # noqa: ANN001 - local callback
    """Every letter in the column's script; Latin capitals (acronyms) allowed in km/lo/th."""
    own = languages.get(lang).script
    for char in term:
        script = languages.script_of(char)
        if script is None or script == own or (script == "Latn" and char.isupper()):
            continue
        name = unicodedata.name(char, "?")
        script_name = languages.get(lang).name
        report(
            lang, f"'{term}' is not written in the {script_name} script (U+{ord(char):04X} {name})"
        )
        return
    if (
        lang == "en"
        and languages.detect(term) == "vi"
        and any(unicodedata.normalize("NFD", c) != c for c in term)
    ):
        report(lang, f"'{term}' has Vietnamese letters in the English column")
