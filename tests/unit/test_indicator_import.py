"""Import des valeurs d'indicateurs (format long ``indicateur ; bassin ; date ; valeur``) : ce que
les partenaires envoient vraiment (CSV d'Excel français, dates de toutes formes, bassin en
minuscules, libellé au lieu du code, colonne en plus) est accepté ; ce qui est ambigu est refusé à
sa place (feuille, ligne, colonne et son en-tête), dans l'ordre du fichier, borné ; rien n'est écrit
à la moindre erreur ; une formule jamais calculée n'est pas prise pour une cellule vide."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from roadmap_app.core.located import SHOWN
from roadmap_app.indicators import model as m
from roadmap_app.indicators.io import IndicatorImportError, apply_import, plan_import
from tests.conftest import dump_store

HEAD = "indicateur;bassin;date;valeur\n"
FORMULA = ("formule sans valeur calculée — ouvrez et enregistrez le classeur dans Excel ou "
           "LibreOffice.")  # fmt: skip


def refused(ctx, path: Path) -> list[str]:
    """Les lignes d'erreur du refus (après « Import de … refusé, rien n'a été écrit : »)."""
    with pytest.raises(IndicatorImportError) as exc:
        plan_import(ctx, path)
    lines = str(exc.value).splitlines()
    assert lines[0] == f"Import de « {path.name} » refusé, rien n'a été écrit :"
    return lines[1:]


def read(ctx, path: Path) -> list[tuple[str, str, date, float]]:
    """(code, bassin, date lue, valeur) de chaque valeur que l'import écrirait."""
    codes = {d.id: d.code for d in m.load_definitions(ctx)}
    names = dict(m.bassin_list(ctx))
    result = plan_import(ctx, path)
    return [(codes[int(it.indicator)], names.get(it.bassin, "") if it.bassin is not None else "", it.day, it.value)
            for it in result.items]  # fmt: skip


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "valeurs.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def workbook(tmp_path: Path, rows: list[list], name: str = "valeurs.xlsx", formats: dict | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Valeurs"
    ws.append(["indicateur", "bassin", "date", "valeur"])
    for row in rows:
        ws.append(row)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    path = tmp_path / name
    wb.save(path)
    return path


# -- 1. cellules vides ----------------------------------------------------------------------------
def test_an_empty_indicator_date_or_value_is_named_by_line_and_column(ctx, tmp_path):
    """Avant : « Indicateur «  » inconnu. Indicateurs : R1, R2… » sans colonne, « Date illisible
    «  » », et une ligne sans date ni valeur passée sous silence."""
    path = write_csv(tmp_path, HEAD + "R1;Lensois;2024;40\n;Lensois;2024;41\nR2;Lensois;;42\n"
                                      "R3;Lensois;;\n;;;\nM6;Lensois;2024;\n")  # fmt: skip
    assert refused(ctx, path) == [
        "- ligne 3, colonne A (indicateur) : valeur manquante.",
        "- ligne 4, colonne C (date) : valeur manquante.",
        "- ligne 5, colonne C (date) : valeur manquante.",
        "- ligne 5, colonne D (valeur) : valeur manquante.",
    ]


def test_a_csv_has_no_sheet_its_errors_name_line_column_or_the_file(ctx, tmp_path):
    """Avant : « feuille « valeurs », ligne 2 … » pour un CSV, qui n'a pas de feuille (le nom
    du fichier sans extension tenait lieu d'onglet)."""
    from roadmap_app.flows.io import ImportError_
    from roadmap_app.flows.io import plan_import as plan_flows

    assert refused(ctx, write_csv(tmp_path, "code;lieu;jour\nR1;Lensois;2024\n", name="mesures.csv")) == [
        "- fichier « mesures.csv » : en-tête « indicateur ; bassin ; date ; valeur » introuvable."
    ]
    flows = write_csv(tmp_path, "Mois;Nouveaux entrants (ARSA);Remarque\njanv. 2025;-4;x\n", name="Lensois.csv")
    with pytest.raises(ImportError_) as exc:
        plan_flows(ctx, flows)
    assert [line for line in str(exc.value).splitlines() if line.startswith("- ")] == [
        "- ligne 2, colonne B : -4 est négatif : un nombre, un délai ou une part ne peut pas être négatif."
    ]
    assert "feuille" not in str(exc.value)


