"""Lecture des tableaux d'une annexe Word (« annexe 1 bis ») : une grille de textes par tableau.

Chaque tableau devient une liste de lignes de textes, dans la grille du document :

- une cellule fusionnée en largeur (la ligne d'axe qui traverse le tableau) ne donne son texte
  qu'à sa première colonne, les suivantes sont vides ;
- une cellule fusionnée en hauteur (la cible qui couvre plusieurs actions, une échéance
  commune) donne son texte à chaque ligne qu'elle couvre ;
- le paragraphe qui précède le tableau (« Feuille de route Entrée en parcours ») est rendu avec
  lui : il nomme l'axe quand le tableau n'a pas de ligne d'axe.

Le fichier est inspecté avant lecture (``check_zip`` : taille, parties, taux de compression) et
le nombre de lignes lues est plafonné (``MAX_ROWS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadmap_app.core.limits import MAX_COLUMNS, MAX_ROWS, FileLimitError, check_zip


@dataclass
class DocTable:
    number: int  # 1 = premier tableau du document
    heading: str  # paragraphe non vide qui précède le tableau
    rows: list[list[Any]]


def read_docx_tables(path: Path, what: str) -> list[DocTable]:
    """Les tableaux du document ; ``ValueError`` si le fichier n'est pas un document Word lisible."""
    check_zip(path, what)
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
            table = Table(child, doc)
            rows: list[list[Any]] = []
            for row in table.rows:
                total += 1
                if total > MAX_ROWS:
                    raise FileLimitError(
                        f"« {path.name} » : plus de {MAX_ROWS} lignes de tableau, refusé. "
                        "Rien n'a été lu."
                    )
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
