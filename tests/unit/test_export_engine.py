"""Le moteur PDF et la boîte à outils des classeurs, vérifiés sur les vrais exports (pack de comité,
bilan) : positions du texte relues avec pypdf, largeurs mesurées avec les métriques de la police,
polices et images inspectées dans les dictionnaires du PDF, cellules relues avec openpyxl."""

from __future__ import annotations

import itertools
import math
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from roadmap_app.committees.pack import export_pack
from roadmap_app.committees.snapshots import create_snapshot
from roadmap_app.export import pdf as engine
from roadmap_app.finance import read as fin
from roadmap_app.finance.bilan_export import export_bilan
from roadmap_app.finance.edit import ExpenseInput, add_expense
from roadmap_app.flows.service import set_month
from roadmap_app.plan.status import update_status
from roadmap_app.workshops.workbook import export_workbook, read_workbook

ROADMAP_HEADER = ["Code", "Action", "Échéance", "Pilotes", "Montreuillois", "Audomarois", "Lensois"]
LONG_NOTE = "Compte rendu\x0b détaillé\x01 " + "très long " * 3000 + "— fin du compte rendu"


@pytest.fixture
def store(ctx, db_path):
    create_snapshot(ctx, "COTECH juin", committee="COTECH", taken_on=date(2024, 6, 12))
    update_status(ctx, "EP-2.2", "Lensois", status="realise", progress=100, note="Arrêté")
    for month in range(1, 8):
        set_month(ctx, "Lensois", date(2024, month, 1), {"entrants": 150 + month, "orientes": 140,
                  "orientes_15j": 120, "suivis_ft": 1200, "suivis_cd": 800}, record_undo=False)  # fmt: skip
        set_month(ctx, "Audomarois", date(2024, month, 1), {"entrants": 60 + month}, record_undo=False)
    v3 = fin.load_volet_finance(ctx, 3)
    line = next(ln for ln in v3.plan_lines if ln.montant_cents == 14_875_000)
    add_expense(ctx, 3, ExpenseInput(line_id=line.id, nature="@SOMME(A1) ateliers", unite="place",
                                     units="190", unit_cost="790", period="2nd semestre 2024"))  # fmt: skip
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE action SET commentaires = '=HYPERLINK(\"http://x\";\"clic\")' WHERE code = 'NU-1.3'")
    conn.execute("UPDATE action SET commentaires = ? WHERE code = 'AI-1.1'", (LONG_NOTE,))
    conn.commit()
    conn.close()
    return ctx


@pytest.fixture
def pack_pdf(store, tmp_path) -> PdfReader:
    return PdfReader(export_pack(store, tmp_path / "pack.pdf"))


@pytest.fixture
def bilan_pdf(store, tmp_path) -> PdfReader:
    return PdfReader(export_bilan(store, tmp_path / "bilan.pdf").path)


# -- lecture du PDF -----------------------------------------------------------------------------
Run = tuple[float, float, float, str, str, float]


def runs(page: Any, *, charts: bool = False) -> list[Run]:
    """(x, y, largeur, texte, police, taille) de chaque ligne de texte posée par le moteur
    (DejaVu Sans incorporée par reportlab) ; avec ``charts``, aussi le texte des graphiques
    incrustés (police de matplotlib, largeur non mesurée : 0)."""
    engine.register_fonts()  # métriques des polices du moteur
    out: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        text = text.rstrip("\n")
        if not text.strip() or font is None:
            return
        if font.get("/Subtype") != "/TrueType":
            if charts:
                out.append((cm[4], cm[5], 0.0, text, "graphique", size))
            return
        name = str(font["/BaseFont"]).split("+")[-1]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        pts = size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
        out.append((x, y, stringWidth(text.rstrip(), name, pts), text, name, pts))

    page.extract_text(visitor_text=visit)
    return out


def fonts_and_images(obj: Any, fonts: dict[str, Any], images: list[Any], seen: set[int]) -> None:
    """Polices et images d'une page et de ses formulaires (XObject /Form), récursivement."""
    res = obj.get("/Resources")
    if res is None or id(res) in seen:
        return
    res = res.get_object()
    seen.add(id(res))
    for font in (res.get("/Font") or {}).values():
        font = font.get_object()
        fonts[str(font["/BaseFont"])] = font
    for xobj in (res.get("/XObject") or {}).values():
        xobj = xobj.get_object()
        if xobj.get("/Subtype") == "/Image":
            images.append(xobj)
        elif xobj.get("/Subtype") == "/Form":
            fonts_and_images(xobj, fonts, images, seen)