def test_a_template_row_left_without_value_is_skipped_and_counted(ctx, tmp_path):
    path = write_csv(tmp_path, HEAD + "R1;Lensois;2024;40\nM6;Lensois;2024;\n")
    result = plan_import(ctx, path)
    assert (result.new, result.blank) == (1, 1)
    assert result.summary() == "1 nouvelle valeur, 0 correction, 1 ligne sans valeur ignorée"


# -- 2. ordre et nombre des erreurs ------------------------------------------------------------
def test_errors_come_in_file_order_one_line_each_and_are_bounded(ctx, tmp_path):
    """Avant : les erreurs de lecture (date illisible) d'abord, puis celles des valeurs (négative),
    chacune dans sa série ; « … et 5 autre(s). »."""
    rows = [f"M1a;Lensois;{'bof' if i % 2 else f'2024-{i // 2 + 1:02d}'};{-1 if i % 2 == 0 else 3}\n"
            for i in range(30)]  # fmt: skip
    lines = refused(ctx, write_csv(tmp_path, HEAD + "".join(rows)))
    assert len(lines) == SHOWN + 1 and lines[-1] == "… et 5 autres erreurs."
    numbers = [int(re.search(r"ligne (\d+)", line)[1]) for line in lines[:-1]]  # type: ignore[index]
    assert numbers == list(range(2, 2 + SHOWN))
    assert "est négatif" in lines[0] and "colonne C (date) : Date illisible « bof »" in lines[1]


def test_errors_of_one_row_are_sorted_by_column(ctx, tmp_path):
    lines = refused(ctx, write_csv(tmp_path, HEAD + "Z9;Narnia;bof;x\n"))
    assert [re.search(r"colonne (\w)", line)[1] for line in lines] == ["A", "B", "C", "D"]  # type: ignore[index]


# -- 3. formules sans valeur calculée -----------------------------------------------------------
def test_a_formula_never_calculated_is_a_located_error_not_an_empty_cell(ctx, tmp_path):
    """Avant : la ligne était sautée comme une cellule vide, et l'import disait « 1 valeur à
    écrire »."""
    path = workbook(tmp_path, [["R1", "Lensois", 2024, 40], ["R2", "Lensois", 2024, "=40+2"],
                               ["R3", "Lensois", "=DATE(2024,1,1)", 3]])  # fmt: skip
    before = dump_store(ctx.store)
    assert refused(ctx, path) == [
        f"- feuille « Valeurs », ligne 3, colonne D (valeur) : {FORMULA}",
        f"- feuille « Valeurs », ligne 4, colonne C (date) : {FORMULA}",
    ]
    assert dump_store(ctx.store) == before


def _cache(path: Path, formula: str, value: str) -> None:
    """Ajoute la valeur calculée d'une formule, comme Excel ou LibreOffice l'enregistrent."""
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            if info.filename == member:
                data, n = re.subn(rf"<f>{re.escape(formula)}</f>(<v\s*/>|<v></v>)?".encode(),
                                  f"<f>{formula}</f><v>{value}</v>".encode(), data)  # fmt: skip
                assert n == 1
            dst.writestr(info, data)


def test_a_formula_with_its_calculated_value_is_read(ctx, tmp_path):
    path = workbook(tmp_path, [["R2", "Lensois", 2024, "=40+2"]])
    _cache(path, "40+2", "42")
    assert read(ctx, path) == [("R2", "Lensois", date(2024, 1, 1), 42.0)]


