"""Export du bilan : classeur relu avec openpyxl, PDF relu avec pypdf, commande « export bilan »."""

from __future__ import annotations

from decimal import Decimal

import pytest

from roadmap_app.cli.main import main
from roadmap_app.core.errors import UserError
from roadmap_app.export.cells import FMT_DATE, FMT_EUR
from roadmap_app.finance import annexe3
from roadmap_app.finance import read as fin
from roadmap_app.finance.bilan import annexe3_rows
from roadmap_app.finance.bilan_export import export_bilan
from roadmap_app.finance.edit import ExpenseInput, PaymentInput, add_expense, add_payment


def _euros(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture
def spent(ctx):
    """Quelques dépenses sur les volets 2 et 3, et l'avance du volet 3."""
    v3 = fin.load_volet_finance(ctx, 3)
    ateliers = next(ln for ln in v3.plan_lines if ln.montant_cents == 14_875_000)
    delegue = next(ln for ln in v3.plan_lines if ln.montant_cents == 25_000_000)
    ingenierie = next(ln for ln in v3.plan_lines if ln.objet.startswith("ingénierie (chef"))
    add_expense(ctx, 3, ExpenseInput(
        line_id=ateliers.id, nature="=SOMME(A1:A3) ateliers", unite="place", units="190",
        unit_cost="790", period="2nd semestre 2024", objet="Marché ateliers"))  # fmt: skip
    add_expense(ctx, 3, ExpenseInput(
        line_id=delegue.id, nature="Accompagnement délégué", unite="ETP", units="10",
        unit_cost="25 000", period="15/12/2024"))  # fmt: skip
    add_expense(ctx, 3, ExpenseInput(
        line_id=ingenierie.id, nature="Rémunération chef de projet", unite="mois", units="6",
        unit_cost="4 500,50", montant="27 003,00", period="juillet à décembre 2024"))  # fmt: skip
    v2 = fin.load_volet_finance(ctx, 2)
    sante = next(ln for ln in v2.plan_lines if ln.objet == "Santé")
    add_expense(ctx, 2, ExpenseInput(line_id=sante.id, nature="Structure santé", montant="700 000"))
    add_payment(ctx, 3, PaymentInput("avance", "371 250", "01/10/2024", "Titre 518"))
    return ctx


def test_annexe3_rows_follow_the_template(spent):
    rows = annexe3_rows(fin.load_volet_finance(spent, 3))
    groups = [r.label for r in rows if r.kind == "group"]
    assert groups == [g.title for g in annexe3.template(3).groups]
    assert [r.kind for r in rows].count("columns") == 3
    sub = {r.label: r.amount_cents for r in rows if r.kind == "subgroup"}
    assert sub == {"Postes d'ingénierie": 2_700_300, "Postes d'accompagnement": 0}
    totals = {r.label: r.amount_cents for r in rows if r.kind in ("group_total", "volet_total")}
    assert totals == {
        "TOTAL DEPENSES RELATIVES AU RENFORCEMENT DES EQUIPES LOCALES": 2_700_300,
        "TOTAL DEPENSES RENFORCEMENT DES SOLUTIONS LOCALES": 15_010_000 + 25_000_000,
        "TOTAL DEPENSES RELATIVES AU DEVELOPPEMENT SI": 0,
        "TOTAL DEPENSES AU TITRE DU VOLET 3": 42_710_300,
    }


def test_the_workbook_reproduces_annexe_3_with_real_numbers(spent, tmp_path):
    import openpyxl

    out = tmp_path / "bilan.xlsx"
    result = export_bilan(spent, out)
    assert result.volets == (1, 2, 3) and result.expenses == 4
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        "Synthèse", "Volet 1", "Volet 2", "Volet 3", "Consommation", "Mise en œuvre",
        "Avancement par axe", "Graphiques",
    ]  # fmt: skip
    ws = wb["Volet 3"]
    assert (
        ws["A1"].value == "Etat des dépenses contractualisation pour l'insertion et l'emploi 2024"
    )
    assert ws["A2"].value == "VOLET 3"
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3) if r[0].value}
    header = [c.value for c in ws[4]]
    assert ws["A3"].value == "Dépenses relatives au renforcement des équipes locales CD/PE"
    assert header == list(annexe3.COLUMNS)
    chef = rows["Rémunération chef de projet"]
    assert [c.value for c in chef[1:3]] == ["mois", 6]
    assert _euros(chef[3].value) == Decimal("4500.50") and chef[3].number_format == FMT_EUR
    assert _euros(chef[6].value) == Decimal("27003.00") and chef[6].number_format == FMT_EUR
    assert chef[4].value == "juillet à décembre 2024"
    delegue = rows["Accompagnement délégué"]
    assert delegue[4].is_date and delegue[4].number_format == FMT_DATE
    assert delegue[4].value.strftime("%d/%m/%Y") == "15/12/2024"
    formula = rows["=SOMME(A1:A3) ateliers"]  # texte neutralisé (quotePrefix), jamais une formule
    assert formula[0].data_type == "s" and formula[0].quotePrefix
    assert _euros(rows["Postes d'ingénierie"][6].value) == Decimal("27003.00")
    total = rows["TOTAL DEPENSES AU TITRE DU VOLET 3"][6]
    assert _euros(total.value) == Decimal("427103.00") and total.font.bold
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2"
    assert ws.column_dimensions["A"].width >= 40


