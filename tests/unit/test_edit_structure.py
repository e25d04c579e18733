"""Cibles opérationnelles et axes : créer, renommer, déplacer, archiver — journalisé et annulable."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.errors import StaleDataError
from db.models import Action, Axe, Cible
from roadmap_app.core.errors import UserError, ValidationError
from roadmap_app.core.ops import undo_last
from roadmap_app.plan.edit_actions import ActionFields, archive_action, create_action
from roadmap_app.plan.edit_structure import (
    archive_axe,
    archive_cible,
    create_axe,
    create_cible,
    edit_axe,
    edit_cible,
    move_axe,
    move_cible,
    suggest_axe_code,
)
from roadmap_app.plan.read import load_plan
from tests.conftest import dump_store


def cibles(ctx, axe_code):
    return [c.code for a in load_plan(ctx).axes if a.code == axe_code for c in a.cibles]


def axes(ctx):
    return [a.code for a in load_plan(ctx).axes]


def test_a_new_cible_gets_the_next_code_of_its_axe_and_can_receive_actions(ctx):
    result = create_cible(ctx, "Entrée en parcours", "Reprendre le stock des BRSA")
    assert result.code == "EP-5" and cibles(ctx, "EP")[-1] == "EP-5"
    assert create_action(ctx, "EP-5", ActionFields(intitule="Plan de reprise")).code == "EP-5.1"
    undo_last(ctx)
    undo_last(ctx)
    assert cibles(ctx, "EP") == ["EP-1", "EP-2", "EP-3", "EP-4"]
    with ctx.store.session() as s:
        assert s.exec(select(Cible).where(Cible.code == "EP-5")).one().archived


def test_a_cible_can_be_placed_renamed_and_recoded(ctx):
    create_cible(ctx, "AI", "Suivi dans l'emploi renforcé", code="ai-7", before="AI-2")
    assert cibles(ctx, "AI")[:3] == ["AI-1", "AI-7", "AI-2"]
    cible = next(c for a in load_plan(ctx).axes for c in a.cibles if c.code == "AI-7")
    edit_cible(ctx, "AI-7", title="Suivi dans l'emploi (1 semaine, 1 mois, 3 mois)", code="AI-0",
               expected_version=cible.version)  # fmt: skip
    renamed = next(c for a in load_plan(ctx).axes for c in a.cibles if c.id == cible.id)
    assert (renamed.code, renamed.title) == (
        "AI-0",
        "Suivi dans l'emploi (1 semaine, 1 mois, 3 mois)",
    )
    with pytest.raises(StaleDataError, match="La cible AI-0 a été modifiée par Testeur"):
        edit_cible(ctx, "AI-0", title="Autre", expected_version=cible.version)
    undo_last(ctx)
    assert cibles(ctx, "AI")[1] == "AI-7"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ctx: create_cible(ctx, "EP", "   "), "titre de la cible opérationnelle est vide"),
        (lambda ctx: create_cible(ctx, "EP", "Doublon", code="NU-1"), "NU-1 est déjà pris"),
        (lambda ctx: edit_cible(ctx, "EP-1", code="EP-2"), "EP-2 est déjà pris"),
        (lambda ctx: create_cible(ctx, "XX", "Axe inconnu"), "Axe « XX » inconnu"),
        (lambda ctx: create_axe(ctx, ""), "titre de l'axe est vide"),
        (lambda ctx: create_axe(ctx, "Doublon", code="gp"), "GP est déjà pris"),
        (lambda ctx: edit_axe(ctx, "EP", title="x" * 301), "Titre de l'axe trop long"),
    ],
)
def test_invalid_structure_edits_change_nothing(ctx, call, message):
    before = dump_store(ctx.store.path)
    with pytest.raises(UserError, match=message):
        call(ctx)
    assert dump_store(ctx.store.path) == before


def test_moving_a_cible_to_another_axe_keeps_codes_and_takes_its_actions(ctx):
    move_cible(ctx, "ME-3", "NU", before="NU-1")
    assert cibles(ctx, "NU") == ["ME-3", "NU-1", "NU-2", "NU-3"]
    assert cibles(ctx, "ME") == ["ME-1", "ME-2"]
    action = load_plan(ctx).action("ME-3.1")
    assert (action.code, action.axe_code, action.cible_code) == ("ME-3.1", "NU", "ME-3")
    move_cible(ctx, "ME-3", "NU")  # à la fin du même axe
    assert cibles(ctx, "NU") == ["NU-1", "NU-2", "NU-3", "ME-3"]
    undo_last(ctx)
    undo_last(ctx)
    assert cibles(ctx, "ME") == ["ME-1", "ME-2", "ME-3"]
    assert cibles(ctx, "NU") == ["NU-1", "NU-2", "NU-3"]


def test_archiving_a_cible_hides_its_actions_until_it_is_restored(ctx):
    archive_action(ctx, "AI-3.3")  # archivée pour elle-même : elle le reste
    archive_cible(ctx, "AI-3")
    plan = load_plan(ctx)
    assert "AI-3" not in cibles(ctx, "AI")
    assert not {"AI-3.1", "AI-3.2"} & {a.code for a in plan.actions()}
    with pytest.raises(ValidationError, match="cible archivée"):
        archive_action(ctx, "AI-3.3", archived=False)
    with ctx.store.session() as s:  # rien n'est effacé, les actions ne sont pas touchées
        rows = s.exec(select(Action).where(Action.code.startswith("AI-3."))).all()
        assert {(a.code, a.archived) for a in rows} == {
            ("AI-3.1", False), ("AI-3.2", False), ("AI-3.3", True),
        }  # fmt: skip
    archive_cible(ctx, "AI-3", archived=False)
    assert {"AI-3.1", "AI-3.2"} <= {a.code for a in load_plan(ctx).actions()}
    assert "AI-3.3" not in {a.code for a in load_plan(ctx).actions()}


def test_axes_are_created_with_a_code_from_their_title_moved_and_archived(ctx):
    result = create_axe(ctx, "Insertion par l'activité économique", before="GP")
    assert result.code == "IA"
    assert axes(ctx) == ["EP", "AI", "NU", "ME", "IA", "GP"]
    create_cible(ctx, "IA", "Développer les parcours IAE")
    move_axe(ctx, "IA", before="EP")
    assert axes(ctx)[0] == "IA"
    edit_axe(ctx, "IA", title="Insertion par l'activité économique (IAE)")
    archive_axe(ctx, "IA")
    assert "IA" not in axes(ctx)
    with pytest.raises(ValidationError, match="est archivé"):
        create_cible(ctx, "IA", "Nouvelle cible")
    archived = load_plan(ctx, include_archived=True)
    ia = next(a for a in archived.axes if a.code == "IA")
    assert ia.archived and ia.cibles[0].hidden and not ia.cibles[0].archived
    for _ in range(5):
        undo_last(ctx)
    assert axes(ctx) == ["EP", "AI", "NU", "ME", "GP"]
    with ctx.store.session() as s:
        assert s.exec(select(Axe).where(Axe.code == "IA")).one().archived


def test_axe_codes_are_suggested_from_the_title():
    assert suggest_axe_code("Entrée en parcours", set()) == "EP"
    assert suggest_axe_code("Numérique", set()) == "NU"
    assert suggest_axe_code("Mobilisation des entreprises", {"ME"}) == "ME2"