def test_the_flows_import_refuses_the_same_formula_at_its_place(ctx, tmp_path):
    """Même trou dans l'import des flux : la cellule était lue vide (« rien ne change ») et le
    reste du fichier importé."""
    from roadmap_app.flows.io import ImportError_
    from roadmap_app.flows.io import plan_import as plan_flows

    wb = Workbook()
    ws = wb.active
    ws.title = "Lensois"
    ws.append(["Mois", "Nouveaux entrants (ARSA)"])
    ws.append(["janv. 2025", 12])
    ws.append(["févr. 2025", "=10+2"])
    path = tmp_path / "flux.xlsx"
    wb.save(path)
    with pytest.raises(ImportError_) as exc:
        plan_flows(ctx, path)
    assert f"- feuille « Lensois », ligne 3, colonne B : {FORMULA}" in str(exc.value).splitlines()


def test_the_flows_long_format_names_a_formula_in_any_column(ctx, tmp_path):
    """Format long des flux : bassin ou indicateur donnés par une formule jamais calculée ;
    avant : « bassin « =A3 » inconnu », « indicateur « =C4&"" » inconnu »."""
    from roadmap_app.flows.io import ImportError_
    from roadmap_app.flows.io import plan_import as plan_flows

    wb = Workbook()
    ws = wb.active
    ws.title = "Flux"
    ws.append(["bassin", "mois", "indicateur", "valeur"])
    ws.append(["=A3", "janv. 2025", "entrants", 12])
    ws.append(["Lensois", "janv. 2025", '=C4&""', 12])
    ws.append(["Lensois", "=B2", "entrants", 12])
    path = tmp_path / "flux-long.xlsx"
    wb.save(path)
    with pytest.raises(ImportError_) as exc:
        plan_flows(ctx, path)
    assert str(exc.value).splitlines()[1:] == [
        f"- feuille « Flux », ligne 2, colonne A : {FORMULA}",
        f"- feuille « Flux », ligne 3, colonne C : {FORMULA}",
        f"- feuille « Flux », ligne 4, colonne B : {FORMULA}",
    ]


# -- 4. ce que les partenaires envoient ----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        pytest.param("indicateur;bassin;date;valeur\r\nR1;Lensois;31/12/2024;41,5\r\n", "cp1252",
                     [("R1", "Lensois", date(2024, 12, 31), 41.5)], id="excel-francais"),
        pytest.param("Indicateur;Bassin;Date;Valeur\nTaux de retour à l'emploi durable (à 6 mois);lensois;2024;41,5\n",
                     "cp1252", [("R1", "Lensois", date(2024, 1, 1), 41.5)], id="cp1252-libelle"),
        pytest.param("indicateur;bassin;date;valeur\nTAUX DE RETOUR A L'EMPLOI DURABLE (A 6 MOIS);LENSOIS;2024;41\n",
                     "utf-8-sig", [("R1", "Lensois", date(2024, 1, 1), 41.0)], id="bom-sans-accents"),
        pytest.param("indicateur;bassin;date;valeur\nM1a;lensois;2024-12;12\nM1a;Audomarois;déc. 2024;1 234\n"
                     "M1a;Montreuillois;45627;7\nM1b;Lensois;décembre 2024;3\n", "utf-8",
                     [("M1a", "Lensois", date(2024, 12, 1), 12.0), ("M1a", "Audomarois", date(2024, 12, 1), 1234.0),
                      ("M1a", "Montreuillois", date(2024, 12, 1), 7.0), ("sortants", "Lensois", date(2024, 12, 1), 3.0)],
                     id="dates"),
        pytest.param("indicateur;bassin;date;valeur;commentaire\nR1;Lensois;2024;40;chiffre provisoire\n;;;;\n;;;;\n\n",
                     "utf-8", [("R1", "Lensois", date(2024, 1, 1), 40.0)], id="colonne-en-plus-lignes-vides"),
        pytest.param('indicateur,bassin,date,valeur\nR1,Lensois,2024,"41,5"\n', "utf-8",
                     [("R1", "Lensois", date(2024, 1, 1), 41.5)], id="virgules"),
        pytest.param("indicateur\tbassin\tdate\tvaleur\nR1\tLensois\t2024\t41,5\n", "utf-8",
                     [("R1", "Lensois", date(2024, 1, 1), 41.5)], id="tabulations"),
    ],
)  # fmt: skip
def test_what_partners_send_is_accepted(ctx, tmp_path, text, encoding, expected):
    assert read(ctx, write_csv(tmp_path, text, encoding)) == expected


