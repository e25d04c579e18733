"""Normalisation de texte pour la recherche (casse et accents ignorés)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """« Échéance Été » → « echeance ete » : minuscules, sans accents ni ligatures."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def first_line(text: str, limit: int = 160) -> str:
    """Première ligne non vide, raccourcie pour l'affichage (le texte complet reste stocké)."""
    for line in text.splitlines():
        line = line.strip().lstrip("-•*⇒ ").strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""
