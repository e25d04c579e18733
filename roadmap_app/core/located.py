"""Erreurs situées des imports de fichiers (flux, indicateurs) : où (feuille, ligne, colonne et
son en-tête), pourquoi une cellule attendue est vide, et le message de refus commun.

Le refus liste les erreurs dans l'ordre du fichier (feuille, ligne, colonne), une par ligne, au
plus ``SHOWN`` puis « … et 7 autres erreurs. ». Une cellule vide se dit « valeur manquante » ;
une formule que personne n'a calculée (classeur écrit par un programme, jamais ouvert dans un
tableur) se dit telle quelle, avec le remède : elle n'est jamais prise pour une cellule vide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadmap_app.core.formatting import plural
from roadmap_app.core.limits import Uncalculated, column_letter

#: Erreurs montrées dans le message de refus ; les suivantes sont comptées.
SHOWN = 25
MISSING = "valeur manquante"
UNCALCULATED = ("formule sans valeur calculée — ouvrez et enregistrez le classeur dans Excel ou "
                "LibreOffice")  # fmt: skip


class CsvFile(str):
    """Le nom qui tient lieu de feuille pour un CSV : son nom sans extension (un import de flux
    y lit le bassin). Un CSV n'a pas de feuille : ``Where`` le situe par ligne et colonne seules,
    et par son nom de fichier quand ni l'une ni l'autre n'est précisée."""

    filename: str

    def __new__(cls, path: Path) -> CsvFile:
        obj = super().__new__(cls, path.stem)
        obj.filename = path.name
        return obj


def sheet_text(sheet: str) -> str:
    """« feuille « Valeurs » », ou « fichier « valeurs.csv » » pour un CSV."""
    return f"fichier « {sheet.filename} »" if isinstance(sheet, CsvFile) else f"feuille « {sheet} »"


@dataclass(frozen=True)
class Where:
    """« feuille « Valeurs », ligne 7, colonne C (date) » ; ligne ou colonne 0 : non précisée.
    Dans un CSV (``CsvFile``) : « ligne 7, colonne C (date) »."""

    sheet: str
    row: int = 0
    column: int = 0
    header: str = ""

    def __str__(self) -> str:
        parts = [] if isinstance(self.sheet, CsvFile) else [sheet_text(self.sheet)]
        if self.row:
            parts.append(f"ligne {self.row}")
        if self.column:
            parts.append(f"colonne {column_letter(self.column)}" + (f" ({self.header})" if self.header else ""))
        return ", ".join(parts) or sheet_text(self.sheet)


#: Une erreur : son emplacement (``Where``, un texte qui situe autrement, ou rien) et son motif.
Problem = tuple[Where | str | None, str]


def is_blank(raw: Any) -> bool:
    """Cellule vide : rien, ou seulement des espaces (une formule non calculée n'est pas vide)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def blank_reason(raw: Any) -> str | None:
    """Pourquoi une cellule ne donne pas de valeur : « valeur manquante », la formule non
    calculée ; ``None`` si elle en a une."""
    if isinstance(raw, Uncalculated):
        return UNCALCULATED
    return MISSING if is_blank(raw) else None


def refusal(filename: str, problems: list[Problem], shown: int = SHOWN) -> str:
    """« Import de « f.csv » refusé, rien n'a été écrit : » puis les erreurs triées par feuille
    (dans l'ordre du fichier), ligne et colonne, une par ligne, bornées à ``shown``."""
    sheets: dict[str, int] = {}
    for where, _msg in problems:
        if isinstance(where, Where):
            sheets.setdefault(where.sheet, len(sheets))

    def key(p: Problem) -> tuple[int, int, int]:
        where = p[0]
        return (sheets[where.sheet], where.row, where.column) if isinstance(where, Where) else (-1, 0, 0)

    lines = [f"- {where} : {msg}" if where else f"- {msg}" for where, msg in sorted(problems, key=key)]
    rest = len(lines) - shown
    more = f"\n… et {plural(rest, 'autre erreur', 'autres erreurs')}." if rest > 0 else ""
    return f"Import de « {filename} » refusé, rien n'a été écrit :\n" + "\n".join(lines[:shown]) + more
