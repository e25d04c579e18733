"""Normalisation de texte pour la recherche (casse et accents ignorés)."""

from __future__ import annotations

import re
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


#: Caractères de contrôle (sauf tabulation et retour à la ligne), DEL et C1, non-caractères et
#: moitiés de paires UTF-16 : invisibles, refusés par les tableurs (openpyxl lève
#: IllegalCharacterError) et par XML.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Texte saisi (interface, ligne de commande, import, fusion) : fins de ligne ramenées à
    « \\n », caractères de contrôle retirés ; tabulation et retour à la ligne gardés."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)
