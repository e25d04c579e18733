"""Indicateurs de suivi dans les comités : instantané figé, comparaison (« R1 Lensois : 45 → 52
(cible 2025 : 60, non atteinte) », « nouvel indicateur lié à EP-2.1 »), feuille et page du pack."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from roadmap_app.committees.diff import diff_states
from roadmap_app.committees.indicators_section import SECTION, describe, frozen_states
from roadmap_app.committees.pack import export_pack
from roadmap_app.committees.snapshots import create_snapshot, current_state, snapshot_state
from roadmap_app.indicators import service as svc


def _committee(ctx):
    svc.link(ctx, "EP-1.1", "R1", kind="tdb")
    svc.set_step(ctx, "R1", "baseline", 40, day=date(2023, 12, 31))
    svc.set_step(ctx, "R1", "target", 50, year=2024)
    svc.set_step(ctx, "R1", "target", 60, year=2025)
    svc.set_value(ctx, "R1", 45, date(2024, 1, 1), bassin="Lensois")
    create_snapshot(ctx, "COPIL 2024", committee="COPIL", taken_on=date(2024, 12, 1))
    svc.set_value(ctx, "R1", 52, date(2025, 1, 1), bassin="Lensois")
    svc.link(ctx, "EP-2.1", "M1a", kind="tdb")


def test_the_snapshot_freezes_definitions_targets_values_and_links(ctx):
    _committee(ctx)
    frozen = snapshot_state(ctx, "COPIL 2024")[SECTION]
    assert frozen["links"] == [["EP-1.1", "R1", "tdb"]]
    assert [d["code"] for d in frozen["definitions"]] == ["R1"]
    assert ["R1", "", "target", 60.0, "2025-01-01", 2025] in frozen["steps"]
    assert frozen["values"]["R1"]["LEN"] == "2024-01-01=45.0"
    assert frozen_states({"plan": snapshot_state(ctx, "COPIL 2024")["plan"], SECTION: frozen})["R1"]["LEN"] == [
        45.0, "2024-01-01", 50.0, "2024", "en-dessous"]


def test_the_diff_says_value_against_target_and_new_links(ctx):
    _committee(ctx)
    diff = diff_states(snapshot_state(ctx, "COPIL 2024"), current_state(ctx), "COPIL 2024", "état actuel")
    texts = [describe(s) for s in diff.sections if s.section == SECTION]
    assert "R1 Lensois : 45 → 52 (2024 → 2025 ; cible 2025 : 60 %, non atteinte)" in texts
    assert "nouvel indicateur lié à EP-2.1 : dont nombre de nouveaux entrants (M1a)" in texts


def test_each_value_of_the_diff_says_its_period(ctx):
    """Avant : « R1 Montreuillois : 52 → 58 » comparait 2024 à 2025 sans le dire, une correction de
    la même période se lisait pareil, et une valeur égale d'une période à l'autre était tue."""
    _committee(ctx)
    svc.set_value(ctx, "R1", 61, date(2024, 1, 1), bassin="Audomarois")
    create_snapshot(ctx, "COTECH 2025", taken_on=date(2025, 2, 1))
    svc.set_value(ctx, "R1", 55, date(2025, 1, 1), bassin="Lensois", replace=True)  # correction
    svc.set_value(ctx, "R1", 61, date(2025, 1, 1), bassin="Audomarois")  # même chiffre, année suivante
    svc.set_value(ctx, "R1", 48, date(2025, 1, 1), bassin="Montreuillois")  # première valeur
    diff = diff_states(snapshot_state(ctx, "COTECH 2025"), current_state(ctx), "COTECH 2025", "état actuel")
    texts = sorted(describe(s) for s in diff.sections if s.section == SECTION and s.key == "valeur")
    assert texts == [
        "R1 Audomarois : 61 → 61 (2024 → 2025 ; cible 2025 : 60 %, atteinte)",
        "R1 Lensois : 52 → 55 (2025, corrigée ; cible 2025 : 60 %, non atteinte)",
        "R1 Montreuillois : — → 48 (2025 ; cible 2025 : 60 %, non atteinte)",
    ]


def test_a_bassin_without_value_shows_the_target_in_force_in_the_pack(ctx, tmp_path):
    """Avant : la première cible (« 50 % (2024) ») pour un bassin sans valeur, quand la page et
    ``indicators list`` montrent celle en vigueur le jour de l'état (« 60 % (2025) »)."""
    _committee(ctx)
    svc.set_step(ctx, "R1", "target", 55, day=date(2024, 7, 1))  # en vigueur le jour de l'état
    state = current_state(ctx)
    assert state["plan"]["today"] == "2024-10-15"
    assert frozen_states(state)["R1"]["MON"][2:] == [55.0, "01/07/2024", "pas de valeur"]
    wb = load_workbook(export_pack(ctx, tmp_path / "pack.xlsx"))
    rows = [list(r) for r in wb["Indicateurs de suivi"].iter_rows(values_only=True)]
    mon = next(r for r in rows if r[2] == "Montreuillois")
    assert mon[4] == "55 % (01/07/2024)", mon


