"""Organisations pilotes reconnues dans un libellé tel qu'écrit (« CD/FT », « CD/Etat/OFT »…).

Le libellé d'origine est toujours gardé ; cette lecture ne sert qu'à proposer les liens vers les
organisations (cases à cocher de l'interface, ``--pilotes`` sans ``--organisations`` en CLI).
"""

from __future__ import annotations

import re

from roadmap_app.core.text import fold

#: Expressions (sans accents ni majuscules) → code d'organisation.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"conseil departemental|departement|\bcd(?:62)?\b", "CD"),
    (r"france travail|pole emploi|\bo?ft\b|\bpe\b", "FT"),
    (r"\bcaf\b", "CAF"),
    (r"\bmsa\b", "MSA"),
    (r"\betat\b|\bddets\b|\bprefecture\b", "ETAT"),
    (r"conseil regional|\bregion\b|\bcr\b", "CR"),
    (r"betagouv|beta\.?gouv|\bgip\b", "GIP"),
)
#: « Territoires expérimentateurs » sans autre précision : le Département et France Travail.
_TERRITOIRES = re.compile(r"territoires? experimentat")


def organisations_in(label: str) -> list[str]:
    """Codes des organisations citées, dans l'ordre où elles apparaissent dans le libellé."""
    text = fold(label or "").replace("-", " ")
    found: list[tuple[int, str]] = []
    for pattern, code in _PATTERNS:
        m = re.search(pattern, text)
        if m is not None:
            found.append((m.start(), code))
    if not found and _TERRITOIRES.search(text):
        return ["CD", "FT"]
    return [code for _pos, code in sorted(found)]
