"""Écriture de classeurs (``export.xlsx``) : ce que l'utilisateur voit, quelle que soit la façon
dont les cellules sont écrites (brutes ou stylées, styles partagés)."""

from __future__ import annotations

import re
import zipfile
from datetime import date

from openpyxl import load_workbook

from roadmap_app.export.cells import FMT_INT
from roadmap_app.export.xlsx import HEADER_FILL, Book


def sheet_xml(path, n: int = 1) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode()


def cell_xml(xml: str, ref: str) -> str:
    found = re.search(rf'<c r="{ref}"[^>]*>', xml)
    assert found, ref
    return found.group(0)


def test_a_plain_value_has_no_style_of_its_own_yet_sits_at_the_top(tmp_path):
    book = Book(title="Essai")
    sh = book.sheet("Feuille", [12, 30])
    long = "un texte assez long pour tenir sur plusieurs lignes dans sa colonne " * 3
    sh.append([sh.cell("court"), sh.cell(long, wrap=True)])
    sh.append([sh.cell(12), sh.cell(3.5), sh.cell("hors des colonnes déclarées")])
    out = book.save(tmp_path / "essai.xlsx")

    xml = sheet_xml(out)
    # écrites brutes (sans style : rapide), la colonne C exceptée (pas de style de colonne)
    for ref in ("A1", "A2", "B2"):
        assert " s=" not in cell_xml(xml, ref)
    assert " s=" in cell_xml(xml, "B1") and " s=" in cell_xml(xml, "C2")

    ws = load_workbook(out)["Feuille"]
    # en haut de cellule comme la cellule repliée voisine (ligne haute) : style 0 du classeur
    # (Excel), style des colonnes (LibreOffice, qui ignore le style 0 d'une cellule sans style)
    for ref in ("A1", "B1", "A2", "B2", "C2"):
        assert ws[ref].alignment.vertical == "top", ref
    assert ws["B1"].alignment.wrap_text and not ws["A1"].alignment.wrap_text
    assert ws.row_dimensions[1].height > 15
    for col, width in (("A", 12), ("B", 30)):
        dim = ws.column_dimensions[col]
        assert dim.width == width and dim.alignment.vertical == "top"
        assert dim.alignment.horizontal in (None, "general")
    assert [c.value for c in ws[2]] == [12, 3.5, "hors des colonnes déclarées"]
    assert ws["A2"].number_format == "General" and ws["A2"].font.b is False


def test_shared_styles_keep_each_cell_its_own_look(tmp_path):
    book = Book()
    sh = book.sheet("Feuille", [20, 12, 12, 12], header_row=1)
    sh.header(["Nom", "Nombre", "Date", "Autre"])
    for i in range(3):
        sh.append([sh.cell(f"ligne {i}", bold=i == 1), sh.cell(1000 + i, fmt=FMT_INT),
                   sh.cell(date(2024, 5, i + 1)), sh.cell("=1+1")])  # fmt: skip
    sh.append([date(2024, 6, 1), 7, "texte"])  # valeurs brutes : la date a son format, pas le 7
    out = book.save(tmp_path / "essai.xlsx")

    ws = load_workbook(out)["Feuille"]
    head = ws["A1"]
    assert head.font.b and head.font.color.rgb.endswith("FFFFFF")
    assert head.fill.fgColor.rgb.endswith(HEADER_FILL) and head.alignment.wrap_text
    assert [ws[f"A{r}"].font.b for r in (2, 3, 4)] == [False, True, False]
    assert {ws[f"B{r}"].number_format for r in (2, 3, 4)} == {FMT_INT}
    assert {ws[f"C{r}"].number_format for r in (2, 3, 4)} == {"DD/MM/YYYY"}
    assert ws["C3"].value.date() == date(2024, 5, 2)
    # un texte qui ressemble à une formule : texte, jamais exécuté
    assert ws["D2"].value == "=1+1" and ws["D2"].data_type == "s" and ws["D2"].quotePrefix
    assert ws["A5"].is_date and ws["B5"].number_format == "General" and ws["B5"].value == 7
    assert not ws["B2"].font.b and not ws["B2"].quotePrefix
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
