"""Chiffres de référence des bassins (situation au 31/12/2023) et de la convention."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from db.models import (
    Atelier,
    Bassin,
    FinancementLine,
    IndicatorDefinition,
    KeyDate,
    ReferenceFigure,
    Volet,
)

BASSIN_FIGURES = {
    # clé : (Montreuillois, Audomarois, Lensois)
    "brsa_entrants_flux": (426, 756, 2118),
    "brsa_stock": (1831, 3338, 10577),
    "brsa_droits_ouverts": (2430, 3641, 12636),
    "de_droit_rsa": (1313, 2081, 5548),
    "de_part_demande_emploi": (17.4, 21.7, 24.6),
    "part_soumis_droits_devoirs": (96, 96, 96),
    "part_femmes": (56, 59, 59),
    "part_moins_25_ans": (6, 6, 6),
    "part_25_29_ans": (13, 14, 15),
    "part_moins_30_ans": (19, 20, 21),
    "part_30_39_ans": (25, 28, 29),
    "part_40_49_ans": (22, 23, 22),
    "part_50_ans_plus": (33, 29, 28),
    "part_anciennete_moins_6_mois": (9, 7, 6),
    "part_anciennete_plus_5_ans": (51, 56, 60),
    "part_orientation_professionnelle": (33, 28, 41),
    "part_orientation_solidarites": (23, 33, 37),
    "part_orientation_france_travail": (44, 39, 22),
    "taux_contractualisation": (82, 80, 73),
    "de_part_50_ans_plus": (24.8, 20.4, 19),
    "de_part_inscription_plus_1_an": (44, 43, 42),
    "de_part_qpv": (3.5, 18.9, 29.9),
    "de_part_activite_reduite": (27, 25, 24),
    "de_part_frein_social": (57, 61, 61),
    "cible_mensuelle_entrants": (36, 63, 177),
    "tendance_orientation_ft": (213, 378, 1059),
    "portefeuilles_ft": (5, 6, 16),
    "etp_delegues_cd": (3.5, 4.5, 13),
    "communes": (267, 89, 36),
}
TOTALS = {
    "brsa_entrants_flux": 3300,
    "brsa_stock": 15746,
    "brsa_droits_ouverts": 18707,
    "de_droit_rsa": 8661,
    "portefeuilles_ft": 27,
    "etp_delegues_cd": 21,
    "accompagnateurs_cd": 0,
    "nombre_cible_rsa_xp": 3300,
    "part_brsa_departement": 35,
}


@pytest.fixture
def figures(ctx):
    with ctx.store.session() as s:
        names = {b.id: b.name for b in s.exec(select(Bassin)).all()}
        rows = s.exec(select(ReferenceFigure)).all()
        return {(names.get(f.bassin_id), f.key): f for f in rows}


@pytest.mark.parametrize("key", sorted(BASSIN_FIGURES))
def test_every_bassin_figure_of_annexe_1_bis_is_stored_and_dated(figures, key):
    for bassin, expected in zip(
        ("Montreuillois", "Audomarois", "Lensois"), BASSIN_FIGURES[key], strict=True
    ):
        fig = figures[(bassin, key)]
        assert fig.value == expected, (bassin, key)
        assert fig.as_of == date(2023, 12, 31)
        assert "000_dab05ea08fd3d5d5.txt" in fig.source


def test_totals_of_the_three_bassins(figures):
    for key, expected in TOTALS.items():
        assert figures[(None, key)].value == expected


def test_bassin_sums_match_the_written_totals(figures):
    def total(key):
        return sum(figures[(b, key)].value for b in ("Montreuillois", "Audomarois", "Lensois"))

    for key in (
        "brsa_entrants_flux",
        "brsa_stock",
        "brsa_droits_ouverts",
        "portefeuilles_ft",
        "etp_delegues_cd",
    ):
        assert total(key) == figures[(None, key)].value, key
    # Le document lui-même est incohérent : le total est gardé tel qu'écrit et l'écart est noté.
    assert total("de_droit_rsa") == 8942 and figures[(None, "de_droit_rsa")].value == 8661
    assert "8 942" in figures[(None, "de_droit_rsa")].note


def test_a_figure_with_another_date_is_kept_with_it(figures):
    pauvrete = figures[("Montreuillois", "taux_pauvrete")]
    assert pauvrete.value == 16 and pauvrete.as_of == date(2021, 12, 31)


def test_bassins_carry_typology_and_services(ctx):
    with ctx.store.session() as s:
        bassins = {b.name: b for b in s.exec(select(Bassin)).all()}
    assert bassins["Montreuillois"].typology.startswith("Territoire rural")
    assert "Berck et Marconnelle" in bassins["Montreuillois"].services
    assert "Longuenesse" in bassins["Audomarois"].services
    assert "Liévin" in bassins["Lensois"].services


def test_plan_de_financement_totals_per_volet(ctx):
    with ctx.store.session() as s:
        volets = {v.number: v for v in s.exec(select(Volet)).all()}
        lines = s.exec(select(FinancementLine)).all()
    totals = {
        n: sum(ln.montant_cents or 0 for ln in lines if ln.volet_id == v.id)
        for n, v in volets.items()
    }
    assert totals == {1: 13_500_000, 2: 412_589_200, 3: 61_875_000}
    for n, v in volets.items():
        assert v.total_document_cents == totals[n]
        assert v.advance_rate_pct == 60
    assert Decimal(totals[3]) / 100 == Decimal("618750")
    assert (volets[3].period_start, volets[3].period_end) == (date(2024, 7, 1), date(2024, 12, 31))
    v3 = [ln for ln in lines if ln.volet_id == volets[3].id and ln.montant_cents]
    assert [(ln.existant, ln.cible, ln.delta, ln.montant_cents) for ln in v3] == [
        (
            "11 ETP soit 275 000 sur 6 mois",
            "21 ETP soit 525 000 sur 6 mois",
            "10 ETP soit 250 000 sur 6 mois",
            25_000_000,
        ),
        ("225 places", "415 places", "190 places", 14_875_000),
        ("412 places", "722 places", "310 places", 22_000_000),
    ]


def test_contract_dates(ctx):
    with ctx.store.session() as s:
        dates = {k.key: k for k in s.exec(select(KeyDate)).all()}
    assert (dates["periode_volet_3"].date, dates["periode_volet_3"].end_date) == (
        date(2024, 7, 1),
        date(2025, 12, 31),
    )
    assert dates["bilan_final"].date == date(2026, 3, 31)
    assert dates["bilan_intermediaire"].date == date(2025, 3, 31)
    assert dates["cp_avenant_volet3"].date == date(2024, 9, 16)


def test_launch_workshops_and_national_indicators(ctx):
    with ctx.store.session() as s:
        names = {b.id: b.name for b in s.exec(select(Bassin)).all()}
        ateliers = sorted((a.date, names[a.bassin_id]) for a in s.exec(select(Atelier)).all())
        codes = [
            i.code
            for i in s.exec(
                select(IndicatorDefinition).order_by(IndicatorDefinition.position)
            ).all()
            if i.category != "flux"  # les 17 flux mensuels : tests/unit/test_indicators_model.py
        ]
    assert ateliers == [
        (date(2024, 5, 24), "Montreuillois"),
        (date(2024, 5, 28), "Montreuillois"),
        (date(2024, 5, 30), "Lensois"),
        (date(2024, 6, 4), "Audomarois"),
        (date(2024, 6, 5), "Lensois"),
        (date(2024, 6, 11), "Audomarois"),
    ]
    assert codes == [
        "R1",
        "R2",
        "R3",
        "M1",
        "M1a",
        "M1b",
        "M1c",
        "M2",
        "M3",
        "M4",
        "M5",
        "M6",
        "V2-1",
        "V2-2",
    ]
