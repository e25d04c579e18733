"""Une valeur d'indicateur se lit par sa période : une valeur annuelle est rangée au 1er janvier,
une valeur mensuelle au 1er du mois ; « 52 % au 01/01/2025 » se lisait comme un relevé du jour de
l'An (page Indicateurs, panneau de détail, bilan)."""

from __future__ import annotations

from datetime import date

import pytest

from roadmap_app.indicators.model import IndicatorDef, value_period, value_phrase


def _def(frequency: str, storage: str = "valeurs") -> IndicatorDef:
    return IndicatorDef(1, "X", "X", "", "%", "up", frequency, "bassin", "autre", storage, "", "", None, 1)


@pytest.mark.parametrize(
    ("frequency", "storage", "day", "period", "phrase"),
    [
        ("year", "valeurs", date(2025, 1, 1), "2025", "en 2025"),
        ("quarter", "valeurs", date(2024, 7, 1), "T3 2024", "au T3 2024"),
        ("month", "valeurs", date(2024, 9, 1), "sept. 2024", "en sept. 2024"),
        ("free", "valeurs", date(2024, 9, 30), "30/09/2024", "au 30/09/2024"),
        ("free", "flux", date(2024, 9, 1), "sept. 2024", "en sept. 2024"),  # un flux est mensuel
    ],
)
def test_a_value_reads_as_its_period(frequency, storage, day, period, phrase):
    d = _def(frequency, storage)
    assert (value_period(d, day), value_phrase(d, day)) == (period, phrase)


def test_a_target_not_yet_in_force_is_called_the_next_one():
    """Une valeur 2024 face à la cible 2025 : « sans cible » (pas encore en vigueur), et le texte
    disait « cible 2025 : 60 % — sans cible », contradictoire ; il dit « prochaine cible »."""
    from roadmap_app.indicators.model import NO_TARGET, Point, Step, compute_state, target_phrase

    d = _def("year")
    target = Step("target", None, 60.0, date(2025, 1, 1), 2025, "")
    early = compute_state(d, 3, "Lensois", {(1, 3): [Point(date(2024, 1, 1), 53.0)]}, {(1, None): [target]},
                          date(2026, 11, 15))  # fmt: skip
    assert (early.status, target_phrase(early)) == (NO_TARGET, "prochaine cible 2025 : 60 %")
    late = compute_state(d, 3, "Lensois", {(1, 3): [Point(date(2025, 1, 1), 53.0)]}, {(1, None): [target]},
                         date(2026, 11, 15))  # fmt: skip
    assert (late.status, target_phrase(late)) == ("en-dessous", "cible 2025 : 60 %")
    none = compute_state(d, 3, "Lensois", {}, {}, date(2026, 11, 15))
    assert target_phrase(none) == "sans cible"


# -- une seule mise en forme de la période, partout où elle se lit ------------------------------------
def _monthly_and_yearly(ctx):
    """M3 (mensuel, en %, non fondu dans un flux) : cible à partir du 1er juillet 2024 ; R1 (annuel) : valeur 2024 ; RDV
    (trimestriel) : valeur du troisième trimestre."""
    from roadmap_app.indicators import service as svc

    svc.link(ctx, "EP-1.1", "M3", kind="tdb")
    svc.link(ctx, "EP-1.1", "R1", kind="tdb")
    svc.set_step(ctx, "M3", "target", 30, day=date(2024, 7, 1))
    svc.set_value(ctx, "M3", 25, date(2024, 9, 1), bassin="Lensois")
    svc.add_indicator(ctx, "RDV", label="Rendez-vous tenus", unit="nombre", direction="up", frequency="quarter")
    return svc