def test_links_added_or_removed_are_said_once_per_action(ctx):
    _committee(ctx)
    svc.link(ctx, "EP-1.1", "M1a", kind="tdb")
    svc.unlink(ctx, "EP-1.1", "R1")
    diff = diff_states(snapshot_state(ctx, "COPIL 2024"), current_state(ctx), "COPIL 2024", "état actuel")
    links = [describe(s) for s in diff.sections if s.section == SECTION and s.key == "lien"]
    assert links == [
        "nouvel indicateur lié à EP-1.1 : dont nombre de nouveaux entrants (M1a)",
        "nouvel indicateur lié à EP-2.1 : dont nombre de nouveaux entrants (M1a)",
        "indicateur retiré de EP-1.1 : Taux de retour à l'emploi durable (à 6 mois) (R1)",
    ]
    svc.link(ctx, "EP-2.1", "R1", kind="tdb")
    diff = diff_states(snapshot_state(ctx, "COPIL 2024"), current_state(ctx), "COPIL 2024", "état actuel")
    assert ("2 nouveaux indicateurs liés à EP-2.1 : dont nombre de nouveaux entrants (M1a) ; Taux de "
            "retour à l'emploi durable (à 6 mois) (R1)") in [describe(s) for s in diff.sections]


def test_the_current_state_reads_only_each_series_last_value(ctx):
    """Comparaison et pack n'utilisent que la dernière valeur : l'état actuel ne lit qu'elle (sur
    l'index), l'instantané fige toute la série ; comparés sans changement, ils ne disent rien."""
    _committee(ctx)
    create_snapshot(ctx, "COTECH 2025", taken_on=date(2025, 2, 1))
    frozen, live = snapshot_state(ctx, "COTECH 2025"), current_state(ctx)
    assert frozen[SECTION]["values"]["R1"]["LEN"] == "2024-01-01=45.0;2025-01-01=52.0"
    assert live[SECTION]["values"]["R1"]["LEN"] == "2025-01-01=52.0"
    assert frozen_states(frozen) == frozen_states(live)
    assert [s for s in diff_states(frozen, live, "COTECH 2025", "état actuel").sections if s.section == SECTION] == []
    svc.set_value(ctx, "R1", 58, date(2026, 1, 1), bassin="Lensois")  # R1 : annuel
    texts = [describe(s) for s in diff_states(frozen, current_state(ctx), "COTECH 2025", "état actuel").sections
             if s.section == SECTION]  # fmt: skip
    assert texts == ["R1 Lensois : 52 → 58 (2025 → 2026 ; cible 2025 : 60 %, non atteinte)"]


def test_an_old_snapshot_without_indicators_still_opens_and_compares(ctx, monkeypatch):
    from roadmap_app.committees import sections

    with monkeypatch.context() as patch:  # instantané pris avant les indicateurs : section absente
        patch.delitem(sections.SECTIONS, SECTION)
        create_snapshot(ctx, "Ancien", taken_on=date(2024, 6, 1))
    svc.link(ctx, "EP-1.1", "R1", kind="tdb")
    old = snapshot_state(ctx, "Ancien")
    assert SECTION not in old and old["plan"]["axes"]
    diff = diff_states(old, current_state(ctx), "Ancien", "état actuel")
    # il ne dit pas quels liens existaient alors : une ligne, pas « nouvel indicateur lié » par lien
    assert [describe(s) for s in diff.sections if s.section == SECTION] == [
        "Indicateurs de suivi absents de l'instantané de départ, figé avant leur suivi : 1 lien(s) entre "
        "1 indicateur(s) et 1 action(s), sans comparaison possible"]


