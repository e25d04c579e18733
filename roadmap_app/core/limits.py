"""Limites de lecture des fichiers venus d'ailleurs : imports des flux (.xlsx, .csv), classeurs
partenaires, paquets d'atelier, sauvegardes à restaurer.

Un fichier hostile ou abîmé (classeur qui annonce un million de lignes, « bombe » zip, état
compressé qui se décompresse en gigaoctets) est refusé en moins de 5 s et de 300 Mo de mémoire,
avec un message en français qui nomme le fichier et la limite :

- la taille du fichier est vérifiée avant de l'ouvrir ;
- un classeur (une archive zip) est inspecté avant d'être lu : nombre de parties, taille
  décompressée annoncée de chacune et du total, taux de compression (``zipfile`` s'arrête de
  toute façon à la taille annoncée, et signale alors une somme de contrôle fausse) ;
- les lignes sont lues une à une, sans se fier aux dimensions annoncées par la feuille, avec des
  plafonds de lignes, de colonnes et de cellules ;
- un état compressé est décompressé par morceaux, plafonné.

Tous les lecteurs passent par ce module ; les plafonds sont très au-dessus de ce que produit
l'application à 100 fois le plan réel (voir ``bench/``).
"""

from __future__ import annotations

import threading
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from roadmap_app.core.errors import UserError
from roadmap_app.core.formatting import format_number

MB = 1024 * 1024

#: Base SQLite (sauvegarde à restaurer, paquet d'atelier) : la base à 100× pèse 44 Mo.
MAX_STORE_BYTES = 256 * MB
#: Classeur .xlsx (fichier compressé).
MAX_XLSX_BYTES = 32 * MB
#: Parties d'un classeur, taille décompressée d'une partie, de toutes, taux de compression.
MAX_XLSX_MEMBERS = 1000
MAX_XLSX_MEMBER_BYTES = 32 * MB
MAX_XLSX_TOTAL_BYTES = 64 * MB
MAX_ZIP_RATIO = 200
#: Le taux n'est vérifié qu'au-delà de cette taille (un petit XML répétitif se comprime fort).
RATIO_FROM_BYTES = 1 * MB
#: Fichier CSV.
MAX_CSV_BYTES = 32 * MB
#: Lignes d'une feuille ou d'un CSV (openpyxl lit ≈ 25 000 lignes par seconde ; le format long
#: des flux à 100× : 27 000 lignes), colonnes lues (le modèle des flux en a 27), cellules non vides.
MAX_ROWS = 40_000
MAX_COLUMNS = 64
MAX_CELLS = 500_000
#: État de départ d'un paquet ou d'un classeur d'atelier, décompressé (≈ 5 Mo à 100×).
MAX_STATE_BYTES = 64 * MB


class FileLimitError(UserError):
    """Fichier refusé parce qu'il dépasse une limite ; rien n'a été lu ni écrit."""


def _mb(n: int) -> str:
    return f"{_n(round(n / MB))} Mo"


def _n(n: float) -> str:
    """« 40 000 » (espace fine insécable)."""
    return format_number(n)


def check_file_size(path: Path, limit: int, what: str) -> int:
    """Taille de ``path`` ; ``FileLimitError`` au-delà de ``limit`` (``what`` : « le classeur »…)."""
    size = path.stat().st_size
    if size > limit:
        raise FileLimitError(
            f"« {path.name} » est trop volumineux pour {what} ({_mb(size)} ; au plus {_mb(limit)}). "
            "Rien n'a été lu."
        )
    return size


def column_letter(column: int) -> str:
    """Lettre d'une colonne de tableur (1 → « A », 27 → « AA ») pour situer une erreur."""
    s = ""
    while column:
        column, r = divmod(column - 1, 26)
        s = chr(65 + r) + s
    return s


def read_csv_text(path: Path, what: str, unreadable: type[Exception]) -> str:
    """Texte d'un fichier CSV d'import, taille bornée (``MAX_CSV_BYTES``), en UTF-8 (avec ou sans
    BOM) ou, à défaut, en Windows-1252 (Excel français). ``unreadable`` : l'erreur levée, avec un
    message qui nomme le fichier, pour un fichier qui n'est pas du texte (octet nul, binaire)."""
    check_file_size(path, MAX_CSV_BYTES, what)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
        break
    raise unreadable(f"« {path.name} » n'est pas un fichier texte CSV lisible.")


