"""La section « plan » d'un état se lit directement (sans le modèle de lecture du plan) : elle doit
rester identique à celle tirée de ``load_plan``, jusqu'à l'ordre des actions et des bassins."""

from __future__ import annotations

import json
import sqlite3

from roadmap_app.committees import sections
from roadmap_app.committees.snapshots import current_state
from roadmap_app.plan.read import load_plan


def _both(ctx):
    rid = current_state(ctx)["plan"]["roadmap"]["id"]
    ctx.reads.clear()
    direct = sections._plan_state(ctx, rid)
    via_plan = sections._plan_section(load_plan(ctx, rid))
    return direct, via_plan


def _same(a, b):
    # égalité, et même texte JSON sans tri des clés : même ordre partout
    assert a == b
    assert json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def test_direct_plan_read_equals_the_plan_view_on_the_seed(ctx):
    direct, via_plan = _both(ctx)
    assert sum(len(c["actions"]) for axe in direct["axes"] for c in axe["cibles"]) == 35
    _same(direct, via_plan)


def test_direct_plan_read_equals_the_plan_view_with_archives_notes_and_delays(ctx, db_path):
    conn = sqlite3.connect(db_path)
    first_axe = conn.execute("SELECT id FROM axe ORDER BY position, id LIMIT 1").fetchone()[0]
    other_cible = conn.execute(
        "SELECT id FROM cible WHERE axe_id != ? ORDER BY position, id LIMIT 1", (first_axe,)
    ).fetchone()[0]
    some_action = conn.execute(
        "SELECT id FROM action WHERE cible_id NOT IN (SELECT id FROM cible WHERE axe_id = ?) "
        "AND cible_id != ? ORDER BY position, id LIMIT 1",
        (first_axe, other_cible),
    ).fetchone()[0]
    conn.execute("UPDATE axe SET archived = 1 WHERE id = ?", (first_axe,))
    conn.execute("UPDATE cible SET archived = 1 WHERE id = ?", (other_cible,))
    conn.execute("UPDATE action SET archived = 1 WHERE id = ?", (some_action,))
    conn.execute("UPDATE bassin SET archived = 1 WHERE id = (SELECT max(id) FROM bassin)")
    conn.execute(
        "UPDATE action_bassin SET archived = 1 WHERE id = (SELECT min(id) FROM action_bassin)"
    )
    # intitulé vide : repli sur la première ligne du plan d'actions ; échéances dépassées ; notes datées
    conn.execute("UPDATE action SET intitule = NULL WHERE id % 3 = 0")
    conn.execute(
        "UPDATE action SET echeance_label = 'mars 2020', echeance_date = '2020-03-01', "
        "echeance_fin = '2020-03-31', echeance_precision = 'mois' WHERE id % 4 = 0"
    )
    conn.execute(
        "UPDATE action_bassin SET note = 'point d''étape', note_date = '2024-10-01', progress = 40, "
        "status = 'realise' WHERE id % 5 = 0"
    )
    conn.commit()
    conn.close()
    direct, via_plan = _both(ctx)
    cells = [
        cell
        for axe in direct["axes"]
        for c in axe["cibles"]
        for a in c["actions"]
        for cell in a["statuses"].values()
    ]
    assert any(cell["overdue"] for cell in cells) and any(cell["note_date"] for cell in cells)
    _same(direct, via_plan)


def test_the_plan_section_reuses_the_plan_already_read(ctx, monkeypatch):
    rid = current_state(ctx)["plan"]["roadmap"]["id"]
    load_plan(ctx, rid)  # déjà lu (la Feuille de route est ouverte) : pas de deuxième lecture
    with monkeypatch.context() as m:
        m.setattr(sections, "_plan_state", lambda *_a: (_ for _ in ()).throw(AssertionError))
        section = sections.plan_section(ctx, rid)
    ctx.reads.clear()
    _same(section, sections.plan_section(ctx, rid))