def test_a_workbook_with_serial_dates_percent_cells_and_year_numbers_is_read(ctx, tmp_path):
    """Une date tapée comme nombre (numéro de série du tableur), « 41,5 % » tapé dans Excel
    (enregistré 0,415) : avant, la date était refusée et le pourcentage lu 0,415."""
    path = workbook(tmp_path, [["R1", "Lensois", 2024, 0.415], ["M1a", "Lensois", 45627, 12],
                               ["M1a", "Audomarois", date(2024, 12, 15), 4]], formats={"D2": "0.0%"})  # fmt: skip
    assert read(ctx, path) == [("R1", "Lensois", date(2024, 1, 1), 41.5), ("M1a", "Lensois", date(2024, 12, 1), 12.0),
                               ("M1a", "Audomarois", date(2024, 12, 15), 4.0)]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("M1a;Lensois;13/2024;1", "ligne 2, colonne C (date) : Date illisible « 13/2024 »"),
        ("M1a;Lensois;123456;1", "ligne 2, colonne C (date) : Date illisible « 123456 »"),
        ("M1a;Lensois;12;1", "ligne 2, colonne C (date) : Date illisible « 12 »"),
        ("M1a;Lensois;2024-12;12,5,3", "ligne 2, colonne D (valeur) : « 12,5,3 » n'est pas un nombre."),
        ("M1a;Lensois;2024-12;1.234,5", "ligne 2, colonne D (valeur) : « 1.234,5 » n'est pas un nombre."),
        ("M1a;Nord;2024-12;1", "ligne 2, colonne B (bassin) : Bassin « Nord » inconnu."),
        ("taux;Lensois;2024;1", "ligne 2, colonne A (indicateur) : Indicateur « taux » inconnu."),
        ("R1;Lensois;2045;1", "ligne 2 : R1, Lensois : date 01/01/2045 hors de la période acceptée"),
    ],
)
def test_what_is_ambiguous_is_refused_at_its_place(ctx, tmp_path, row, expected):
    lines = refused(ctx, write_csv(tmp_path, HEAD + row + "\n"))
    assert len(lines) == 1 and expected in lines[0], lines


def test_a_number_that_is_not_a_date_in_a_workbook_is_refused(ctx, tmp_path):
    lines = refused(ctx, workbook(tmp_path, [["M1a", "Lensois", 12.5, 1]]))
    assert lines == ["- feuille « Valeurs », ligne 2, colonne C (date) : Date illisible « 12,5 » : ce nombre n'est "
                     "ni une année ni une date du tableur (attendu : JJ/MM/AAAA, AAAA-MM-JJ, MM/AAAA ou AAAA)."]  # fmt: skip


def test_flows_and_other_indicators_are_imported_together(ctx, tmp_path):
    """Avant : un fichier d'un partenaire mêlant un flux (ou M2, fondu dans son flux) et un autre
    indicateur était refusé (« les flux et les autres indicateurs s'importent séparément »)."""
    result = plan_import(ctx, write_csv(tmp_path, HEAD + "R1;Lensois;2024;40\nentrants;Lensois;2024-12;12\n"
                                                        "M2;Lensois;2024-12;21\n"))  # fmt: skip
    assert apply_import(ctx, result) == 3
    from roadmap_app.flows.series import load_series as flow_series

    series = flow_series(ctx, "Lensois")
    assert (series.value(date(2024, 12, 1), "entrants"), series.value(date(2024, 12, 1), "delai_premier_entretien")) == (12, 21)