def read_csv_rows(path: Path, what: str, unreadable: type[Exception]) -> list[list[str]]:
    """Lignes d'un fichier CSV d'import (``read_csv_text``), au plus ``MAX_ROWS`` lignes et
    ``MAX_COLUMNS + 1`` colonnes. Séparateur : celui des « ; », « , » et tabulations qui revient le
    plus dans les 10 premières lignes (« ; » à égalité : Excel français, où « , » est la virgule
    décimale)."""
    import csv
    import io

    text = read_csv_text(path, what, unreadable)
    head = text.splitlines()[:10]
    delimiter = max((";", ",", "\t"), key=lambda d: (sum(line.count(d) for line in head), d == ";"))
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for r in reader:
            rows.append(r[: MAX_COLUMNS + 1])
            check_row_count(len(rows), f"« {path.name} »")
    except csv.Error as err:
        raise unreadable(csv_error(path, reader.line_num, err)) from None
    return rows


def csv_error(path: Path, line: int, err: Exception) -> str:
    """Message d'un CSV que le module ``csv`` refuse, en français et situé (le texte anglais du
    module, « field larger than field limit (131072) », ne dit ni où ni quoi faire)."""
    import csv

    if "field larger" in str(err):
        why = f"une cellule dépasse {csv.field_size_limit():,} caractères".replace(",", "\u202f")
    else:
        why = "guillemets ou fin de ligne mal placés"
    return f"« {path.name} » n'est pas un CSV lisible : ligne {line}, {why}."


def check_zip(path: Path, what: str) -> None:
    """Inspecte l'archive d'un classeur avant toute lecture ; ``FileLimitError`` si elle annonce
    trop de parties, une partie ou un total trop gros, ou un taux de compression de bombe.
    Une archive illisible n'est pas signalée ici (le lecteur le dira)."""
    check_file_size(path, MAX_XLSX_BYTES, what)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except Exception:  # archive illisible : le lecteur le dira, avec son propre message
        return
    if len(infos) > MAX_XLSX_MEMBERS:
        raise FileLimitError(
            f"« {path.name} » contient {len(infos)} parties (au plus {MAX_XLSX_MEMBERS}) : ce n'est "
            "pas un classeur ordinaire. Rien n'a été lu."
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_XLSX_MEMBER_BYTES or total > MAX_XLSX_TOTAL_BYTES:
            raise FileLimitError(
                f"« {path.name} » se décompresse en plus de {_mb(MAX_XLSX_TOTAL_BYTES if total > MAX_XLSX_TOTAL_BYTES else MAX_XLSX_MEMBER_BYTES)} "
                f"(partie « {info.filename} » : {_mb(info.file_size)}) : refusé pour {what}. Rien n'a été lu."
            )
        if info.file_size > RATIO_FROM_BYTES and ratio > MAX_ZIP_RATIO:
            raise FileLimitError(
                f"« {path.name} » est anormalement compressé (partie « {info.filename} » : "
                f"{_n(ratio)} pour 1, au plus {MAX_ZIP_RATIO}) : refusé pour {what}. Rien n'a été lu."
            )


_LOAD = threading.Lock()


def load_workbook_streaming(path: Path, *, data_only: bool = False) -> Any:
    """Classeur ``openpyxl`` en lecture seule (lignes lues à la demande, par ``sheet_rows``).

    À l'ouverture, openpyxl cherche les dimensions de chaque feuille ; quand la feuille n'en
    annonce pas, il la lit en entier pour rien (``ReadOnlyWorksheet._get_size`` : 400 000 lignes,
    3,5 s). Les dimensions ne servent pas ici (``sheet_rows`` les ignore) : la recherche est
    sautée pendant l'ouverture."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with _LOAD:
        original = ReadOnlyWorksheet._get_size
        ReadOnlyWorksheet._get_size = lambda self: None
        try:
            return load_workbook(path, read_only=True, data_only=data_only)
        finally:
            ReadOnlyWorksheet._get_size = original


def percent_value(value: Any, number_format: Any) -> Any:
    """Valeur telle que l'utilisateur la lit : « 45 % » tapé dans Excel est enregistré 0,45 avec un
    format pourcentage ; il est rendu 45 (arrondi pour effacer les 45,000000000001)."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in str(number_format or "")
    ):
        return round(value * 100, 9)
    return value