def embedded(font: Any) -> bool:
    descendants = font.get("/DescendantFonts")
    target = descendants[0].get_object() if descendants else font
    desc = target.get("/FontDescriptor")
    return desc is not None and any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def text_of(reader: PdfReader) -> str:
    return "\n".join(p.extract_text() for p in reader.pages)


# -- PDF ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["pack_pdf", "bilan_pdf"])
def test_fonts_are_embedded_and_charts_are_vectors(which, request):
    reader: PdfReader = request.getfixturevalue(which)
    fonts: dict[str, Any] = {}
    images: list[Any] = []
    for page in reader.pages:
        fonts_and_images(page, fonts, images, set())
    assert fonts and all(embedded(f) for f in fonts.values()), [n for n, f in fonts.items() if not embedded(f)]
    assert not any("Helvetica" in n or "Times" in n or "Courier" in n for n in fonts)
    assert images == []  # aucun graphique en image : des tracés et du texte
    text = text_of(reader)
    if which == "pack_pdf":  # le texte des graphiques se cherche comme le reste
        assert "ARSA suivis par référent" in text and "Lensois — charge par référent" in text
    else:
        assert "Prévu (plan de financement)" in text


@pytest.mark.parametrize("which", ["pack_pdf", "bilan_pdf"])
def test_no_text_runs_into_its_neighbour_or_off_the_page(which, request):
    reader: PdfReader = request.getfixturevalue(which)
    checked = 0
    for number, page in enumerate(reader.pages, 1):
        width = float(page.mediabox.width)
        lines: dict[float, list[tuple[float, float, str]]] = {}
        for x, y, w, text, _font, _size in runs(page):
            assert x >= engine.MARGIN - 1 and x + w <= width - engine.MARGIN + 1, (number, text)
            lines.setdefault(round(y, 1), []).append((x, w, text))
        for line in lines.values():
            line.sort()
            for (x0, w0, t0), (x1, _w1, t1) in itertools.pairwise(line):
                assert x0 + w0 <= x1 - 1, f"page {number} : « {t0} » touche « {t1} »"
                checked += 1
    assert checked > 100


def test_roadmap_cells_stay_in_their_columns_and_headers_repeat(pack_pdf):
    """Le défaut d'avant : « 2ème semestre 2024 » débordait sur la colonne Pilotes (« …2024FT »).
    Chaque ligne de texte finit avant la colonne suivante ; l'en-tête est répété sur chaque page
    du tableau."""
    pages = 0
    wrapped = 0
    for page in pack_pdf.pages:
        found = runs(page)
        header: dict[str, Run] = {}
        for r in sorted(found, key=lambda r: -r[1]):  # la ligne d'en-tête : la plus haute
            if r[3] in ROADMAP_HEADER and r[4].endswith("Bold"):
                header.setdefault(r[3], r)
        if len(header) < len(ROADMAP_HEADER):
            continue
        pages += 1
        top = min(r[1] for r in header.values())
        edges = [*sorted(r[0] for r in header.values()), float(page.mediabox.width) - engine.MARGIN]
        action_lines = 0
        for x, y, w, text, font, size in found:
            if (y >= top - 1 or y < engine.MARGIN + 14 or size > 10
                    or (font.endswith("Bold") and abs(x - edges[0]) < 1)):
                continue  # en-tête, pied de page, titres, lignes de cible (toute la largeur)
            right = next(e for e in edges if e > x + 0.5)
            assert x + w <= right - 1, f"« {text} » déborde de sa colonne"
            action_lines += abs(x - edges[1]) < 1
        wrapped += action_lines
    assert pages >= 3  # la feuille de route complète tient sur plusieurs pages…
    assert wrapped > 20 * pages  # …intitulés repliés sur plusieurs lignes dans leur colonne
    text = text_of(pack_pdf)  # la cellule se replie dans sa colonne, les pilotes à côté
    assert "2ème semestre\n2024\nFT" in text and "2024FT" not in text


@pytest.mark.parametrize("which", ["pack_pdf", "bilan_pdf"])
def test_a_heading_is_never_alone_at_the_bottom_of_a_page(which, request):
    reader: PdfReader = request.getfixturevalue(which)
    headings = 0
    for number, page in enumerate(reader.pages[1:], 2):
        body = [r for r in runs(page, charts=True) if r[1] > engine.MARGIN + 14]  # sans le pied
        for _x, y, _w, text, font, size in body:
            if font.endswith("Bold") and size >= 11.5:  # titres de niveau 1 et 2
                headings += 1
                assert any(r[1] < y - size for r in body), f"page {number} : « {text} » seul en bas"
    assert headings >= 5


