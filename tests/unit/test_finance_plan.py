"""Plan de financement tel que seedé (annexe 2), édition journalisée et annulable."""

from __future__ import annotations

import pytest

from roadmap_app.core.errors import StaleDataError, ValidationError
from roadmap_app.core.journal import history
from roadmap_app.core.ops import redo_last, undo_last
from roadmap_app.finance import read as fin
from roadmap_app.finance.edit import PlanLineInput, update_plan_line
from roadmap_app.finance.money import format_amount_input
from tests.conftest import dump_store


def _sections(vf):
    return {s.title: s.total_cents for s in vf.sections}


def test_the_seeded_plan_totals_match_the_convention(ctx):
    v1, v2, v3 = fin.load_finance(ctx)
    assert (v1.volet.plafond_cents, v1.plan_total_cents) == (13_500_000, 13_500_000)
    assert (v2.volet.plafond_cents, v2.plan_total_cents) == (412_589_200, 412_589_200)
    assert (v3.volet.plafond_cents, v3.plan_total_cents) == (61_875_000, 61_875_000)
    for vf in (v1, v2, v3):
        assert vf.spent_cents == 0 and vf.expenses == [] and vf.payments == []
    assert v1.all_flags() == [] and v3.all_flags() == []
    # volet 2 : la règle de co-financement (50 % du coût total à la charge du Département) est rappelée
    (cofin,) = v2.all_flags()
    assert (cofin.code, cofin.severity) == (fin.COFINANCING, fin.INFO)
    assert v2.volet.cofinancing_rate_pct == 50
    assert "000_dab05ea08fd3d5d5.txt, l. 846" in cofin.message
    assert (
        "coût total d'au moins 8\u202f251\u202f784,00\u00a0€, dont 4\u202f125\u202f892,00\u00a0€ à la charge du Département"
        in cofin.message
    )


def test_section_subtotals_are_those_written_in_annexe_2(ctx):
    v1, v2, v3 = fin.load_finance(ctx)
    assert _sections(v1) == {
        "Renforcement des équipes locales CD": 10_000_000,
        "Développement SI": 3_500_000,
    }
    assert _sections(v2) == {
        "Etoffer l'offre de solutions locales": 245_700_000,  # « 2 457 000 »
        "Remobilisation / entrée de parcours": 95_914_600,  # « 959 146 »
        "Levée des freins socio-professionnels": 70_974_600,  # « 709 746 »
        "Référencement de l'offre de solutions locales d'accompagnement": None,
    }
    assert _sections(v3)["Renforcement des solutions locales"] == 61_875_000
    amounts = [ln.montant_cents for ln in v3.plan_lines if ln.montant_cents]
    assert amounts == [25_000_000, 14_875_000, 22_000_000]


def test_lines_keep_the_document_as_written(ctx):
    v2 = fin.load_volet_finance(ctx, 2)
    action2 = next(ln for ln in v2.plan_lines if ln.precisions.startswith("Action 2:"))
    assert (action2.existant, action2.cible, action2.delta) == (
        "700 places",
        "1030 places",
        "3030 places",
    )
    assert action2.montant_cents == 80_700_000 and action2.objet.startswith(
        "Solutions d'accompagnement"
    )
    assert "330 places" in action2.note  # l'incohérence du document est notée, pas corrigée
    assert (
        "004_45402f372af52b9b.txt, l. 9439-9445" in action2.note
    )  # et la lecture de l'avenant citée
    assert "000_dab05ea08fd3d5d5.txt, l. 692" in action2.note
    assert action2.financement_complementaire == "FSE - 100000€"
    assert action2.rubrique() == ("accompagnement", "solutions_complementaires")
    etp = next(ln for ln in v2.plan_lines if ln.objet.startswith("ETP d'accompagnement"))
    assert (etp.existant, etp.cible, etp.delta, etp.montant_cents) == ("", "", "", None)
    assert etp.rubrique() == ("accompagnement", "postes_accompagnement")
    assert [ln.precisions for ln in v2.plan_lines[:3]] == [
        "Action 1: Renforcer la qualité de l'accompagnement social dans le cadre de l'accompagnement global "
        "dans l'objectif d'un retour à l'emploi.",
        "Action 2: Amplifier la politique d'accès à l'emploi pour tous",
        "Action 3 ...",
    ]
    v3 = fin.load_volet_finance(ctx, 3)
    assert len(v3.plan_lines) == 13  # lignes vides de la trame comprises
    pour_info = [ln for ln in v3.plan_lines if ln.informative]
    assert len(pour_info) == 4 and all("(pour info)" in ln.label for ln in pour_info)


