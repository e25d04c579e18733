"""Bassins (ajout, applicabilité, archivage) et feuilles de route (reprise, choix)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from db.models import Action, ActionBassin, Axe, Cible, ReferenceFigure
from roadmap_app.core.errors import NotFoundError, UserError, ValidationError
from roadmap_app.core.ops import undo_last
from roadmap_app.plan.bassins import (
    FigureInput,
    add_bassin,
    archive_bassin,
    list_bassins,
    set_bassin_actions,
    suggested_territories,
)
from roadmap_app.plan.filters import ActionFilter
from roadmap_app.plan.history import action_history
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.roadmap_list import list_roadmaps, use_roadmap
from roadmap_app.plan.roadmaps import archive_roadmap, carry_over_preview, new_roadmap
from roadmap_app.plan.status import update_status
from tests.conftest import dump_store

END_2024 = date(2024, 12, 31)


def test_a_fourth_bassin_brings_its_column_statuses_and_dated_figures(ctx):
    assert suggested_territories(ctx) == [
        "Arrageois", "Artois", "Boulonnais", "Calaisis", "Hénin-Carvin", "Ternois",
    ]  # fmt: skip
    result = add_bassin(
        ctx,
        "Hénin-Carvin",
        typology="Territoire urbain",
        figures=[FigureInput("brsa_stock", 4210), FigureInput("part_femmes", 55.5)],
        as_of=END_2024,
    )
    assert result.code == "HEN"
    plan = load_plan(ctx)
    assert [b.name for b in plan.bassins] == [
        "Montreuillois",
        "Audomarois",
        "Lensois",
        "Hénin-Carvin",
    ]
    hen = plan.bassin("hénin").id
    assert all(a.statuses[hen].status == "a_lancer" for a in plan.actions())
    # les filtres voient le nouveau bassin comme les autres
    flt = ActionFilter(bassin_ids=frozenset({hen}), statuses=frozenset({"a_lancer"}))
    assert sum(1 for a in plan.actions() if flt.matches(a, plan.today)) == 35
    info = next(b for b in list_bassins(ctx) if b.code == "HEN")
    assert info.actions == 35
    assert [(f.key, f.value, f.unit, f.as_of) for f in info.figures] == [
        ("brsa_stock", 4210.0, "nombre", END_2024), ("part_femmes", 55.5, "%", END_2024),
    ]  # fmt: skip
    assert "Hénin-Carvin" not in suggested_territories(ctx)


def test_a_bassin_may_start_with_only_some_actions(ctx):
    add_bassin(ctx, "Ternois", actions="EP-1.1, GP-4.1")
    plan = load_plan(ctx)
    ter = plan.bassin("Ternois").id
    assert sorted(a.code for a in plan.actions() if ter in a.statuses) == ["EP-1.1", "GP-4.1"]
    # les autres actions y sont « non concernées » : elles restent visibles dans les autres bassins
    assert len(list(plan.actions())) == 35


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "lensois"}, "Le bassin « Lensois » existe déjà"),
        ({"name": " "}, "nom du bassin est vide"),
        ({"name": "Artois", "code": "MON"}, "MON est déjà pris"),
        ({"name": "Artois", "figures": [FigureInput("part_femmes", 120)], "as_of": END_2024},
         "valeur 120 invalide \\(de 0 à 100 attendue\\)"),
        ({"name": "Artois", "figures": [FigureInput("brsa_stock", 10)]}, "Date de situation"),
        ({"name": "Artois", "figures": [FigureInput("inconnu", 1)], "as_of": END_2024},
         "« inconnu » inconnu"),
        ({"name": "Artois", "actions": "EP-1.1,ZZ-9"}, "Action « ZZ-9 » inconnue"),
    ],
)  # fmt: skip
def test_invalid_bassins_are_refused_and_nothing_changes(ctx, kwargs, message):
    before = dump_store(ctx.store.path)
    with pytest.raises(UserError, match=message):
        add_bassin(ctx, **kwargs)
    assert dump_store(ctx.store.path) == before


def test_applicability_is_archived_not_deleted_and_comes_back_with_its_status(ctx):
    update_status(ctx, "NU-2.1", "Audomarois", status="en_cours", progress=40, note="Atelier fait")
    codes = [a.code for a in load_plan(ctx).actions() if a.code != "NU-2.1"]
    set_bassin_actions(ctx, "Audomarois", codes)
    plan = load_plan(ctx)
    aud = plan.bassin("Audomarois").id
    assert aud not in plan.action("NU-2.1").statuses
    with pytest.raises(ValidationError, match="ne s'applique pas au bassin Audomarois"):
        update_status(ctx, "NU-2.1", "Audomarois", status="realise")
    set_bassin_actions(ctx, "Audomarois", "all")
    cell = load_plan(ctx).action("NU-2.1").statuses[aud]
    assert (cell.status, cell.progress, cell.note) == ("en_cours", 40, "Atelier fait")


def test_an_archived_bassin_leaves_the_columns_but_keeps_its_rows(ctx):
    archive_bassin(ctx, "Montreuillois")
    plan = load_plan(ctx)
    assert [b.name for b in plan.bassins] == ["Audomarois", "Lensois"]
    assert all(len(a.statuses) == 2 for a in plan.actions())
    with ctx.store.session() as s:
        assert len(s.exec(select(ActionBassin).where(ActionBassin.bassin_id == 1)).all()) == 35
        assert s.exec(select(ReferenceFigure).where(ReferenceFigure.bassin_id == 1)).first()
    archive_bassin(ctx, "Audomarois")
    with pytest.raises(ValidationError, match="dernier bassin actif"):
        archive_bassin(ctx, "Lensois")
    undo_last(ctx)
    undo_last(ctx)
    assert len(load_plan(ctx).bassins) == 3


def _close_everywhere(ctx, *codes):
    """NU-1.1 et AI-1.3 : réalisées dans les trois bassins (le jeu initial les met en cours)."""
    for code in codes:
        for bassin in ("Montreuillois", "Audomarois", "Lensois"):
            update_status(ctx, code, bassin, status="realise")


def test_starting_2025_from_2024_carries_the_open_actions_only(ctx):
    _close_everywhere(ctx, "NU-1.1", "AI-1.3")
    plan24 = load_plan(ctx)
    lens, aud = plan24.bassin("Lensois").id, plan24.bassin("Audomarois").id
    update_status(ctx, "EP-2.2", "Lensois", status="realise", progress=100)
    update_status(ctx, "EP-2.2", "Audomarois", status="en_cours", progress=60, note="Comité arrêté")
    for bassin in ("Montreuillois", "Audomarois", "Lensois"):
        update_status(
            ctx, "ME-3.2", bassin, status="realise" if bassin != "Lensois" else "abandonne"
        )
    preview = carry_over_preview(ctx)
    before24 = [line for line in dump_store(ctx.store.path) if 'INSERT INTO "action"' in line]

    created = new_roadmap(ctx, "Feuille de route 2025")
    assert set(created.left) == {"NU-1.1", "AI-1.3", "ME-3.2"}  # réalisées ou abandonnées partout
    assert len(created.carried) == 32 == len(preview.carried)
    plan25 = load_plan(ctx)  # la plus récente devient celle par défaut
    assert (plan25.roadmap.name, plan25.roadmap.year, plan25.roadmap.code) == (
        "Feuille de route 2025", 2025, "FDR-2025",
    )  # fmt: skip
    assert [a.code for a in plan25.axes] == [a.code for a in plan24.axes]
    assert sum(len(a.cibles) for a in plan25.axes) == 20
    ep22 = plan25.action("EP-2.2")
    assert ep22.carried_from_id == plan24.action("EP-2.2").id
    assert lens not in ep22.statuses  # réalisée au Lensois : plus rien à y faire
    cell = ep22.statuses[aud]
    assert (cell.status, cell.progress, cell.note) == ("en_cours", 60, "Comité arrêté")
    assert ep22.pilotes == plan24.action("EP-2.2").pilotes
    # l'historique de 2024 reste lié à l'action reprise
    history = action_history(ctx, ep22.id)
    assert any(
        h.operation_label.endswith("(Feuille de route 2024 – volet 3)")
        and "Lensois" in h.operation_label
        for h in history
    )
    # 2024 n'a pas bougé et reste consultable
    assert [line for line in dump_store(ctx.store.path) if 'INSERT INTO "action"' in line][
        :35
    ] == before24
    assert len(list(load_plan(ctx, "2024").actions())) == 35
    infos = list_roadmaps(ctx)
    assert [(r.name, r.actions, r.default, r.parent) for r in infos] == [
        ("Feuille de route 2025", 32, True, "Feuille de route 2024 – volet 3"),
        ("Feuille de route 2024 – volet 3", 35, False, None),
    ]


def test_undoing_a_new_roadmap_archives_it(ctx):
    _close_everywhere(ctx, "NU-1.1", "AI-1.3")
    new_roadmap(ctx, "Feuille de route 2025", source="FDR-2024-V3")
    undo_last(ctx)
    assert load_plan(ctx).roadmap.year == 2024
    assert [r.name for r in list_roadmaps(ctx, include_archived=True) if r.archived] == [
        "Feuille de route 2025"
    ]
    with ctx.store.session() as s:  # rien n'est effacé
        assert len(s.exec(select(Action).where(Action.roadmap_id == 2)).all()) == 33
        assert len(s.exec(select(Axe).where(Axe.roadmap_id == 2)).all()) == 5
        assert len(s.exec(select(Cible).where(Cible.roadmap_id == 2)).all()) == 20


def test_the_working_roadmap_is_chosen_in_the_context(ctx):
    new_roadmap(ctx, "Feuille de route 2025")
    use_roadmap(ctx, "2024")
    assert load_plan(ctx).roadmap.year == 2024
    update_status(ctx, "NU-1.1", "Lensois", status="en_cours")  # existe seulement en 2024
    assert load_plan(ctx).action("NU-1.1").statuses[3].status == "en_cours"
    use_roadmap(ctx, None)
    assert load_plan(ctx).roadmap.year == 2025
    with pytest.raises(NotFoundError, match="« 2030 » inconnue"):
        use_roadmap(ctx, "2030")
    with pytest.raises(ValidationError, match="existe déjà"):
        new_roadmap(ctx, "feuille de route 2025", source="2024")
    archive_roadmap(ctx, "2024")
    with pytest.raises(ValidationError, match="seule feuille de route active"):
        archive_roadmap(ctx, "2025")