def test_the_pack_has_a_sheet_and_a_pdf_page_indicateurs_de_suivi(ctx, tmp_path):
    _committee(ctx)
    wb = load_workbook(export_pack(ctx, tmp_path / "pack.xlsx"))
    rows = [list(r) for r in wb["Indicateurs de suivi"].iter_rows(values_only=True)]
    lens = next(r for r in rows if r[2] == "Lensois")
    assert lens == ["EP-1.1", "Taux de retour à l'emploi durable (à 6 mois) (R1)", "Lensois",
                    "40 % (31/12/2023)", "60 % (2025)", "52 % (2025)", "en-dessous"]  # fmt: skip
    change_rows = [list(r) for r in wb["Changements"].iter_rows(values_only=True)]
    changes = str(change_rows)
    assert "R1 Lensois" in changes
    natures = {r[3] for r in change_rows if len(r) > 3}
    assert "Indicateurs de suivi" in natures and "indicateurs" not in natures  # avant : la clé brute
    assert "nouvel indicateur lié à EP-2.1 : dont nombre de nouveaux entrants (M1a)" in changes  # action d'abord
    text = "\n".join(p.extract_text() for p in PdfReader(export_pack(ctx, tmp_path / "pack.pdf")).pages)
    assert "Indicateurs de suivi" in text and "60 % (2025)" in text
    assert "R1 Lensois : 45 → 52 (2024 → 2025 ; cible 2025 : 60 %, non atteinte)" in text.replace("\n", " ")


def test_the_bilan_lists_each_actions_indicators_with_their_results(ctx, tmp_path):
    from roadmap_app.finance.bilan_export import export_bilan

    _committee(ctx)
    out = tmp_path / "bilan.xlsx"
    export_bilan(ctx, out)
    ws = load_workbook(out)["Mise en œuvre"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if r and "Code" in r)
    col = header.index("Indicateurs de suivi (résultats)")
    ep11 = next(r for r in rows if r[2] == "EP-1.1")
    assert ep11[col].startswith("Taux de retour à l'emploi durable (à 6 mois) (R1) : ")
    assert "Lensois : 52 % en 2025 (cible 2025 : 60 %, en-dessous)" in ep11[col]
    assert next(r for r in rows if r[2] == "EP-3.1")[col] is None
    pdf = tmp_path / "bilan.pdf"
    export_bilan(ctx, pdf)
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", " ")
    assert "Indicateurs de suivi : Taux de retour" in text


def test_the_diff_says_a_definition_was_changed(ctx):
    svc.add_indicator(ctx, "PAR15J", label="Reçus en 15 jours", unit="nombre", direction="up")
    svc.link(ctx, "EP-1.1", "PAR15J")
    create_snapshot(ctx, "COPIL 2024", committee="COPIL", taken_on=date(2024, 12, 1))
    svc.update_indicator(ctx, "PAR15J", label="Part reçue en 15 jours", unit="%")
    diff = diff_states(snapshot_state(ctx, "COPIL 2024"), current_state(ctx), "COPIL 2024", "état actuel")
    texts = [describe(s) for s in diff.sections if s.section == SECTION]
    assert texts == ["définition modifiée (libellé « Reçus en 15 jours » → « Part reçue en 15 jours », unité "
                     "« nombre » → « % ») : Part reçue en 15 jours (PAR15J)"]  # fmt: skip
    svc.archive_indicator(ctx, "PAR15J")  # archivé : il quitte l'état, son lien aussi
    texts = [describe(s) for s in diff_states(snapshot_state(ctx, "COPIL 2024"), current_state(ctx), "COPIL 2024",
                                              "état actuel").sections if s.section == SECTION]  # fmt: skip
    assert texts == ["indicateur retiré de EP-1.1 : Reçus en 15 jours (PAR15J)"]