# -- tout ou rien --------------------------------------------------------------------------------
def test_nothing_is_written_when_one_row_is_wrong_then_everything_is(ctx, tmp_path):
    good = "R1;Lensois;2024;40\nM1a;Lensois;2024-12;12\nM1a;Audomarois;2024-12;4\n"
    before = dump_store(ctx.store)
    refused(ctx, write_csv(tmp_path, HEAD + good + "M1a;Lensois;2024-11;\u00a0\nM1b;Lensois;2024-12;-2\n"))
    assert dump_store(ctx.store) == before
    result = plan_import(ctx, write_csv(tmp_path, HEAD + good))
    assert apply_import(ctx, result) == 3
    points, _ = m.load_series(ctx, m.load_definitions(ctx))
    codes = {d.id: d.code for d in m.load_definitions(ctx)}
    stored = sorted((codes[k[0]], p.day, p.value) for k, pts in points.items() for p in pts if codes[k[0]] in ("R1", "M1a"))
    assert stored == [("M1a", date(2024, 12, 1), 4.0), ("M1a", date(2024, 12, 1), 12.0), ("R1", date(2024, 1, 1), 40.0)]


# -- fichiers abîmés ou hostiles -----------------------------------------------------------------
def test_damaged_or_foreign_files_are_refused_in_french_and_nothing_is_written(ctx, tmp_path):
    """Jamais de trace d'exécution : classeur tronqué, octets inversés, PDF, zip vide, CSV
    binaire… (les fichiers hostiles, bornés en temps et en mémoire : test_hostile_files)."""
    from roadmap_app.core.errors import UserError
    from roadmap_app.indicators import service as svc
    from roadmap_app.indicators.io import export_template
    from tests.garbage import write_cases

    svc.link(ctx, "EP-1.1", "R1")
    sample = export_template(ctx, tmp_path / "vrai.xlsx").read_bytes()
    before = dump_store(ctx.store)
    refusals = 0
    for suffix, data in ((".xlsx", sample), (".csv", None)):
        for name, path in write_cases(tmp_path / suffix[1:], suffix, data):
            try:
                plan_import(ctx, path)
            except UserError as err:
                assert f"« {path.name} »" in str(err) or "feuille «" in str(err), (name, str(err))
                refusals += 1
    assert refusals >= 20
    assert dump_store(ctx.store) == before


# -- corrections ---------------------------------------------------------------------------------
def _stored(ctx, code: str) -> dict[tuple[str, date], float]:
    d = m.find_definition(m.load_definitions(ctx), code)
    names = dict(m.bassin_list(ctx))
    points, _ = m.load_series(ctx, [d])
    return {(names.get(bid, "plan") if bid is not None else "plan", p.day): p.value
            for (_i, bid), pts in points.items() for p in pts}  # fmt: skip


