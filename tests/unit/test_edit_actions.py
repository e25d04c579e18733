"""Actions : créer, modifier chaque champ, déplacer, archiver — journalisé, annulable, vérifié."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from db.errors import StaleDataError
from db.models import Action, ActionBassin, ActionPilote, JournalEntry
from roadmap_app.core.errors import NotFoundError, ValidationError
from roadmap_app.core.ops import redo_last, undo_last
from roadmap_app.plan.edit_actions import (
    ActionFields,
    archive_action,
    create_action,
    edit_action,
    move_action,
)
from roadmap_app.plan.pilotes import organisations_in
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from tests.conftest import dump_store


def codes(ctx, cible_code):
    plan = load_plan(ctx)
    return [
        a.code for axe in plan.axes for c in axe.cibles if c.code == cible_code for a in c.actions
    ]


def journal(ctx, op):
    with ctx.store.session() as s:
        return s.exec(
            select(JournalEntry)
            .where(JournalEntry.operation_id == op)
            .order_by(col(JournalEntry.id))
        ).all()


def test_a_new_action_takes_the_next_free_code_and_applies_to_every_bassin(ctx):
    result = create_action(
        ctx,
        "EP-2",
        ActionFields(
            intitule="Comités d'orientation mensuels",
            plan_actions="Réunir chaque mois les partenaires.\nArrêter les orientations.",
            echeance_label="1er avril",
            pilotes_label="CD/CAF",
        ),
    )
    assert result.code == "EP-2.3"
    assert codes(ctx, "EP-2") == ["EP-2.1", "EP-2.2", "EP-2.3"]
    plan = load_plan(ctx)
    action = plan.action("EP-2.3")
    assert action.intitule == "Comités d'orientation mensuels"
    assert action.plan_actions.startswith("Réunir chaque mois")
    assert action.pilotes == ("CD", "CAF") and action.pilotes_label == "CD/CAF"
    # « 1er avril » : l'année est celle de la feuille de route, et c'est signalé
    assert action.echeance.start.isoformat() == "2024-04-01"
    assert "déduite de la feuille de route (2024)" in action.echeance.flag
    assert result.warnings and "2024" in result.warnings[0]
    assert {plan.bassin(b).name: c.status for b, c in action.statuses.items()} == {
        "Montreuillois": "a_lancer", "Audomarois": "a_lancer", "Lensois": "a_lancer",
    }  # fmt: skip
    lines = journal(ctx, result.operation_id)
    assert {(e.entity, e.field, e.old_value, e.new_value) for e in lines} == {
        ("action", "archived", "true", "false"),
        ("action_bassin", "archived", "true", "false"),
    }
    assert len(lines) == 4 and all(e.author == "Testeur" for e in lines)


def test_undoing_a_creation_archives_the_action_and_redo_brings_it_back(ctx):
    create_action(ctx, "NU-2", ActionFields(intitule="Annuaire numérique partagé"))
    undo_last(ctx)
    assert codes(ctx, "NU-2") == ["NU-2.1", "NU-2.2"]
    with ctx.store.session() as s:
        row = s.exec(select(Action).where(Action.code == "NU-2.3")).one()
        assert row.archived  # jamais effacée
    redo_last(ctx)
    assert codes(ctx, "NU-2") == ["NU-2.1", "NU-2.2", "NU-2.3"]
    # le numéro d'une action archivée n'est pas réutilisé
    archive_action(ctx, "NU-2.3")
    assert create_action(ctx, "NU-2", ActionFields(intitule="Autre")).code == "NU-2.4"


def test_a_new_action_can_be_placed_before_another(ctx):
    create_action(
        ctx, "EP-3", ActionFields(intitule="Prise de rendez-vous en ligne"), before="EP-3.2"
    )
    assert codes(ctx, "EP-3") == ["EP-3.1", "EP-3.4", "EP-3.2", "EP-3.3"]
    undo_last(ctx)
    assert codes(ctx, "EP-3") == ["EP-3.1", "EP-3.2", "EP-3.3"]


@pytest.mark.parametrize(
    ("cible", "fields", "message"),
    [
        ("EP-2", ActionFields(intitule="  "), "Intitulé vide"),
        ("EP-2", ActionFields(intitule="Doublon", code="ep-2.1"), "EP-2.1 est déjà pris"),
        ("EP-2", ActionFields(intitule="Code", code="EP 2/3"), "Code d'action « EP 2/3 » invalide"),
        ("EP-2", ActionFields(intitule="Sans bassin", bassins=[]), "au moins un bassin"),
        (
            "EP-2",
            ActionFields(intitule="Bassin", bassins=["Calaisis"]),
            "Bassin « Calaisis » inconnu",
        ),
        ("EP-2", ActionFields(intitule="Pilote", organisations=["ARS"]), "« ARS » inconnue"),
        ("EP-9", ActionFields(intitule="Cible"), "Cible « EP-9 » inconnue"),
        ("EP-2", ActionFields(intitule="x" * 301), "Intitulé trop long"),
    ],
)
def test_invalid_new_actions_are_refused_with_a_clear_message_and_nothing_changes(
    ctx, cible, fields, message
):
    before = dump_store(ctx.store.path)
    with pytest.raises((ValidationError, NotFoundError), match=message):
        create_action(ctx, cible, fields)
    assert dump_store(ctx.store.path) == before
    assert not ctx.undo.can_undo()


def test_every_field_is_editable_in_one_undoable_operation(ctx):
    plan = load_plan(ctx)
    before = plan.action("AI-3.2")
    lens = plan.bassin("Lensois").id
    result = edit_action(
        ctx,
        "AI-3.2",
        ActionFields(
            code="AI-3.20",
            intitule="Offre de services intensive",
            actions_preexistantes="Ateliers collectifs existants",
            plan_actions="Déployer l'offre intensive sur les trois bassins",
            indicateurs_tdb="M5 % en accompagnement intensif",
            indicateurs_autres="Nombre d'ateliers",
            echeance_label="T2 2025",
            pilotes_label="CD/FT/CR",
            commentaires="Validé en COPIL",
            bassins=["Montreuillois", "Audomarois"],
        ),
        expected_version=before.version,
    )
    after = load_plan(ctx).action("AI-3.20")
    assert after.id == before.id
    assert (after.intitule, after.actions_preexistantes, after.plan_actions) == (
        "Offre de services intensive",
        "Ateliers collectifs existants",
        "Déployer l'offre intensive sur les trois bassins",
    )
    assert (after.indicateurs_tdb, after.indicateurs_autres, after.commentaires) == (
        "M5 % en accompagnement intensif",
        "Nombre d'ateliers",
        "Validé en COPIL",
    )
    assert (after.echeance.label, after.echeance.start.isoformat(), after.echeance.end.isoformat()) == (
        "T2 2025", "2025-04-01", "2025-06-30",
    )  # fmt: skip
    assert after.pilotes == ("CD", "FT", "CR")
    assert lens not in after.statuses  # non applicable au Lensois…
    with ctx.store.session() as s:
        cell = s.exec(
            select(ActionBassin).where(
                ActionBassin.action_id == before.id, ActionBassin.bassin_id == lens
            )
        ).one()
        assert cell.archived and cell.status == before.statuses[lens].status  # …mais gardée
    assert after.version == before.version + 1
    assert "intitulé" in result.label and "bassins concernés" in result.label
    assert len({e.operation_id for e in journal(ctx, result.operation_id)}) == 1

    undo_last(ctx)
    restored = load_plan(ctx).action("AI-3.2")
    for name in ("intitule", "actions_preexistantes", "plan_actions", "indicateurs_tdb",
                 "indicateurs_autres", "echeance", "pilotes_label", "pilotes", "commentaires"):  # fmt: skip
        assert getattr(restored, name) == getattr(before, name), name
    assert set(restored.statuses) == set(before.statuses)


def test_pilotes_keep_the_wording_and_update_the_organisation_links(ctx):
    original = load_plan(ctx).action("GP-1.1")
    edit_action(ctx, "GP-1.1", ActionFields(pilotes_label="CD/ Etat (DDETS)"))
    action = load_plan(ctx).action("GP-1.1")
    assert action.pilotes_label == "CD/ Etat (DDETS)" and action.pilotes == ("CD", "ETAT")
    # des organisations choisies explicitement l'emportent sur la lecture du libellé
    edit_action(ctx, "GP-1.1", ActionFields(organisations=["FT"]))
    assert load_plan(ctx).action("GP-1.1").pilotes == ("FT",)
    undo_last(ctx)
    undo_last(ctx)
    restored = load_plan(ctx).action("GP-1.1")
    assert (restored.pilotes_label, restored.pilotes) == (original.pilotes_label, original.pilotes)
    with ctx.store.session() as s:
        links = s.exec(select(ActionPilote).where(ActionPilote.action_id == action.id)).all()
    assert len(links) == len(original.pilotes)


def test_an_unreadable_echeance_is_kept_as_written_and_flagged(ctx):
    result = edit_action(ctx, "ME-1.1", ActionFields(echeance_label="après les élections"))
    action = load_plan(ctx).action("ME-1.1")
    assert action.echeance.label == "après les élections"
    assert action.echeance.start is None and action.echeance.end is None
    assert "illisible" in action.echeance.flag
    assert result.warnings == (action.echeance.flag,)
    assert not action.overdue()  # jamais « en retard » sur une date devinée


def test_an_edit_based_on_a_stale_version_names_who_changed_it(ctx):
    seen = load_plan(ctx).action("GP-2.1")
    edit_action(ctx, "GP-2.1", ActionFields(commentaires="Revu"), author="Collègue")
    before = dump_store(ctx.store.path)
    with pytest.raises(StaleDataError, match="modifiée par Collègue le"):
        edit_action(
            ctx, "GP-2.1", ActionFields(commentaires="Autre"), expected_version=seen.version
        )
    assert dump_store(ctx.store.path) == before


def test_an_identical_edit_is_not_an_operation(ctx):
    action = load_plan(ctx).action("EP-1.1")
    result = edit_action(
        ctx,
        "EP-1.1",
        ActionFields(plan_actions=action.plan_actions + "  ", echeance_label=action.echeance.label),
    )
    assert result.operation_id is None and not ctx.undo.can_undo()


def test_moving_keeps_the_code_and_renumbers_positions_undoably(ctx):
    result = move_action(ctx, "EP-2.1", "EP-3", before="EP-3.2")
    assert result.label == "Action EP-2.1 déplacée vers la cible EP-3"
    assert codes(ctx, "EP-3") == ["EP-3.1", "EP-2.1", "EP-3.2", "EP-3.3"]
    assert codes(ctx, "EP-2") == ["EP-2.2"]
    assert load_plan(ctx).action("EP-2.1").cible_code == "EP-3"
    move_action(ctx, "EP-3.3", "EP-3", before="EP-3.1")  # réordonner dans la cible
    assert codes(ctx, "EP-3") == ["EP-3.3", "EP-3.1", "EP-2.1", "EP-3.2"]
    undo_last(ctx)
    undo_last(ctx)
    assert codes(ctx, "EP-3") == ["EP-3.1", "EP-3.2", "EP-3.3"]
    assert codes(ctx, "EP-2") == ["EP-2.1", "EP-2.2"]


def test_moving_in_place_or_into_an_archived_cible_is_refused_or_a_no_op(ctx):
    assert move_action(ctx, "EP-3.2", "EP-3", before="EP-3.3").operation_id is None
    assert move_action(ctx, "EP-3.2", "EP-3", before="EP-3.2").operation_id is None
    from roadmap_app.plan.edit_structure import archive_cible

    archive_cible(ctx, "NU-3")
    before = dump_store(ctx.store.path)
    with pytest.raises(ValidationError, match="NU-3 est archivée"):
        move_action(ctx, "EP-3.2", "NU-3")
    with pytest.raises(ValidationError, match="n'est pas dans la cible"):
        move_action(ctx, "EP-3.2", "EP-2", before="EP-3.1")
    assert dump_store(ctx.store.path) == before


def test_an_archived_action_leaves_the_working_views_but_stays_in_the_store(ctx):
    update_status(ctx, "ME-2.2", "Lensois", status="en_cours", progress=30)
    result = archive_action(ctx, "ME-2.2")
    plan = load_plan(ctx)
    assert "ME-2.2" not in [a.code for a in plan.actions()]
    with pytest.raises(ValidationError, match="archivée"):
        update_status(ctx, "ME-2.2", "Lensois", status="realise")
    with ctx.store.session() as s:
        row = s.exec(select(Action).where(Action.code == "ME-2.2")).one()
        cells = s.exec(select(ActionBassin).where(ActionBassin.action_id == row.id)).all()
        entries = s.exec(
            select(JournalEntry).where(JournalEntry.entity_label.startswith("ME-2.2"))
        ).all()
    assert row.archived and len(cells) == 3
    assert {c.status for c in cells} == {"a_lancer", "en_cours"}  # le statut reste
    assert {(e.field, json.loads(e.new_value)) for e in entries} >= {
        ("status", "en_cours"),
        ("archived", True),
    }
    archived_view = load_plan(ctx, include_archived=True).action("ME-2.2")
    assert archived_view.archived and archived_view.hidden
    with pytest.raises(ValidationError, match="est déjà archivée"):
        archive_action(ctx, "ME-2.2")
    assert result.label == "Action ME-2.2 archivée"
    archive_action(ctx, "ME-2.2", archived=False)
    assert "ME-2.2" in [a.code for a in load_plan(ctx).actions()]


def test_pilote_labels_of_the_document_are_read_as_the_seed_reads_them():
    from db.seed.loader import read_seed_file

    mapping = read_seed_file("feuille_de_route_2024.json")["pilotes"]
    for label, expected in mapping.items():
        assert organisations_in(label) == expected, label
    assert organisations_in("Pôle emploi / Région") == ["FT", "CR"]
    assert organisations_in("à définir") == []