def test_rubrique_annexe_3_suggested_from_the_line(ctx):
    v3 = fin.load_volet_finance(ctx, 3)
    by_objet = {ln.objet: ln.rubrique() for ln in v3.plan_lines}
    assert by_objet["Accompagnement délégué à une structure du PDI (organisme référent)"] == (
        "solutions_locales",
        "solutions_locales",
    )
    assert by_objet[
        "ingénierie (chef de projet, chargé déploiement numérique, coordonnateur des activités)"
    ] == ("equipes_locales", "cd_ingenierie")
    v2 = fin.load_volet_finance(ctx, 2)
    assert {ln.rubrique()[0] for ln in v2.plan_lines} == {
        "accompagnement",
        "freins",
        "referencement",
    }


def _input(line, **changes):
    values = {
        "nature": line.nature,
        "objet": line.objet,
        "precisions": line.precisions,
        "existant": line.existant,
        "cible": line.cible,
        "delta": line.delta,
        "montant": format_amount_input(line.montant_cents),
        "financement_complementaire": line.financement_complementaire,
        "note": line.note,
    }
    values.update(changes)
    return PlanLineInput(**values)


def test_editing_a_line_is_journaled_and_undoable(ctx):
    v3 = fin.load_volet_finance(ctx, 3)
    line = next(ln for ln in v3.plan_lines if ln.montant_cents == 22_000_000)
    result = update_plan_line(
        ctx, line.id, _input(line, montant="230 000,00\u00a0€", cible="742 places"),
        expected_version=line.version,
    )  # fmt: skip
    assert result.operation_id is not None
    v3 = fin.load_volet_finance(ctx, 3)
    assert v3.plan_total_cents == 62_875_000
    flags = {f.code for f in v3.all_flags()}
    assert flags == {fin.PLAN_OVER_PLAFOND, fin.DOCUMENT_TOTAL}
    assert "dépasse le plafond" in v3.flags[0].message
    journal = history(ctx, "financement_line", [line.id])
    assert {j.field for j in journal} == {"montant_cents", "cible"}
    assert journal[0].author == "Testeur"

    undo_last(ctx)
    v3 = fin.load_volet_finance(ctx, 3)
    assert v3.plan_total_cents == 61_875_000 and v3.all_flags() == []
    redo_last(ctx)
    assert fin.load_volet_finance(ctx, 3).plan_total_cents == 62_875_000


def test_a_line_changed_since_it_was_read_is_not_overwritten(ctx, db_path):
    line = fin.load_volet_finance(ctx, 1).plan_lines[0]
    update_plan_line(ctx, line.id, _input(line, note="relu"), expected_version=line.version)
    before = dump_store(db_path)
    with pytest.raises(StaleDataError, match="rechargez"):
        update_plan_line(ctx, line.id, _input(line, note="autre"), expected_version=line.version)
    assert dump_store(db_path) == before


def test_an_invalid_amount_changes_nothing(ctx, db_path):
    line = fin.load_volet_finance(ctx, 1).plan_lines[0]
    before = dump_store(db_path)
    with pytest.raises(ValidationError, match="Montant delta : « 100 000,001 »"):
        update_plan_line(ctx, line.id, _input(line, montant="100 000,001"))
    with pytest.raises(ValidationError, match="Cible : 201 caractères"):
        update_plan_line(ctx, line.id, _input(line, cible="x" * 201))
    assert dump_store(db_path) == before
    assert not ctx.undo.can_undo()


def test_saving_identical_values_records_nothing(ctx):
    line = fin.load_volet_finance(ctx, 1).plan_lines[0]
    result = update_plan_line(ctx, line.id, _input(line))
    assert result.operation_id is None and not ctx.undo.can_undo()
