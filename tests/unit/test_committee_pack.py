"""Le pack de comité : classeur relu feuille par feuille, PDF relu page par page."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from roadmap_app.cli.main import main
from roadmap_app.committees.pack import export_pack
from roadmap_app.committees.snapshots import create_snapshot
from roadmap_app.core.errors import ValidationError
from roadmap_app.indicators import service as svc
from roadmap_app.plan.status import update_status

SHEETS = [
    "Synthèse",
    "Feuille de route",
    "Flux BRSA",
    "Portefeuilles",
    "Financement",
    "Changements",
    "Échéancier",
    "Graphiques",
    "Indicateurs de suivi",
    "Indicateurs",
]


@pytest.fixture
def pack_ctx(ctx, db_path):
    create_snapshot(ctx, "COTECH juin", committee="COTECH", taken_on=date(2024, 6, 12))
    update_status(
        ctx, "EP-2.2", "Lensois", status="realise", progress=100, note="Comités de suivi arrêtés"
    )
    conn = sqlite3.connect(
        db_path
    )  # un commentaire qui ressemble à une formule ne doit jamais s'exécuter
    conn.execute(
        "UPDATE action SET commentaires = '=HYPERLINK(\"http://x\";\"clic\")' WHERE code = 'NU-1.3'"
    )
    conn.commit()
    conn.close()
    return ctx


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_workbook_sheets_types_and_formats(pack_ctx, tmp_path):
    out = export_pack(pack_ctx, tmp_path / "pack.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS

    fdr = wb["Feuille de route"]
    header = [c.value for c in fdr[1]]
    assert header[:6] == ["Niveau", "Code", "Intitulé", "Échéance", "Échéance (libellé)", "Pilotes"]
    assert header[6:9] == ["Montreuillois", "Audomarois", "Lensois"]
    assert fdr.freeze_panes == "A2" and fdr.auto_filter.ref.startswith("A1:")
    assert wb["Synthèse"].freeze_panes == "A5" and wb["Indicateurs"].freeze_panes == "A5"
    assert fdr.print_title_rows == "$1:$1" and fdr.page_setup.orientation == "landscape"
    assert fdr.sheet_properties.pageSetUpPr.fitToPage
    by_code = {r[1].value: r for r in fdr.iter_rows(min_row=2) if r[0].value == "Action"}
    assert len(by_code) == 35
    ep22 = by_code["EP-2.2"]
    assert isinstance(ep22[1].value, str)  # codes en texte
    assert isinstance(ep22[3].value, datetime) and ep22[3].value.date() == date(
        2024, 6, 1
    )  # vraie date
    assert ep22[3].number_format == "DD/MM/YYYY"
    assert ep22[4].value == "1er juin 2024"
    assert ep22[8].value == "Réalisé" and ep22[8].fill.fgColor.rgb.endswith("009E73")
    assert ep22[6].value == "À lancer"
    assert fdr.row_dimensions[ep22[0].row].outlineLevel == 2
    nu13 = by_code["NU-1.3"]
    # texte intact, cellule texte au style « quotePrefix » : affiché tel quel, jamais exécuté
    assert nu13[-1].value == '=HYPERLINK("http://x";"clic")' and nu13[-1].data_type == "s"
    assert nu13[-1].quotePrefix

    synth = wb["Synthèse"]
    table = {
        r[0]: r
        for r in rows_of(synth)
        if r and r[0] in ("Montreuillois", "Audomarois", "Lensois", "Ensemble des bassins")
    }
    assert table["Lensois"][1] == 2118 and table["Montreuillois"][3] == 36
    assert table["Ensemble des bassins"][1] == 3300
    statuses = [c.value for c in synth[4]][6:13]
    assert statuses == [
        "À lancer",
        "En cours",
        "À sécuriser",
        "Reporté",
        "Réalisé",
        "Abandonné",
        "En retard",
    ]
    assert table["Lensois"][10] == 1  # réalisée : EP-2.2 (le jeu initial n'en compte aucune)
    # les ETP de délégués que les documents contredisent : signalés sous le tableau, avec les lignes
    notes = [r[0] for r in rows_of(synth) if r and isinstance(r[0], str) and r[0].startswith("⚠")]
    assert any("Délégués du CD (ETP) — À confirmer" in n and "l. 725" in n for n in notes)

    fin = rows_of(wb["Financement"])
    totals = {
        r[0]: r[6] for r in fin if r and isinstance(r[0], str) and r[0].startswith("TOTAL VOLET")
    }
    assert totals == {"TOTAL VOLET 1": 135000, "TOTAL VOLET 2": 4125892, "TOTAL VOLET 3": 618750}
    money = next(c for row in wb["Financement"].iter_rows() for c in row if c.value == 618750)
    assert "€" in money.number_format

    changes = rows_of(wb["Changements"])
    assert any(
        r[0] == "EP-2.2" and r[2] == "Lensois" and r[4] == "À lancer" and r[5] == "Réalisé"
        for r in changes
    )
    # le code est suivi de l'intitulé de l'action (pas le code seul)
    ep22 = next(r for r in changes if r[0] == "EP-2.2")
    assert ep22[1].startswith("Orientation prononcée par le département")
    indicators = [r[0] for r in rows_of(wb["Indicateurs"])]
    assert "R1" in indicators and "V2-2" in indicators
    # catégorie lisible (avant : « resultat », « moyens », « volet2 », les clés du jeu initial)
    categories = {r[0]: r[2] for r in rows_of(wb["Indicateurs"])}
    assert (categories["R1"], categories["M1"], categories["V2-2"]) == ("Résultat", "Moyens", "Volet 2")


def test_pack_from_a_snapshot_reproduces_the_frozen_state(pack_ctx, tmp_path):
    out = export_pack(pack_ctx, tmp_path / "cotech.xlsx", snapshot="COTECH juin")
    fdr = load_workbook(out)["Feuille de route"]
    ep22 = next(r for r in fdr.iter_rows(min_row=2, values_only=True) if r[1] == "EP-2.2")
    assert ep22[8] == "À lancer"  # état figé, pas l'état actuel
    assert "Aucun instantané antérieur" in str(rows_of(load_workbook(out)["Changements"]))


def test_pdf_has_cover_synthesis_delays_changes_and_full_table(pack_ctx, tmp_path):
    out = export_pack(pack_ctx, tmp_path / "pack.pdf")
    reader = PdfReader(out)
    assert len(reader.pages) >= 5
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "pack de comité", "Synthèse par bassin", "Actions en retard", "Changements depuis le comité précédent",
        "COTECH juin", "Feuille de route complète", "EP-2.2", "GP-4.1", "Lensois", "618",
    ):  # fmt: skip
        assert expected in text, expected


def test_a_failed_export_leaves_no_file(pack_ctx, tmp_path, monkeypatch):
    from roadmap_app.committees import pack_xlsx

    def boom(*a, **k):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(pack_xlsx, "write_indicateurs", boom)
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    (out_dir / "pack.xlsx").write_bytes(b"version precedente")
    with pytest.raises(RuntimeError):
        export_pack(pack_ctx, out_dir / "pack.xlsx")
    assert list(out_dir.iterdir()) == [out_dir / "pack.xlsx"]
    assert (out_dir / "pack.xlsx").read_bytes() == b"version precedente"


def test_cli_export_and_bad_extension(capsys, pack_ctx, db_path, tmp_path):
    assert (
        main(
            [
                "--db",
                str(db_path),
                "export",
                "xlsx",
                str(tmp_path / "p.xlsx"),
                "--snapshot",
                "COTECH juin",
            ]
        )
        == 0
    )
    assert (tmp_path / "p.xlsx").exists()
    assert main(["--db", str(db_path), "export", "pdf", str(tmp_path / "p.xlsx")]) == 2
    assert "extension .pdf" in capsys.readouterr().err
    with pytest.raises(ValidationError, match="non pris en charge"):
        export_pack(pack_ctx, tmp_path / "p.docx")


def test_workbook_look(pack_ctx, tmp_path):
    """Ce que l'on voit du classeur : en-têtes, largeurs, formats, texte replié, volets, titres
    d'impression ; toute cellule en haut de sa case (les cellules écrites sans style comprises)."""
    svc.link(pack_ctx, "EP-1.1", "R1", kind="tdb")
    svc.set_step(pack_ctx, "R1", "target", 60, year=2024)
    svc.set_value(pack_ctx, "R1", 52, date(2024, 3, 1), bassin="Lensois")
    svc.set_value(pack_ctx, "R1", 65, date(2024, 3, 1), bassin="Audomarois")
    wb = load_workbook(export_pack(pack_ctx, tmp_path / "pack.xlsx"))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        written = [c for row in ws.iter_rows() for c in row if c.value is not None]
        assert written and all(c.alignment.vertical == "top" for c in written), ws.title

    def widths(ws):
        return [ws.column_dimensions[chr(65 + i)].width for i in range(ws.max_column)]

    def is_header(cell, fill="14325C", color="FFFFFF"):
        return (cell.font.b and cell.font.color.rgb.endswith(color)
                and cell.fill.fgColor.rgb.endswith(fill) and cell.alignment.wrap_text)  # fmt: skip

    fdr = wb["Feuille de route"]
    assert widths(fdr) == [9, 9, 48, 11, 16, 16, 14, 14, 14, 11, 18, 60, 45, 30, 45]
    assert all(is_header(c) for c in fdr[1])
    assert fdr.freeze_panes == "A2" and fdr.print_title_rows == "$1:$1"
    axe = next(r for r in fdr.iter_rows(min_row=2) if r[0].value == "Axe")
    assert axe[0].font.b and all(c.fill.fgColor.rgb.endswith("DCE6F2") for c in axe)
    action = next(r for r in fdr.iter_rows(min_row=2) if r[0].value == "Action")
    assert action[0].alignment.indent == 2 and action[2].alignment.indent == 2
    assert action[2].alignment.wrap_text and not action[1].alignment.wrap_text
    assert not action[1].font.b and action[1].fill.fill_type is None  # code : sans style
    progress = [r[9] for r in fdr.iter_rows(min_row=2) if r[9].value is not None]
    assert progress and {c.number_format for c in progress} == {"0%"}
    texts = [c for r in fdr.iter_rows(min_row=2) if r[0].value == "Action" for c in r[11:15]]
    assert all(c.alignment.wrap_text for c in texts if c.value)

    synth = wb["Synthèse"]
    assert synth["A1"].font.b and synth["A1"].font.sz == 14 and synth["A2"].font.i
    assert synth.freeze_panes == "A5" and synth.print_title_rows == "$4:$4"
    lensois = next(r for r in synth.iter_rows(min_row=5) if r[0].value == "Lensois")
    assert lensois[0].font.b and lensois[1].number_format == "#,##0"

    suivi = wb["Indicateurs de suivi"]
    assert widths(suivi) == [24, 46, 15, 18, 18, 20, 14]  # actions à la ligne, lisibles imprimées
    assert all(is_header(c) for c in suivi[4])
    assert suivi.freeze_panes == "A5" and suivi.print_title_rows == "$4:$4"
    assert suivi.auto_filter.ref.startswith("A4:G")
    rows = list(suivi.iter_rows(min_row=5, max_col=7))
    assert {r[6].value for r in rows} >= {"atteint", "en-dessous"}
    assert all(r[1].alignment.wrap_text and r[0].alignment.wrap_text for r in rows)  # actions et intitulé
    for r in rows:
        status = r[6]
        if status.value in ("atteint", "en-dessous"):
            color = "067647" if status.value == "atteint" else "B42318"
            assert status.font.b and status.font.color.rgb.endswith(color)
        else:
            assert not status.font.b
    total = next(r for r in wb["Financement"].iter_rows() if r[0].value == "TOTAL VOLET 1")
    assert total[0].font.b and total[6].font.b and total[6].number_format == '#,##0.00 "€"'
    ech = wb["Échéancier"]
    dates = [c for r in ech.iter_rows(min_row=5, min_col=4, max_col=5) for c in r if c.value]
    assert dates and {c.number_format for c in dates} == {"DD/MM/YYYY"}