def test_a_different_value_for_a_stored_period_is_a_correction_written_journaled_and_undone(ctx, tmp_path):
    """Avant : le fichier entier était refusé (« une valeur est déjà saisie (52 %, …) ; corrigez-la
    plutôt que d'en ajouter une seconde »), comme si le partenaire ne pouvait pas corriger un
    chiffre du modèle qu'on lui a envoyé."""
    from roadmap_app.core import journal
    from roadmap_app.core.ops import undo_last
    from roadmap_app.indicators import service as svc
    from roadmap_app.indicators.io import corrections, preview_rows

    svc.set_values(ctx, [svc.ValueInput("R1", "Lensois", date(2025, 1, 1), 52),
                         svc.ValueInput("M1a", "Lensois", date(2024, 12, 1), 12)])  # fmt: skip
    path = write_csv(tmp_path, HEAD + "R1;Lensois;31/12/2025;55\nM1a;Lensois;2024-12;12\nM1a;Audomarois;2024-12;4\n")
    result = plan_import(ctx, path)
    assert (result.new, result.corrections, result.same) == (1, 1, 1)
    assert result.summary() == "1 nouvelle valeur, 1 correction, 1 valeur déjà enregistrée à l'identique"
    assert [(r.code, r.bassin, r.period, r.before, r.after, r.where) for r in preview_rows(ctx, result)] == [
        ("R1", "Lensois", "2025", "52 %", "55 %", "ligne 2"), ("M1a", "Audomarois", "déc. 2024", "", "4", "ligne 4")]
    assert corrections(ctx, result) == ["R1 Lensois 2025 : 52 → 55"]
    assert apply_import(ctx, result) == 2
    assert _stored(ctx, "R1") == {("Lensois", date(2025, 1, 1)): 55.0}
    assert _stored(ctx, "M1a") == {("Lensois", date(2024, 12, 1)): 12.0, ("Audomarois", date(2024, 12, 1)): 4.0}
    assert result.operation is not None
    lines = journal.operation(ctx, result.operation)
    assert {(ln.entity_label, ln.field, ln.old_value, ln.new_value) for ln in lines} == {
        ("R1 / Lensois / 2025", "value", 52.0, 55.0), ("M1a / Audomarois / déc. 2024", "value", None, 4.0)}
    assert lines[0].operation_label == ("Import des indicateurs (valeurs.csv) : 1 nouvelle valeur, 1 correction, "
                                        "1 valeur déjà enregistrée à l'identique")  # fmt: skip
    # une seule opération : un seul « Annuler » remet la valeur corrigée et retire la nouvelle
    assert undo_last(ctx).label == lines[0].operation_label
    assert _stored(ctx, "R1") == {("Lensois", date(2025, 1, 1)): 52.0}
    assert _stored(ctx, "M1a") == {("Lensois", date(2024, 12, 1)): 12.0}


def test_reimporting_the_template_after_editing_one_value_changes_only_that_value(ctx, tmp_path):
    """Le modèle pré-rempli renvoyé par un partenaire qui a corrigé un chiffre : avant, refusé en
    entier."""
    from openpyxl import load_workbook

    from roadmap_app.indicators import service as svc
    from roadmap_app.indicators.io import export_template

    svc.link(ctx, "EP-1.1", "R1")
    svc.link(ctx, "EP-1.1", "M1a")
    svc.set_values(ctx, [svc.ValueInput("R1", "Lensois", date(2024, 1, 1), 40),
                         svc.ValueInput("R1", "Lensois", date(2025, 1, 1), 52),
                         svc.ValueInput("R1", "Audomarois", date(2025, 1, 1), 47),
                         svc.ValueInput("M1a", "Lensois", date(2024, 12, 1), 12)])  # fmt: skip
    path = export_template(ctx, tmp_path / "modele.xlsx")
    wb = load_workbook(path)
    ws = wb["Valeurs"]
    edited = [row for row in ws.iter_rows(min_row=2)
              if (row[0].value, row[1].value, row[3].value) == ("R1", "Lensois", 52)]  # fmt: skip
    assert len(edited) == 1
    edited[0][3].value = 55
    wb.save(path)
    before = {code: _stored(ctx, code) for code in ("R1", "M1a")}
    result = plan_import(ctx, path)
    assert (result.new, result.corrections, result.same) == (0, 1, 3)
    assert apply_import(ctx, result) == 1
    assert _stored(ctx, "R1") == {**before["R1"], ("Lensois", date(2025, 1, 1)): 55.0}
    assert _stored(ctx, "M1a") == before["M1a"]