def test_the_target_in_force_prefers_the_bassins_own_then_the_latest_then_the_first():
    """La cible en vigueur à la date de la dernière valeur : celle du bassin prime sur celle de
    tout le plan (même plus récente), puis la plus récente ; à égalité, la première figée."""
    from roadmap_app.committees.indicators_section import _series_state

    def state(steps, joined="2025-06-01=55", bassin="R1"):
        index = {"targets": {"X": steps}, "direction": {"X": "up"}}
        return _series_state(joined, "X", bassin, index)

    plan_2024 = ["X", "", "target", 50.0, "2024-01-01", 2024]
    plan_2025 = ["X", "", "target", 60.0, "2025-01-01", 2025]
    own_2024 = ["X", "R1", "target", 54.0, "2024-06-01", None]
    other_2025 = ["X", "R2", "target", 70.0, "2025-01-01", 2025]
    later = ["X", "R1", "target", 90.0, "2026-01-01", 2026]
    assert state([plan_2024, plan_2025]) == [55.0, "2025-06-01", 60.0, "2025", "en-dessous"]
    assert state([plan_2025, own_2024, other_2025, later]) == [
        55.0, "2025-06-01", 54.0, "01/06/2024", "atteint",
    ]  # fmt: skip
    twin = ["X", "R1", "target", 58.0, "2024-06-01", None]
    assert state([own_2024, twin])[2] == 54.0 and state([twin, own_2024])[2] == 58.0
    assert state([plan_2025, own_2024], bassin="")[2] == 60.0  # tout le plan : les siennes seules
    assert state([later]) == [55.0, "2025-06-01", None, None, "sans cible"]


def test_the_diff_says_a_target_or_baseline_fixed_since_the_snapshot(ctx):
    """Une cible fixée après l'instantané change le statut sans qu'aucune valeur ne bouge : la
    comparaison n'en disait rien (M2 Lensois passait « sans cible » → « en-dessous » en silence)."""
    _committee(ctx)
    svc.link(ctx, "EP-2.2", "M2", kind="tdb")
    svc.set_value(ctx, "M2", 20, date(2024, 11, 1), bassin="Lensois")
    create_snapshot(ctx, "COPIL 2025", committee="COPIL", taken_on=date(2025, 1, 1))
    svc.set_step(ctx, "M2", "target", 15, year=2025, bassin="Lensois")
    svc.set_step(ctx, "M2", "baseline", 30, day=date(2023, 12, 31), bassin="Lensois")
    svc.set_step(ctx, "R1", "target", 65, year=2026)
    diff = diff_states(snapshot_state(ctx, "COPIL 2025"), current_state(ctx), "COPIL 2025", "état actuel")
    texts = [describe(s) for s in diff.sections if s.section == SECTION]
    # M2 est fondu dans son flux : une seule série, sous le code du flux
    assert "delai_premier_entretien Lensois : — → 15 (nouvelle cible 2025)" in texts
    assert "delai_premier_entretien Lensois : — → 30 (nouvelle référence au 31/12/2023)" in texts
    assert "R1 tous les bassins : — → 65 (nouvelle cible 2026)" in texts
    assert len(texts) == 3, texts  # ni valeur ni lien n'ont changé
    # un indicateur lié depuis l'instantané : ses cibles ne sont pas « nouvelles »
    svc.link(ctx, "EP-3.1", "M5", kind="tdb")
    svc.set_step(ctx, "M5", "target", 10, year=2025)
    diff = diff_states(snapshot_state(ctx, "COPIL 2025"), current_state(ctx), "COPIL 2025", "état actuel")
    assert not [s for s in diff.sections if s.section == SECTION and s.key == "cible"
                and s.label.startswith(("M5", "accompagnement_intensif"))]  # fmt: skip


def test_the_pack_prints_the_actions_of_an_indicator_and_colours_its_status_in_the_pdf(ctx, tmp_path, monkeypatch):
    """Feuille « Indicateurs de suivi » : la colonne des actions (16 caractères) coupait une liste
    longue à l'impression ; elle va à la ligne. Page PDF : le statut n'était pas en couleur, alors
    que le reste du pack dit les statuts en couleur et en texte."""
    from roadmap_app.export import pdf as engine
    from roadmap_app.indicators.model import BELOW, STATUS_INKS

    _committee(ctx)
    for code in ("EP-2.1", "EP-2.2", "EP-3.1", "EP-3.2", "AI-1.1"):
        svc.link(ctx, code, "R1", kind="tdb")
    sheet = load_workbook(export_pack(ctx, tmp_path / "pack.xlsx"))["Indicateurs de suivi"]
    cells = [c for c in sheet["A"] if c.value and "," in str(c.value)]
    assert cells and all(c.alignment.wrap_text for c in cells)
    assert sheet.column_dimensions["A"].width >= 20

    tables: list = []
    real = engine.PdfDocument.table
    monkeypatch.setattr(engine.PdfDocument, "table", lambda self, cols, rows, **kw: (tables.append((cols, rows)),
                                                                                    real(self, cols, rows, **kw))[1])  # fmt: skip
    export_pack(ctx, tmp_path / "pack.pdf")
    cols, rows = next(t for t in tables if [c.title for c in t[0]][:2] == ["Action(s)", "Indicateur"])
    lens = next(r for r in rows if r.cells[2] == "Lensois")
    assert lens.cells[-1] == "▼ en-dessous" and lens.colors[-1] == STATUS_INKS[BELOW]
    assert lens.colors[:-1] == [None] * (len(cols) - 1)


