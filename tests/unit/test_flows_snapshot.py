"""Les flux dans les instantanés, les comparaisons et le pack de comité ; migration d'une base 0001."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from roadmap_app.committees.diff import diff_states
from roadmap_app.committees.pack import build_pack_data, export_pack
from roadmap_app.committees.snapshots import create_snapshot, current_state, snapshot_state
from roadmap_app.core.context import open_context
from roadmap_app.flows.series import load_targets, target_for
from roadmap_app.flows.service import add_target, set_month

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "stores" / "schema_0001.sqlite3"


@pytest.fixture
def flux_ctx(ctx):
    set_month(ctx, "Lensois", date(2024, 7, 1), {"entrants": 160, "orientes": 150, "orientes_ft": 80,
                                                 "orientes_15j": 120, "suivis_ft": 1200, "suivis_cd": 800},
              record_undo=False)  # fmt: skip
    set_month(ctx, "Lensois", date(2024, 8, 1), {"entrants": 181}, record_undo=False)
    set_month(
        ctx, "Montreuillois", date(2024, 7, 1), {"entrants": 40, "stock": 1600}, record_undo=False
    )
    return ctx


def test_a_snapshot_freezes_the_monthly_values_targets_and_portfolios(flux_ctx):
    snap = create_snapshot(
        flux_ctx, "COPIL septembre", committee="COPIL", taken_on=date(2024, 9, 20)
    )
    set_month(flux_ctx, "Lensois", date(2024, 7, 1), {"entrants": 170}, record_undo=False)

    frozen = snapshot_state(flux_ctx, snap.id)["flux"]
    assert frozen["values"]["LEN"]["2024-07"]["entrants"] == 160
    assert frozen["values"]["LEN"]["2024-08"] == {"entrants": 181}
    assert frozen["values"]["MON"]["2024-07"] == {"entrants": 40, "stock": 1600}
    assert frozen["values"]["AUD"] == {}
    lens_target = next(
        t for t in frozen["targets"] if t["indicator"] == "entrants" and t["bassin"] == "LEN"
    )
    assert (lens_target["value"], lens_target["effective_from"]) == (177, "2024-07-01")
    ft = next(p for p in frozen["portfolios"] if p["bassin"] == "LEN" and p["organisme"] == "FT")
    assert (ft["number"], ft["capacity"]) == (16, 70)
    codes = {i["code"] for i in frozen["indicators"]}
    assert {"entrants", "orientes_15j", "suivis_ft"} <= codes
    assert all(i["definition"] for i in frozen["indicators"])
    assert current_state(flux_ctx)["flux"]["values"]["LEN"]["2024-07"]["entrants"] == 170


def test_the_diff_lists_corrected_values_against_their_target(flux_ctx):
    snap = create_snapshot(flux_ctx, "COTECH", committee="COTECH", taken_on=date(2024, 9, 1))
    set_month(flux_ctx, "Lensois", date(2024, 7, 1), {"entrants": 190}, record_undo=False)
    set_month(
        flux_ctx,
        "Lensois",
        date(2024, 9, 1),
        {"entrants": 120, "suivis_ft": 1300},
        record_undo=False,
    )
    set_month(flux_ctx, "Montreuillois", date(2024, 7, 1), {"stock": None}, record_undo=False)

    diff = diff_states(
        snapshot_state(flux_ctx, snap.id), current_state(flux_ctx), "COTECH", "maintenant"
    )
    flux = {(c.bassin, c.label): c for c in diff.sections if c.section == "flux"}
    corrected = flux[("LEN", "Nouveaux entrants (ARSA) — juil. 2024")]
    assert (corrected.old, corrected.new) == (160, 190)
    assert corrected.comment == (
        "valeur corrigée ; écart du mois +13 à la moyenne visée de 177 par mois ; cumul juil. 2024 : 190 pour "
        "177 visés (objectif cumulé atteint)"
    )
    # un mois nouvellement saisi tient en une ligne : ses entrants et sa position face aux cibles
    new = flux[("LEN", "Flux saisis : sept. 2024 (2 indicateurs)")]
    assert (new.old, new.new) == (None, 120)
    # septembre : 120 (−57) ; juillet à septembre : 190 + 181 + 120 = 491 pour 3 × 177 = 531
    assert (
        "écart du mois −57 à la moyenne visée de 177 par mois ; cumul juil. 2024 – sept. 2024 : 491 pour 531 "
        "visés (sous l'objectif cumulé)"
    ) in new.comment
    assert "charge France Travail 81 par référent (plafond 70 dépassé)" in new.comment  # 1 300 ÷ 16
    erased = flux[("MON", "Stock de BRSA — juil. 2024")]
    assert (erased.old, erased.new, erased.comment) == (1600, None, "valeur effacée")
    assert len(flux) == 3


def test_a_new_month_without_entrants_lists_each_figure(flux_ctx):
    """Avant : un délai saisi seul pour un nouveau mois se lisait « Flux saisis : avr. 2025
    (1 indicateurs) : — → — (nouveau mois (valeur : entrants du mois)) » : ni le chiffre ni son
    indicateur. Chaque chiffre a maintenant sa ligne, comme une valeur corrigée."""
    snap = create_snapshot(flux_ctx, "COTECH", committee="COTECH", taken_on=date(2024, 9, 1))
    set_month(flux_ctx, "Lensois", date(2025, 4, 1), {"delai_premier_entretien": 30}, record_undo=False)
    set_month(flux_ctx, "Audomarois", date(2025, 4, 1), {"entrants": 50}, record_undo=False)
    diff = diff_states(snapshot_state(flux_ctx, snap.id), current_state(flux_ctx), "COTECH", "maintenant")
    flux = {(c.bassin, c.label): c for c in diff.sections if c.section == "flux"}
    alone = flux[("LEN", "Délai moyen ouverture du droit → premier entretien — avr. 2025")]
    assert (alone.old, alone.new) == (None, 30) and alone.comment.startswith("nouvelle valeur")
    month = flux[("AUD", "Flux saisis : avr. 2025 (1 indicateur)")]
    assert (month.old, month.new) == (None, 50)
    assert month.comment.startswith("nouveau mois, chiffre des entrants du mois")
    assert not any("Flux saisis" in label and bassin == "LEN" for bassin, label in flux)


def test_a_new_target_does_not_rewrite_history_and_shows_in_the_diff(flux_ctx):
    snap = create_snapshot(flux_ctx, "Avant", committee="COTECH", taken_on=date(2024, 9, 1))
    add_target(flux_ctx, "entrants", 150, date(2025, 1, 1), kind="monthly_min", bassin="Lensois",
               label="Cible révisée 2025")  # fmt: skip
    targets = load_targets(flux_ctx)
    lens = 3
    assert target_for(targets, "entrants", lens, date(2024, 12, 1), "monthly_average").value == 177
    assert target_for(targets, "entrants", lens, date(2025, 2, 1), "monthly_average").value == 150
    diff = diff_states(
        snapshot_state(flux_ctx, snap.id), current_state(flux_ctx), "Avant", "maintenant"
    )
    change = next(c for c in diff.sections if c.key == "cible")
    assert (change.label, change.bassin, change.old, change.new) == (
        "Cible révisée 2025",
        "LEN",
        None,
        150,
    )
    assert "01/01/2025" in change.comment


def test_pack_workbook_has_flux_and_portfolio_sheets_with_real_numbers(flux_ctx, tmp_path):
    out = export_pack(flux_ctx, tmp_path / "pack.xlsx")
    wb = load_workbook(out)
    flux = wb["Flux BRSA"]
    header = [c.value for c in flux[4]]
    assert header[:3] == ["Bassin", "Mois", "Nouveaux entrants (ARSA) (nombre)"]
    assert flux.freeze_panes == "A5" and flux.auto_filter.ref.startswith("A4:")
    rows = [r for r in flux.iter_rows(min_row=5) if r[0].value]
    lens_july = next(
        r for r in rows if r[0].value == "Lensois" and r[1].value == datetime(2024, 7, 1)
    )
    assert lens_july[2].value == 160 and isinstance(lens_july[2].value, int | float)
    assert lens_july[1].number_format == "MMM YYYY"
    assert lens_july[-2].value == 177
    assert lens_july[-1].value == (
        "▼ écart du mois −17 à la moyenne visée de 177 par mois ; cumul juil. 2024 : 160 pour 177 visés "
        "(sous l'objectif cumulé)"
    )
    assert [(r[0].value, r[1].value.month) for r in rows] == [
        ("Montreuillois", 7),
        ("Lensois", 7),
        ("Lensois", 8),
    ]

    port = [list(r) for r in wb["Portefeuilles"].iter_rows(values_only=True)]
    assert ["Lensois", "France Travail", "portefeuilles", 16, 70] in [r[:5] for r in port]
    loads = {(r[0], r[2]): r for r in port if r and isinstance(r[1], datetime)}
    assert loads[("Lensois", "France Travail")][5] == 75  # 1 200 ÷ 16
    cd = loads[("Lensois", "Délégués du Département")]
    # 800 ÷ 13 ETP, ETP que les documents contredisent : la charge est signalée, pas cachée
    assert cd[5] == pytest.approx(61.5, abs=0.05) and cd[7] == "ETP à confirmer"
    seeded = next(r for r in port if r[:3] == ["Lensois", "Délégués du Département", "ETP"])
    assert seeded[7].startswith("⚠ 13 ETP au 31/12/2023 (000_dab05ea08fd3d5d5.txt, l. 469)")
    indicators = {r[0]: r for r in wb["Indicateurs"].iter_rows(values_only=True) if r and r[0]}
    assert "orientes_15j" in indicators and "15 jours" in indicators["orientes_15j"][5]


def test_pack_charts_come_from_the_frozen_state(flux_ctx, tmp_path):
    snap_before = create_snapshot(flux_ctx, "Vide ?", committee="COTECH", taken_on=date(2024, 9, 1))
    data = build_pack_data(flux_ctx)
    titles = [c.title for c in data.charts]
    assert titles == [
        "Montreuillois — entrants par mois et moyenne visée", "Montreuillois — charge par référent",
        "Lensois — entrants par mois et moyenne visée", "Lensois — charge par référent", "Les bassins côte à côte",
        "Échéancier — actions en retard et échéances des 3 prochains mois",
    ]  # fmt: skip
    assert all(c.png().startswith(b"\x89PNG") for c in data.charts)
    wb = load_workbook(export_pack(flux_ctx, tmp_path / "p.xlsx", snapshot=snap_before.name))
    assert len(wb["Graphiques"]._images) == 6


def test_pdf_pack_has_the_recent_flux_table(flux_ctx, tmp_path):
    text = "\n".join(
        p.extract_text() for p in PdfReader(export_pack(flux_ctx, tmp_path / "p.pdf")).pages
    )
    assert "Flux BRSA — derniers mois saisis" in text
    assert "08/2024" in text and "181" in text


def test_a_pack_without_monthly_values_says_so(ctx, tmp_path):
    wb = load_workbook(export_pack(ctx, tmp_path / "p.xlsx"))
    assert "Aucune donnée mensuelle dans cet état." in [
        r[0] for r in wb["Flux BRSA"].iter_rows(values_only=True)
    ]
    # pas de graphique de flux ; l'échéancier, lui, ne dépend pas des flux
    assert [c.title for c in build_pack_data(ctx).charts] == [
        "Échéancier — actions en retard et échéances des 3 prochains mois"
    ]


def test_a_0001_store_is_migrated_with_the_targets_and_portfolios(tmp_path):
    path = tmp_path / "ancienne.sqlite3"
    shutil.copyfile(FIXTURE, path)
    ctx = open_context(path, author="Testeur")
    try:
        assert ctx.prepared.migrated_from == "0001"
        targets = load_targets(ctx)
        assert sorted(t.value for t in targets if t.indicator == "entrants") == [36, 63, 177]
        state = current_state(ctx)["flux"]
        assert {(p["bassin"], p["organisme"], p["number"]) for p in state["portfolios"]} >= {
            ("MON", "FT", 5), ("AUD", "FT", 6), ("LEN", "FT", 16), ("MON", "CD", 3.5), ("AUD", "CD", 4.5),
            ("LEN", "CD", 13),
        }  # fmt: skip
        set_month(ctx, "Audomarois", date(2024, 7, 1), {"entrants": 60}, record_undo=False)
        assert current_state(ctx)["flux"]["values"]["AUD"]["2024-07"] == {"entrants": 60}
    finally:
        ctx.close()