def test_the_workbook_totals_equal_the_stored_data(spent, tmp_path):
    import openpyxl

    out = tmp_path / "bilan.xlsx"
    export_bilan(spent, out)
    wb = openpyxl.load_workbook(out)
    conso = wb["Consommation"]
    assert conso.freeze_panes == "A3"
    totals = {(r[0].value, r[1].value): r for r in conso.iter_rows(min_row=3) if r[1].value}
    assert _euros(totals[(2, "Total Etoffer l'offre de solutions locales")][7].value) == Decimal(
        "2457000.00"
    )
    assert _euros(totals[(2, "Total Remobilisation / entrée de parcours")][7].value) == Decimal(
        "959146.00"
    )
    sante_total = totals[(2, "Total Levée des freins socio-professionnels")]
    assert _euros(sante_total[7].value) == Decimal("709746.00")
    assert _euros(sante_total[8].value) == Decimal("700000.00")
    assert _euros(totals[(3, "TOTAL VOLET 3")][7].value) == Decimal("618750.00")
    plafond = totals[(3, "Plafond de la convention")]
    assert _euros(plafond[8].value) == Decimal("427103.00")
    assert plafond[10].number_format == "0.0%"
    assert abs(plafond[10].value - 0.6903) < 0.0001  # 427 103 / 618 750 = 69,03 %
    line_rows = [r for r in conso.iter_rows(min_row=3) if r[3].value]
    ateliers = next(r for r in line_rows if "Ateliers collectifs" in r[3].value)
    assert _euros(ateliers[8].value) == Decimal("150100.00")
    assert "⚠" in ateliers[11].value and "dépassement de 1\u202f350,00\u00a0€" in ateliers[11].value

    synth = wb["Synthèse"]
    values = {r[0].value: r for r in synth.iter_rows() if r[0].value}
    v3 = next(
        r
        for r in synth.iter_rows()
        if r[0].value == "Volet 3" and isinstance(r[1].value, int | float)
    )
    assert [_euros(c.value) for c in (v3[1], v3[3], v3[6], v3[7], v3[8])] == [
        Decimal("618750.00"),  # plafond
        Decimal("427103.00"),  # dépenses déclarées
        Decimal("371250.00"),  # avance attendue
        Decimal("371250.00"),  # versements reçus
        Decimal("55853.00"),  # solde dû au bilan
    ]
    assert values["Bilan final (dont volet 3) à transmettre"][2].value == 532

    mo = wb["Mise en œuvre"]
    actions = [r for r in mo.iter_rows(min_row=3, values_only=True) if r[2]]
    assert len(actions) == 35
    assert mo.freeze_panes == "C3" and mo.auto_filter.ref.startswith("A2:")
    ep22 = next(r for r in actions if r[2] == "EP-2.2")
    assert ep22[6:9] == ("○ À lancer – en retard",) * 3
    counts = wb["Avancement par axe"]
    total_row = next(r for r in counts.iter_rows(values_only=True) if r[0] == "Total")
    assert total_row[1:3] == (20, 35) and total_row[-1] == 105


def test_one_volet_only(spent, tmp_path):
    import openpyxl

    out = tmp_path / "volet3.xlsx"
    export_bilan(spent, out, volet=3)
    assert [n for n in openpyxl.load_workbook(out).sheetnames if n.startswith("Volet")] == [
        "Volet 3"
    ]


def test_the_pdf_is_readable(spent, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "bilan.pdf"
    steps = []
    result = export_bilan(spent, out, volet=3, progress=lambda d, t, m: steps.append((d, t)))
    assert steps[-1][0] == steps[-1][1]
    reader = PdfReader(out)
    assert len(reader.pages) == result.pages >= 5
    text = "\n".join(p.extract_text() for p in reader.pages)
    for expected in (
        "Bilan de la convention départementale pour l'insertion et l'emploi",
        "Etat des dépenses contractualisation pour l'insertion et l'emploi 2024",
        "VOLET 3",
        "TOTAL DEPENSES AU TITRE DU VOLET 3",
        "427 103,00 €",  # espace insécable (jamais coupée) ; une espace pour la recherche
        "618 750,00 €",
        "Rémunération chef de projet",
        "Bilan de mise en œuvre du plan d'actions",
        "EP-2.2",
        "Bilan final (dont volet 3) à transmettre",
        f"Page 1 / {result.pages}",
    ):
        assert expected in text, expected
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # paysage
    assert reader.metadata.title.startswith("Bilan – volet 3")


def test_refused_formats_and_failed_writes_leave_nothing_behind(spent, tmp_path, monkeypatch):
    with pytest.raises(UserError, match="Format non reconnu"):
        export_bilan(spent, tmp_path / "bilan.docx")
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "bilan.xlsx"
    out.write_bytes(b"ancien")

    def boom(*_a, **_k):
        raise OSError(28, "Plus de place sur le disque")

    import openpyxl.workbook.workbook as wbmod

    monkeypatch.setattr(wbmod.Workbook, "save", boom)
    with pytest.raises(UserError, match="Plus de place"):
        export_bilan(spent, out)
    assert out.read_bytes() == b"ancien"
    assert sorted(p.name for p in folder.iterdir()) == ["bilan.xlsx"]


def test_cli_export_bilan(db_path, tmp_path, capsys):
    out = tmp_path / "bilan-volet3.xlsx"
    assert main(["--db", str(db_path), "export", "bilan", str(out), "--volet", "3"]) == 0
    assert "Bilan enregistré" in capsys.readouterr().out and out.exists()
    bad = tmp_path / "bilan.odt"
    assert main(["--db", str(db_path), "export", "bilan", str(bad)]) == 2
    assert "Format non reconnu « .odt »" in capsys.readouterr().err and not bad.exists()
    assert main(["--db", str(db_path), "export", "bilan", str(out), "--roadmap", "Inconnue"]) == 2
    assert "Feuille de route « Inconnue » inconnue" in capsys.readouterr().err