def test_the_template_has_no_empty_line_for_a_period_already_stored(ctx, tmp_path):
    """Avant : R1 Lensois 2024, déjà saisi, avait aussi sa ligne vide « à remplir » (période en
    cours) ; le partenaire qui la remplissait pour corriger le chiffre faisait refuser le fichier
    (« valeur en double »). Il corrige la ligne pré-remplie ; les autres bassins gardent leur
    ligne vide."""
    from openpyxl import load_workbook

    from roadmap_app.indicators import service as svc
    from roadmap_app.indicators.io import export_template

    svc.link(ctx, "EP-1.1", "R1")
    svc.set_values(ctx, [svc.ValueInput("R1", "Lensois", date(2024, 1, 1), 40)])
    rows = [r for r in load_workbook(export_template(ctx, tmp_path / "modele.xlsx"))["Valeurs"].iter_rows(
        min_row=2, values_only=True) if r[0] == "R1"]  # fmt: skip
    lensois = [(r[2].date(), r[3]) for r in rows if r[1] == "Lensois"]
    assert lensois == [(date(2024, 1, 1), 40)]
    assert [(r[2].date(), r[3]) for r in rows if r[1] == "Audomarois"] == [(date(2024, 1, 1), None)]


def test_a_period_given_twice_in_the_file_is_refused_even_if_one_line_matches_the_stored_value(ctx, tmp_path):
    """La ligne identique à la valeur enregistrée était ignorée avant la vérification des
    doublons : l'autre seule aurait passé pour une correction."""
    from roadmap_app.indicators import service as svc

    svc.set_values(ctx, [svc.ValueInput("R1", "Lensois", date(2025, 1, 1), 52)])
    before = dump_store(ctx.store)
    assert refused(ctx, write_csv(tmp_path, HEAD + "R1;Lensois;2025;52\nM1a;Lensois;2024-12;3\nR1;Lensois;31/12/2025;55\n")) == [
        "- ligne 4 : R1, Lensois, 2025 : valeur en double (déjà donnée ligne 2)."]  # fmt: skip
    assert refused(ctx, write_csv(tmp_path, HEAD + "M1a;Lensois;2024-12;3\nM1a;Lensois;15/12/2024;4\n")) == [
        "- ligne 3 : M1a, Lensois, déc. 2024 : valeur en double (déjà donnée ligne 2)."]  # fmt: skip
    assert dump_store(ctx.store) == before


def test_a_correction_beside_one_bad_row_writes_nothing(ctx, tmp_path):
    """Seule la ligne fautive est signalée (la correction n'est pas une erreur), et rien n'est
    écrit, ni la correction ni la nouvelle valeur."""
    from roadmap_app.indicators import service as svc

    svc.set_values(ctx, [svc.ValueInput("R1", "Lensois", date(2025, 1, 1), 52)])
    before = dump_store(ctx.store)
    path = write_csv(tmp_path, HEAD + "R1;Lensois;2025;55\nM1a;Audomarois;2024-12;4\nR1;Audomarois;2025;140\n")
    assert refused(ctx, path) == ["- ligne 4 : R1, Audomarois, 2025 : 140 % dépasse 100 % (indicateur R1, en %)."]
    assert dump_store(ctx.store) == before


def _template_rows(ctx, tmp_path, code: str) -> dict[str, list[tuple[date, float | None]]]:
    from openpyxl import load_workbook

    from roadmap_app.indicators.io import export_template

    path = export_template(ctx, tmp_path / "modele.xlsx")
    found: dict[str, list[tuple[date, float | None]]] = {}
    for r in load_workbook(path)["Valeurs"].iter_rows(min_row=2, values_only=True):
        if r[0] == code:
            found.setdefault(r[1], []).append((r[2].date(), r[3]))
    return found