class Uncalculated(str):
    """Cellule d'une formule sans valeur calculée (classeur écrit par un programme, jamais
    ouvert dans un tableur) : le texte de la formule, pour qu'elle ne passe pas pour vide."""

    __slots__ = ()


def _formula_rows(ws: Any, percent: bool) -> Iterator[list[Any]]:
    """Comme ``ws.iter_rows(values_only=True)`` d'un classeur ouvert avec ``data_only`` (valeurs
    calculées), mais une formule sans valeur calculée rend ``Uncalculated`` au lieu de ``None``
    (openpyxl n'a pas de mode qui donne les deux). Lignes absentes : listes vides ; colonnes
    au-delà de ``MAX_COLUMNS + 1`` : non lues."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = Uncalculated("=" + (element.findtext(FORMULA_TAG) or ""))
            return cell

    book = ws.parent
    expected = 1
    with ws._get_source() as src:
        parser = Parser(src, ws._shared_strings, data_only=True, epoch=book.epoch,
                        date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)  # fmt: skip
        for idx, cells in parser.parse():
            while expected < idx:
                yield []
                expected += 1
            values: list[Any] = []
            for c in cells:
                column = c["column"]
                if column > MAX_COLUMNS + 1 or column <= len(values):
                    continue
                values.extend([None] * (column - 1 - len(values)))
                value = c["value"]
                if percent and c["style_id"]:
                    cell = ReadOnlyCell(ws, idx, column, value, c["data_type"], c["style_id"])
                    value = percent_value(value, cell.number_format)
                values.append(value)
            yield values
            expected = max(expected, idx + 1)


def sheet_rows(
    ws: Any, where: str, *, max_rows: int = MAX_ROWS, percent: bool = False, formulas: bool = False
) -> Iterator[list[Any]]:
    """Lignes d'une feuille openpyxl (mode ``read_only``), valeurs seulement, une à une.

    ``percent`` : un nombre au format pourcentage est rendu tel qu'affiché (0,45 → 45).
    ``formulas`` (classeur ouvert avec ``data_only``) : une formule sans valeur calculée rend
    ``Uncalculated`` (à signaler) et non ``None`` (cellule vide).

    Les dimensions annoncées par la feuille (« A1:XFD1048576 ») sont ignorées : openpyxl
    compléterait chaque ligne jusqu'à la dernière colonne annoncée et chaque ligne manquante
    jusqu'à la dernière ligne. Les cellules vides de fin de ligne sont retirées ; au-delà de
    ``max_rows`` lignes, ``MAX_COLUMNS`` colonnes remplies ou ``MAX_CELLS`` cellules, refus."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    cells = 0
    rows = (_formula_rows(ws, percent) if formulas
            else ws.iter_rows(values_only=not percent, max_col=MAX_COLUMNS + 1))  # fmt: skip
    for n, row in enumerate(rows, 1):
        if n > max_rows:
            raise FileLimitError(
                f"{where} : plus de {_n(max_rows)} lignes, refusé. Rien n'a été lu."
            )
        if formulas:
            values = row
        elif percent:
            values = [percent_value(c.value, getattr(c, "number_format", None)) for c in row]
        else:
            values = list(row)
        while values and values[-1] in (None, ""):
            values.pop()
        if len(values) > MAX_COLUMNS:
            raise FileLimitError(
                f"{where}, ligne {n} : plus de {MAX_COLUMNS} colonnes remplies, refusé. Rien n'a été lu."
            )
        cells += sum(1 for v in values if v not in (None, ""))
        if cells > MAX_CELLS:
            raise FileLimitError(
                f"{where} : plus de {_n(MAX_CELLS)} cellules remplies, refusé. Rien n'a été lu."
            )
        yield values


def check_row_count(count: int, where: str) -> None:
    if count > MAX_ROWS:
        raise FileLimitError(f"{where} : plus de {_n(MAX_ROWS)} lignes, refusé. Rien n'a été lu.")


def decompress(data: bytes, what: str, limit: int = MAX_STATE_BYTES) -> bytes:
    """``zlib`` plafonné : au-delà de ``limit`` octets décompressés, ``FileLimitError`` (la
    décompression s'arrête là) ; données illisibles : ``zlib.error``."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise FileLimitError(
            f"{what} : l'état enregistré se décompresse en plus de {_mb(limit)}, refusé. "
            "Rien n'a été écrit."
        )
    out += inflater.flush()
    if not inflater.eof:
        raise zlib.error("données compressées tronquées")
    return out
