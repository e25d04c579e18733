"""Lecture des tableaux d'une annexe Word (« annexe 1 bis ») : une grille de textes par tableau.

Chaque tableau devient une liste de lignes de textes, dans la grille du document :

- une cellule fusionnée en largeur (la ligne d'axe qui traverse le tableau) ne donne son texte
  qu'à sa première colonne, les suivantes sont vides ;
- une cellule fusionnée en hauteur (la cible qui couvre plusieurs actions, une échéance
  commune) donne son texte à chaque ligne qu'elle couvre ;
- le paragraphe qui précède le tableau (« Feuille de route Entrée en parcours ») est rendu avec
  lui : il nomme l'axe quand le tableau n'a pas de ligne d'axe.

Le fichier est inspecté avant lecture (``check_zip`` : taille, parties, taux de compression) et
le texte du document (``MAX_DOCUMENT_XML``) et le nombre de lignes (``MAX_TABLE_ROWS``) sont
plafonnés.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadmap_app.core.limits import MAX_COLUMNS, MB, FileLimitError, check_zip

#: Texte du document (``word/document.xml``) décompressé : le document est lu en entier en
#: mémoire (lxml, ≈ 10 fois sa taille) ; l'avenant complet en fait moins de 2 Mo.
MAX_DOCUMENT_XML = 12 * MB
#: Lignes de tableau lues dans un document (l'annexe 1 bis en a une cinquantaine ; python-docx
#: lit ≈ 10 000 lignes par seconde).
MAX_TABLE_ROWS = 5_000


@dataclass
class DocTable:
    number: int  # 1 = premier tableau du document
    heading: str  # paragraphe non vide qui précède le tableau
    rows: list[list[Any]]


def read_docx_tables(path: Path, what: str) -> list[DocTable]:
    """Les tableaux du document ; ``ValueError`` si le fichier n'est pas un document Word lisible."""
    check_zip(path, what)
    _check_document_size(path, what)
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    tables: list[DocTable] = []
    heading = ""
    total = 0
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, doc).text.strip()
            if text:
                heading = text
        elif tag == "tbl":
            total += len(child.tr_lst)  # compté avant de lire les cellules
            if total > MAX_TABLE_ROWS:
                raise FileLimitError(
                    f"« {path.name} » : plus de {MAX_TABLE_ROWS} lignes de tableau, refusé. "
                    "Rien n'a été lu."
                )
            table = Table(child, doc)
            rows: list[list[Any]] = []
            for row in table.rows:
                cells = list(row.cells)[: MAX_COLUMNS + 1]
                values: list[Any] = []
                previous = None
                for cell in cells:
                    tc = cell._tc
                    values.append(None if tc is previous else cell.text)
                    previous = tc
                rows.append(values)
            tables.append(DocTable(len(tables) + 1, heading, rows))
            heading = ""
    return tables


def _check_document_size(path: Path, what: str) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            size = archive.getinfo("word/document.xml").file_size
    except (zipfile.BadZipFile, KeyError, OSError):
        return  # pas un document Word : python-docx le dira
    if size > MAX_DOCUMENT_XML:
        raise FileLimitError(
            f"« {path.name} » : le texte du document se décompresse en {size // MB} Mo "
            f"(au plus {MAX_DOCUMENT_XML // MB} Mo pour {what}). Rien n'a été lu."
        )
