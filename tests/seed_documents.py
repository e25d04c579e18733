"""Les documents sources (``../shared/seeds``) : où les trouver, et lire leurs lignes.

Le dossier ``shared/seeds`` est cherché à côté du dépôt et de ses parents (une copie de travail
dans ``wt/<nom>`` le trouve aussi) ; ``ROADMAP_APP_SEEDS`` le désigne explicitement. Les tests
qui en ont besoin sont sautés seulement s'il est absent.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def seeds_dir() -> Path | None:
    env = os.environ.get("ROADMAP_APP_SEEDS")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for parent in REPO.parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


SEEDS = seeds_dir()
needs_seeds = pytest.mark.skipif(
    SEEDS is None, reason="documents sources absents (../shared/seeds)"
)


@cache
def lines(name: str) -> tuple[str, ...]:
    """Lignes d'un document (numérotées à partir de 1 : ``lines(doc)[n - 1]``)."""
    assert SEEDS is not None
    return tuple((SEEDS / name).read_text(encoding="utf-8").split("\n"))


def tokens(text: str) -> set[str]:
    """Mots d'un texte, sans balises, exposants ni différence d'apostrophe ou de casse."""
    text = text.replace("^{er}", "er").replace("^{ère}", "ère").replace("’", "'")
    text = re.sub(r"<[^>]+>", " ", text)
    return set(re.findall(r"\w+", text.lower()))


def normalized(text: str) -> str:
    text = (
        text.replace("’", "'").replace("…", "...").replace("^{er}", "er").replace("^{ère}", "ère")
    )
    return " ".join(text.split())


_LINES = r"(\d+(?:-\d+)?(?:(?:, | et )\d+(?:-\d+)?)*)"
_REF = re.compile(rf"(\d{{3}}_[0-9a-f]{{16}}\.txt)|\bl\. {_LINES}")


def references(text: str, default: str) -> dict[str, set[int]]:
    """Lignes citées dans un texte : « 004_….txt, l. 9423-9451 », « l. 337, 379 et 469 » (le dernier
    document nommé, sinon ``default``)."""
    refs: dict[str, set[int]] = {}
    current = default
    for m in _REF.finditer(text):
        if m.group(1):
            current = m.group(1)
            continue
        for part in re.split(r", | et ", m.group(2)):
            lo, _sep, hi = part.partition("-")
            refs.setdefault(current, set()).update(range(int(lo), int(hi or lo) + 1))
    return refs


def quotes(text: str) -> list[str]:
    return re.findall(r"« (.+?) »", text)