def test_a_pdf_cell_takes_its_own_text_colour_even_on_a_zebra_row():
    from roadmap_app.export.pdf import Col, PdfDocument, Row

    doc = PdfDocument("Essai")
    doc.table([Col("A", 1), Col("B", 1)], [Row(["x", "y"]), Row(["z", "▼ en-dessous"], colors=[None, "#B42318"])],
              zebra=True)  # fmt: skip
    table = doc.story[-1]
    inks = [[str(cell.style.textColor).upper() for cell in row] for row in table._cellvalues[1:]]
    assert inks == [["#101828", "#101828"], ["#101828", "#B42318"]]


def test_the_last_values_read_alone_are_the_tails_of_the_full_series(ctx):
    """L'état actuel lit la dernière valeur de chaque série par une recherche dans l'index pour
    chaque couple (indicateur, bassin ou tout le plan) : mêmes séries, mêmes dernières valeurs et
    même ordre que les séries complètes figées dans un instantané, y compris une série de tout le
    plan, une série dont la dernière valeur est effacée (NULL), une série sans aucune valeur et un
    bassin archivé."""
    from sqlalchemy import text

    from roadmap_app.committees.indicators_section import indicators_section
    from roadmap_app.plan.read import resolve_roadmap

    _committee(ctx)
    svc.set_value(ctx, "M1a", 7, date(2024, 3, 1), bassin="Lensois")
    svc.set_value(ctx, "M1a", 9, date(2024, 2, 1), bassin="Lensois")  # saisie dans le désordre
    with ctx.store.session() as s:
        r1, m1a = (s.execute(text("SELECT id FROM indicator_definition WHERE code = :c"), {"c": c}).scalar_one()
                   for c in ("R1", "M1a"))  # fmt: skip
        bassins = [s.execute(text("SELECT id FROM bassin WHERE code = :c"), {"c": c}).scalar_one() for c in ("MON", "AUD")]
        rows = [
            (r1, None, "2024-06-01", 30.5), (r1, None, "2025-06-01", 33.25),  # tout le plan
            (r1, bassins[0], "2024-01-01", 10.0), (r1, bassins[0], "2025-01-01", None),  # dernière effacée
            (m1a, bassins[0], "2024-01-01", None),  # aucune valeur
            (m1a, bassins[1], "2024-05-01", 4.0),  # bassin archivé ci-dessous
        ]  # fmt: skip
        for ind, bid, day, value in rows:
            s.execute(text("INSERT INTO indicator_value (indicator_id, bassin_id, day, value, updated_by, version) "
                           "VALUES (:i, :b, :d, :v, 'test', 1)"), {"i": ind, "b": bid, "d": day, "v": value})  # fmt: skip
        s.execute(text("UPDATE bassin SET archived = 1 WHERE id = :b"), {"b": bassins[1]})
        s.commit()
        rid = resolve_roadmap(s, None).id
    full = indicators_section(ctx, rid)["values"]
    live = indicators_section(ctx, rid, series=False)["values"]
    tails = {code: {b: joined.rpartition(";")[2] for b, joined in per.items()} for code, per in full.items()}
    assert live == tails
    assert [(code, list(per)) for code, per in live.items()] == [(code, list(per)) for code, per in tails.items()]
    assert live["R1"][""] == "2025-06-01=33.25"
    assert live["R1"]["LEN"] == "2025-01-01=52.0"
    assert live["R1"]["MON"] == "2024-01-01=10.0"
    assert live["M1a"]["LEN"] == "2024-03-01=7.0"
    assert "MON" not in live["M1a"]
