"""Une seule notion d'indicateur : les indicateurs nationaux qui mesurent un flux BRSA (M1b, M1c,
M2, M4, M5, V2-1, V2-2) sont fondus dans ce flux : une série, saisie dans la page Flux BRSA ou
par l'indicateur national, lue partout pareil (migration 0016)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from roadmap_app.core import ops
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.ops import undo_last
from roadmap_app.flows.series import load_series as load_flow_series
from roadmap_app.flows.series import load_targets as load_flow_targets
from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc
from roadmap_app.indicators.io import apply_import, plan_import


def _flow(ctx, bassin: str, month: date, code: str) -> float | None:
    return load_flow_series(ctx, bassin).value(month, code)


def test_the_fusion_table_is_the_seeds_and_pairs_the_same_measure(ctx):
    from db.seed.indicators import fused_map

    assert fused_map() == m.FUSED_INTO_FLOW
    with ctx.store.session() as s:
        rows = {code: (unit, direction, frequency, archived) for code, unit, direction, frequency, archived in s.execute(
            __import__("sqlalchemy").text("SELECT code, unit, direction, frequency, archived FROM indicator_definition")
        )}  # fmt: skip
    for nat, flow in m.FUSED_INTO_FLOW.items():
        assert rows[nat][:3] == rows[flow][:3], nat  # même unité, même sens, mensuels
        assert rows[nat][3] and not rows[flow][3]  # la ligne nationale est archivée, le flux vit


def test_a_national_code_is_its_flow_everywhere(ctx):
    defs = m.load_definitions(ctx)
    codes = {d.code for d in defs}
    assert not codes & set(m.FUSED_INTO_FLOW)  # une seule ligne par mesure dans les listes
    assert m.find_definition(defs, "m2").code == "delai_premier_entretien"
    assert m.find_definition(defs, "V2-2").code == "orientes_15j"
    assert m.find_definition(defs, "M1a").code == "M1a"  # pas la même mesure que « entrants »
    # un lien, une valeur saisis sous le code national vont au flux : la page Flux BRSA les voit
    svc.link(ctx, "EP-2.1", "M2", kind="tdb")
    svc.set_value(ctx, "M2", 14, date(2025, 3, 10), bassin="Lensois")
    assert _flow(ctx, "Lensois", date(2025, 3, 1), "delai_premier_entretien") == 14
    (linked,) = m.action_indicators(ctx, load_action_id(ctx, "EP-2.1"))
    assert (linked.indicator.code, linked.kind) == ("delai_premier_entretien", "tdb")
    lensois = next(st for st in linked.states if st.bassin_name == "Lensois")
    assert lensois.last is not None and lensois.last.value == 14
    # et une valeur saisie dans la page Flux BRSA alimente l'indicateur lié
    from roadmap_app.flows.service import FlowChange, write_changes

    write_changes(ctx, [FlowChange(lensois.bassin_id or 0, date(2025, 4, 1), "delai_premier_entretien", 12)],
                  label="Flux d'avril")  # fmt: skip
    (linked,) = m.action_indicators(ctx, load_action_id(ctx, "EP-2.1"))
    lensois = next(st for st in linked.states if st.bassin_name == "Lensois")
    assert lensois.last is not None and (lensois.last.day, lensois.last.value) == (date(2025, 4, 1), 12)


def test_a_fused_code_cannot_be_recreated(ctx, db_path):
    from tests.conftest import dump_store

    before = dump_store(db_path)
    with pytest.raises(ValidationError, match=r"fondu dans le flux .*\(delai_premier_entretien\)"):
        svc.add_indicator(ctx, "M2", label="Délai", unit="jours")
    assert dump_store(db_path) == before


def test_a_file_mixing_flows_and_other_indicators_is_one_operation(ctx, tmp_path):
    path = tmp_path / "partenaire.csv"
    path.write_text("indicateur;bassin;date;valeur\nR1;Lensois;2025;52\nM2;Lensois;2025-03;14\n", encoding="utf-8")
    result = plan_import(ctx, path)
    apply_import(ctx, result)
    d = m.find_definition(m.load_definitions(ctx), "R1")
    assert m.load_series(ctx, [d])[0][(d.id, _bassin_id(ctx, "Lensois"))][-1].value == 52
    assert _flow(ctx, "Lensois", date(2025, 3, 1), "delai_premier_entretien") == 14
    undo_last(ctx)  # un seul Ctrl+Z retire les deux
    assert _flow(ctx, "Lensois", date(2025, 3, 1), "delai_premier_entretien") is None
    assert m.load_series(ctx, [d])[0] == {}


def _bassin_id(ctx, name: str) -> int:
    return next(i for i, n in m.bassin_list(ctx) if n == name)


def load_action_id(ctx, code: str) -> int:
    from roadmap_app.plan.read import load_plan

    return load_plan(ctx).action(code).id


def _national_id(con: sqlite3.Connection, code: str) -> int:
    return con.execute("SELECT id FROM indicator_definition WHERE code = ?", (code,)).fetchone()[0]


def test_upgrade_moves_links_values_and_targets_and_keeps_the_flow_on_conflict(db_path):
    """Base à la révision 0015 où M2 a été suivi comme indicateur national : après la migration,
    une seule série sous le flux ; une valeur contredite par le flux est écartée et le journal dit
    les deux ; l'opération s'annule."""
    from alembic import command

    from db.migrate import _alembic_config
    from db.store import Store
    from roadmap_app.core.context import open_context

    store = Store(db_path)
    with store.engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0015")
    store.dispose()
    con = sqlite3.connect(db_path)
    m2 = _national_id(con, "M2")
    flow_id = _national_id(con, "delai_premier_entretien")
    lens = con.execute("SELECT id FROM bassin WHERE name = 'Lensois'").fetchone()[0]
    action = con.execute("SELECT id FROM action WHERE code = 'EP-2.1'").fetchone()[0]
    other = con.execute("SELECT id FROM action WHERE code = 'EP-1.1'").fetchone()[0]
    con.execute("INSERT INTO action_indicator (action_id, indicator_id, kind, active, version) VALUES (?, ?, 'tdb', 1, 1)",
                (action, m2))  # fmt: skip
    # EP-1.1 était liée aux deux : un seul lien reste, « tdb »
    con.execute("INSERT INTO action_indicator (action_id, indicator_id, kind, active, version) VALUES (?, ?, 'tdb', 1, 1)",
                (other, m2))  # fmt: skip
    con.execute("INSERT INTO action_indicator (action_id, indicator_id, kind, active, version) "
                "VALUES (?, ?, 'autre', 1, 1)", (other, flow_id))  # fmt: skip
    for day, value in (("2025-03-01", 14), ("2025-04-01", 20), ("2025-05-01", 9)):
        con.execute("INSERT INTO indicator_value (indicator_id, bassin_id, day, value, updated_by, version) "
                    "VALUES (?, ?, ?, ?, 'Chargée de mission', 1)", (m2, lens, day, value))  # fmt: skip
    con.execute("INSERT INTO flow_value (bassin_id, month, indicator, value, updated_by, version) "
                "VALUES (?, '2025-04-01', 'delai_premier_entretien', 18, 'Flux', 1)", (lens,))  # fmt: skip
    con.execute("INSERT INTO flow_value (bassin_id, month, indicator, value, updated_by, version) "
                "VALUES (?, '2025-05-01', 'delai_premier_entretien', 9, 'Flux', 1)", (lens,))  # fmt: skip
    con.execute("INSERT INTO indicator_target (indicator_id, bassin_id, kind, value, effective_from, year, label, "
                "updated_by, version) VALUES (?, NULL, 'target', 15, '2025-01-01', 2025, 'cible 2025', 'x', 1)", (m2,))  # fmt: skip
    con.execute("INSERT INTO indicator_target (indicator_id, bassin_id, kind, value, effective_from, year, label, "
                "updated_by, version) VALUES (?, ?, 'baseline', 30, '2023-12-31', 2023, '', 'x', 1)", (m2, lens))  # fmt: skip
    con.commit()
    con.close()
    ctx = open_context(db_path, author="Testeur")
    try:
        assert ctx.prepared.migrated_from == "0015"
        assert "M2" not in {d.code for d in m.load_definitions(ctx)}
        assert _flow(ctx, "Lensois", date(2025, 3, 1), "delai_premier_entretien") == 14  # reprise
        assert _flow(ctx, "Lensois", date(2025, 4, 1), "delai_premier_entretien") == 18  # le flux gardé
        assert _flow(ctx, "Lensois", date(2025, 5, 1), "delai_premier_entretien") == 9
        links = {(lk.action_code, lk.kind) for lk in m.load_links(ctx)
                 if m.find_definition(m.load_definitions(ctx), lk.indicator_id).code == "delai_premier_entretien"}  # fmt: skip
        assert links == {("EP-2.1", "tdb"), ("EP-1.1", "tdb")}
        assert len(m.load_links(ctx)) == 2
        targets = [t for t in load_flow_targets(ctx) if t.indicator == "delai_premier_entretien"]
        assert [(t.kind, t.value, t.effective_from) for t in targets] == [("max", 15, date(2025, 1, 1))]
        flow = m.find_definition(m.load_definitions(ctx), "M2")
        _points, steps = m.load_series(ctx, [flow])
        assert [(s.kind, s.value) for s in steps[(flow.id, _bassin_id(ctx, "Lensois"))]] == [("baseline", 30.0)]
        # le journal dit la fusion, et la valeur écartée avec celle gardée
        con = sqlite3.connect(db_path)
        lines = con.execute("SELECT operation_id, operation_label, entity_label, old_value, new_value FROM journal_entry "
                            "WHERE source = 'migration' ORDER BY id").fetchall()  # fmt: skip
        con.close()
        fusion = [line for line in lines if line[1].startswith("Indicateurs nationaux fondus")]
        conflict = [line for line in lines if line[1].startswith("Valeurs nationales écartées")]
        assert len(fusion) + len(conflict) == len(lines) and fusion
        assert [(old, new) for _o, _l, _w, old, new in conflict] == [("20.0", "18.0")]
        assert "avr. 2025" in conflict[0][2] and "M2" in conflict[0][2]
        # l'annuler rend l'état d'avant : M2 vivant, ses liens, le flux sans les valeurs reprises
        ops.revert(ctx, fusion[0][0])
        assert "M2" in {d.code for d in m.load_definitions(ctx)}
        assert _flow(ctx, "Lensois", date(2025, 3, 1), "delai_premier_entretien") is None
        assert _flow(ctx, "Lensois", date(2025, 4, 1), "delai_premier_entretien") == 18
        # annuler l'opération des valeurs écartées reprend la valeur nationale
        ops.revert(ctx, conflict[0][0])
        assert _flow(ctx, "Lensois", date(2025, 4, 1), "delai_premier_entretien") == 20
    finally:
        ctx.close()
