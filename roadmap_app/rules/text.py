"""Normalisation de texte pour la recherche (casse et accents ignorés)."""

from __future__ import annotations

import unicodedata

_REPLACEMENTS = (
    ("œ", "oe"), ("æ", "ae"), ("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'),
    ("\u00a0", " "), ("\u202f", " "), ("\u2009", " "), ("\u2013", "-"), ("\u2014", "-"),
)  # fmt: skip


def fold(text: str) -> str:
    """« Échéance Été » → « echeance ete » : minuscules, sans accents, ligatures développées.

    Apostrophes et espaces typographiques sont ramenés à leur forme simple ; les autres signes
    non ASCII (guillemets « ») disparaissent, de la même façon dans le texte et dans la recherche.
    Tout se fait dans des fonctions natives (rapide sur des milliers de longs textes).
    """
    text = text.casefold()
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii")


def first_line(text: str, limit: int = 160) -> str:
    """Première ligne non vide, raccourcie pour l'affichage (le texte complet reste stocké)."""
    for line in text.splitlines():
        line = line.strip().lstrip("-•*⇒ ").strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""