def test_a_monthly_target_reads_as_its_month_everywhere(ctx, tmp_path):
    """« 30 % (01/07/2024) » pour la cible d'un indicateur mensuel : on attend « juil. 2024 »,
    sur la page, dans le panneau, dans la comparaison et dans le pack."""
    from openpyxl import load_workbook

    from roadmap_app.committees.diff import diff_states
    from roadmap_app.committees.indicators_section import SECTION, describe, pack_rows
    from roadmap_app.committees.pack import export_pack
    from roadmap_app.committees.snapshots import create_snapshot, current_state, snapshot_state
    from roadmap_app.indicators import model as m

    svc = _monthly_and_yearly(ctx)
    lens = next(st for st in m.overview(ctx).states if st.indicator.code == "M3" and st.bassin_name == "Lensois")
    assert lens.target is not None and lens.target.when(lens.indicator) == "juil. 2024"
    assert m.target_phrase(lens) == "cible juil. 2024 : 30 %"  # panneau de détail, bilan
    create_snapshot(ctx, "COPIL", committee="COPIL", taken_on=date(2024, 10, 1))
    svc.set_value(ctx, "M3", 28, date(2024, 10, 1), bassin="Lensois")
    svc.set_step(ctx, "M3", "target", 35, day=date(2024, 11, 1), bassin="Lensois")
    diff = diff_states(snapshot_state(ctx, "COPIL"), current_state(ctx), "COPIL", "état actuel")
    texts = [describe(s) for s in diff.sections if s.section == SECTION]
    assert "M3 Lensois : 25 → 28 (sept. 2024 → oct. 2024 ; cible juil. 2024 : 30 %, non atteinte)" in texts
    assert "M3 Lensois : — → 35 (nouvelle cible nov. 2024)" in texts
    row = next(r for r in pack_rows(current_state(ctx)) if r[1].endswith("(M3)") and r[2] == "Lensois")
    assert row[4:6] == ["30 % (juil. 2024)", "28 % (oct. 2024)"]  # la cible en vigueur en octobre
    sheet = load_workbook(export_pack(ctx, tmp_path / "pack.xlsx"))["Indicateurs de suivi"]
    assert "30 % (juil. 2024)" in [c for r in sheet.iter_rows(values_only=True) for c in r]


def test_the_journal_says_the_period_of_a_value(ctx):
    """« Valeur R1 – Lensois au 01/01/2026 », « valeur du 01/01/2026 » : le journal dit « valeur
    2026 », « T3 2025 » pour un trimestre, le mois pour un indicateur mensuel."""
    from roadmap_app.core import journal
    from roadmap_app.workshops.merge import describe_key

    svc = _monthly_and_yearly(ctx)
    labels = []
    for code, day in (("R1", date(2024, 3, 5)), ("RDV", date(2024, 8, 12)), ("M3", date(2024, 8, 1))):
        op = svc.set_value(ctx, code, 40, day, bassin="Lensois")
        lines = journal.operation(ctx, op)
        labels.append((lines[0].operation_label, lines[0].entity_label))
    assert labels == [("Valeur 2024 de R1 – Lensois", "R1 / Lensois / 2024"),
                      ("Valeur T3 2024 de RDV – Lensois", "RDV / Lensois / T3 2024"),
                      ("Valeur août 2024 de M3 – Lensois", "M3 / Lensois / août 2024")]  # fmt: skip
    op = svc.set_step(ctx, "R1", "target", 60, year=2025)
    assert journal.operation(ctx, op)[0].entity_label == "R1 / Tous les bassins / cible 2025"
    # fusion d'atelier : le libellé du changement, repris dans le journal
    frequencies = {"R1": "year", "RDV": "quarter"}
    assert describe_key("ind|R1|LEN|2026-01-01|value", {"LEN": "Lensois"}, frequencies) == "R1 / Lensois – valeur 2026"
    assert describe_key("ind|RDV||2025-07-01|value", {}, frequencies) == "RDV / tout le plan – valeur T3 2025"
    assert describe_key("ind|X||2025-07-14|value") == "X / tout le plan – valeur du 14/07/2025"