def test_the_template_has_an_empty_line_for_each_missing_period_up_to_the_current_one(ctx, tmp_path, monkeypatch):
    """Avant : une seule ligne vide, pour la période en cours (2026) ; R1 Lensois 2025, jamais
    saisi alors que 2024 l'est, n'avait pas de ligne à remplir. Maintenant : une ligne vide par
    période manquante depuis la première valeur ou la référence (31/12/2023 : dès 2024)."""
    from roadmap_app.indicators import service as svc

    monkeypatch.setenv("ROADMAP_APP_TODAY", "2026-12-03")
    svc.link(ctx, "EP-1.1", "R1")
    svc.set_step(ctx, "R1", "baseline", 35, day=date(2023, 12, 31))
    svc.set_values(ctx, [svc.ValueInput("R1", "Lensois", date(2024, 1, 1), 40),
                         svc.ValueInput("R1", "Audomarois", date(2024, 1, 1), 41),
                         svc.ValueInput("R1", "Audomarois", date(2025, 1, 1), 46)])  # fmt: skip
    rows = _template_rows(ctx, tmp_path, "R1")
    y = [date(2024, 1, 1), date(2025, 1, 1), date(2026, 1, 1)]
    assert rows["Lensois"] == [(y[0], 40), (y[1], None), (y[2], None)]
    assert rows["Audomarois"] == [(y[0], 41), (y[1], 46), (y[2], None)]
    assert rows["Montreuillois"] == [(y[0], None), (y[1], None), (y[2], None)]  # depuis la référence


def test_the_empty_lines_of_a_series_are_bounded_to_the_most_recent_periods(ctx, tmp_path, monkeypatch):
    from roadmap_app.indicators import service as svc
    from roadmap_app.indicators.io import MISSING_ROWS

    monkeypatch.setenv("ROADMAP_APP_TODAY", "2026-12-03")
    svc.link(ctx, "EP-1.1", "M1a")  # mensuel
    svc.set_values(ctx, [svc.ValueInput("M1a", "Lensois", date(2020, 1, 1), 12)])
    lensois = _template_rows(ctx, tmp_path, "M1a")["Lensois"]
    blanks = [day for day, value in lensois if value is None]
    assert lensois[0] == (date(2020, 1, 1), 12) and len(blanks) == MISSING_ROWS == 24
    assert (blanks[0], blanks[-1]) == (date(2025, 1, 1), date(2026, 12, 1))  # les plus récentes, dans l'ordre


def test_reimporting_the_untouched_template_changes_nothing(ctx, tmp_path, monkeypatch):
    from roadmap_app.indicators import service as svc
    from roadmap_app.indicators.io import export_template

    monkeypatch.setenv("ROADMAP_APP_TODAY", "2026-12-03")
    svc.link(ctx, "EP-1.1", "R1")
    svc.link(ctx, "EP-1.1", "M1a")
    svc.set_step(ctx, "R1", "baseline", 35, day=date(2023, 12, 31))
    svc.set_values(ctx, [svc.ValueInput("R1", "Lensois", date(2024, 1, 1), 40),
                         svc.ValueInput("M1a", "Lensois", date(2025, 6, 1), 12)])  # fmt: skip
    for name in ("modele.xlsx", "modele.csv"):
        path = export_template(ctx, tmp_path / name)
        before = dump_store(ctx.store)
        result = plan_import(ctx, path)
        assert (result.new, result.corrections, result.same) == (0, 0, 2), name
        assert result.blank > 0
        assert apply_import(ctx, result) == 0
        assert dump_store(ctx.store) == before


def test_a_giant_cell_is_refused_in_french_with_its_line(ctx, tmp_path):
    """Une cellule de 5 millions de caractères (fichier mal formé ou hostile) : le message était
    « n'est pas un CSV lisible (field larger than field limit (131072)) », en anglais et sans
    la ligne. Rien n'est écrit."""
    path = write_csv(tmp_path, HEAD + "R1;Lensois;2025;60\nM2;Lensois;2025-12;" + "9" * 5_000_000 + "\n")
    before = dump_store(ctx.store)
    with pytest.raises(IndicatorImportError) as err:
        plan_import(ctx, path)
    assert str(err.value) == "« valeurs.csv » n'est pas un CSV lisible : ligne 3, une cellule dépasse 131\u202f072 caractères."
    assert dump_store(ctx.store) == before