def test_a_very_long_comment_is_split_across_pages_not_cut(store, tmp_path):
    reader = PdfReader(export_bilan(store, tmp_path / "bilan.pdf").path)
    pages = [i for i, p in enumerate(reader.pages) if "très long très long" in p.extract_text()]
    assert len(pages) >= 2 and pages == list(range(pages[0], pages[-1] + 1))  # pages qui se suivent
    text = text_of(reader).replace("\n", " ")
    assert "Compte rendu détaillé" in text and "fin du compte rendu" in text  # contrôles retirés
    out = export_pack(store, tmp_path / "pack.xlsx")
    comments = [r[-1] for r in load_workbook(out)["Feuille de route"].iter_rows(values_only=True)
                if r[1] == "AI-1.1"]  # fmt: skip
    assert comments[0].startswith("Compte rendu détaillé très long")
    assert comments[0].endswith("fin du compte rendu")


def test_a_long_table_row_splits_between_pages(tmp_path):
    doc = engine.PdfDocument("Essai")
    doc.heading("Tableau")
    doc.table([engine.Col("Code", 1), engine.Col("Texte", 6)],
              [engine.Row(["A", "mot " * 4000 + "dernier"]), engine.Row(["B", "suite"])])  # fmt: skip
    pages = doc.save(tmp_path / "essai.pdf")
    reader = PdfReader(tmp_path / "essai.pdf")
    assert pages == len(reader.pages) >= 3
    text = text_of(reader)
    assert "dernier" in text and "suite" in text
    assert all(p.extract_text().count("Texte") == 1 for p in reader.pages)  # en-tête répété


def test_an_empty_document_and_odd_characters(tmp_path):
    doc = engine.PdfDocument("Vide <&> \x07")
    doc.paragraph("a < b & c > d\x01 — 1\u202f234 € ; ○ ◐ ✓ ⚠ ▼")
    assert doc.save(tmp_path / "vide.pdf") == 1
    text = text_of(PdfReader(tmp_path / "vide.pdf"))
    assert "a < b & c > d — 1 234 € ; ○ ◐ ✓ ⚠ ▼" in text  # insécable : jamais coupé
    assert engine.PdfDocument("Rien").save(tmp_path / "rien.pdf") == 1


# -- classeurs ----------------------------------------------------------------------------------
def test_formula_like_text_is_quote_prefixed_not_apostrophed(store, tmp_path):
    wb = load_workbook(export_pack(store, tmp_path / "pack.xlsx"))
    cells = {c.value: c for row in wb["Feuille de route"].iter_rows() for c in row
             if isinstance(c.value, str)}  # fmt: skip
    seed = next(v for v in cells if v.startswith("-Développement de compétences"))  # jeu initial
    for value in (seed, '=HYPERLINK("http://x";"clic")'):
        assert cells[value].data_type == "s" and cells[value].quotePrefix, value
    assert not any(v.startswith("'") for v in cells)  # plus d'apostrophe visible
    assert not cells["Action"].quotePrefix
    bilan = load_workbook(export_bilan(store, tmp_path / "bilan.xlsx").path)
    row = next(r for r in bilan["Volet 3"].iter_rows() if r[0].value == "@SOMME(A1) ateliers")
    assert row[0].quotePrefix and row[0].data_type == "s"


def test_a_partner_note_that_looks_like_a_formula_comes_back_unchanged(store, tmp_path):
    update_status(store, "EP-2.2", "Lensois", note="=1+1 puis -2")
    out = export_workbook(store, tmp_path / "partenaire.xlsx", "Lensois")
    ws = load_workbook(out)["Actions"]
    note = next(r[8] for r in ws.iter_rows(min_row=5) if r[0].value == "EP-2.2")
    assert note.value == "=1+1 puis -2" and note.quotePrefix and note.data_type == "s"
    assert ws.protection.sheet and not note.protection.locked
    _meta, base, theirs, _prov = read_workbook(Path(out))
    key = next(k for k in base if k.startswith("EP-2.2@") and k.endswith("note"))
    assert theirs[key] == base[key] == "=1+1 puis -2"
