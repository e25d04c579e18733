"""Fusion d'un paquet : seuls les champs que le paquet change sont comparés à la base d'ici
(lus ici seulement pour leurs bassins), sans rien perdre de ce qu'il change ailleurs."""

from __future__ import annotations

import sqlite3
from datetime import date

from roadmap_app.core.context import open_context
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from roadmap_app.workshops import merge
from roadmap_app.workshops.merge import THEIRS, Resolution, apply_merge, plan_package_merge
from roadmap_app.workshops.package import export_package


def cell(ctx, code, bassin):
    plan = load_plan(ctx)
    return plan.action(code).statuses[plan.bassin(bassin).id]


def test_a_package_changing_another_bassin_merges_there_and_here_changes_stay(ctx, tmp_path, monkeypatch):
    path, _atelier = export_package(ctx, tmp_path / "lens.atelier", "Lensois", day=date(2024, 10, 15))
    p = open_context(path, author="Atelier Lens")
    update_status(p, "EP-2.2", "Lensois", status="realise")
    update_status(p, "AI-3.1", "Audomarois", status="en_cours", note="vu au passage")  # autre bassin
    update_status(p, "EP-3.1", "Audomarois", status="reporte")  # changé ici aussi : conflit
    p.close()
    update_status(ctx, "EP-3.1", "Audomarois", status="abandonne")
    update_status(ctx, "NU-3.1", "Montreuillois", note="changé ici seulement")

    read: list[object] = []
    real = merge.mergeable_state
    monkeypatch.setattr(merge, "mergeable_state", lambda s, series=None, **kw: read.append(kw.get("only")) or real(s, series, **kw))
    plan = plan_package_merge(ctx, path)
    # le paquet en entier (intégrité), ici les seuls champs qu'il change
    assert read[0] is None and read[1] is not None and len(read[1]) < 10
    assert {(c.label, c.theirs) for c in plan.to_apply} == {
        ("EP-2.2 / Lensois – statut", "realise"),
        ("AI-3.1 / Audomarois – statut", "en_cours"),
        ("AI-3.1 / Audomarois – note", "vu au passage"),
    }
    [conflict] = plan.conflicts
    assert (conflict.label, conflict.mine, conflict.theirs) == ("EP-3.1 / Audomarois – statut", "abandonne", "reporte")
    apply_merge(ctx, plan, {conflict.key: Resolution(THEIRS)})
    assert cell(ctx, "EP-2.2", "Lensois").status == "realise"
    assert (cell(ctx, "AI-3.1", "Audomarois").status, cell(ctx, "AI-3.1", "Audomarois").note) == (
        "en_cours", "vu au passage")  # fmt: skip
    assert cell(ctx, "EP-3.1", "Audomarois").status == "reporte"
    assert cell(ctx, "NU-3.1", "Montreuillois").note == "changé ici seulement"
    assert plan_package_merge(ctx, path).is_noop()


def test_a_text_the_package_left_as_exported_is_not_merged_even_if_not_clean(ctx, db_path, tmp_path):
    """Une note venue d'un import ancien (fin de ligne « \\r\\n ») que l'atelier n'a pas touchée :
    rien à fusionner (avant : « changée » par le nettoyage du texte, au nom de l'atelier)."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "UPDATE action_bassin SET note = 'ligne 1\r\nligne 2' WHERE id = (SELECT ab.id FROM action_bassin ab "
            "JOIN action a ON a.id = ab.action_id JOIN bassin b ON b.id = ab.bassin_id "
            "WHERE a.code = 'EP-2.2' AND b.name = 'Lensois')"
        )
    conn.close()
    path, _atelier = export_package(ctx, tmp_path / "lens.atelier", "Lensois", day=date(2024, 10, 15))
    p = open_context(path, author="Atelier Lens")
    update_status(p, "AI-3.1", "Lensois", status="en_cours")
    p.close()
    plan = plan_package_merge(ctx, path)
    assert [c.label for c in plan.to_apply] == ["AI-3.1 / Lensois – statut"] and not plan.conflicts
