"""Données écrites avant la fusion des indicateurs nationaux dans leur flux (migration 0016),
relues après : elles portent M2 (définition, liens, cibles, série) à côté du flux
``delai_premier_entretien``.

- Instantané : comparé à l'état d'après la fusion, il ne dit ni « lien retiré M2 / nouveau lien »,
  ni une valeur qui n'a fait que changer de table ; une valeur vraiment changée depuis se dit, au
  code du flux.
- Paquet d'atelier : ses clés « M2 » se fusionnent dans le flux, une valeur inchangée en atelier
  n'est pas un changement, une valeur changée des deux côtés est un conflit.
- Fichier de valeurs « indicateur = M2 » : les valeurs vont au flux."""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import date

from sqlmodel import select

from db.models import WorkshopPackage, WorkshopResolution
from db.types import utcnow
from roadmap_app.cli.workshop import print_plan
from roadmap_app.committees.fused_codes import canonical_state
from roadmap_app.committees.indicators_section import SECTION, describe, pack_rows
from roadmap_app.committees.snapshots import compare, create_snapshot, snapshot_state
from roadmap_app.core import journal
from roadmap_app.core.context import open_context
from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc
from roadmap_app.indicators.io import apply_import, plan_import, preview_rows
from roadmap_app.workshops.labels import load_titles
from roadmap_app.workshops.merge import MINE, THEIRS, Resolution, apply_merge, plan_package_merge
from roadmap_app.workshops.package import export_package, state_digest
from roadmap_app.workshops.state import exported_before_fusion, fused_keys

FLOW = "delai_premier_entretien"


def _ids(con):
    ind = dict(con.execute("SELECT code, id FROM indicator_definition WHERE code IN ('M2', ?)", (FLOW,)))
    act = dict(con.execute("SELECT code, id FROM action WHERE code IN ('EP-1.1', 'EP-2.1')"))
    bassins = dict(con.execute("SELECT code, id FROM bassin"))
    return ind, act, bassins


def _before_the_fusion(db_path):
    """La base telle qu'avant la migration 0016 : M2 actif, lié, avec cibles et valeurs (écrites
    en SQL : l'application d'aujourd'hui écrit « M2 » dans le flux)."""
    con = sqlite3.connect(db_path)
    con.execute("UPDATE indicator_definition SET archived = 0 WHERE code = 'M2'")
    ind, act, b = _ids(con)
    links = [(act["EP-1.1"], ind["M2"], "tdb"), (act["EP-2.1"], ind["M2"], "tdb"), (act["EP-2.1"], ind[FLOW], "autre")]
    con.executemany("INSERT INTO action_indicator (action_id, indicator_id, kind, active, version) "
                    "VALUES (?, ?, ?, 1, 1)", links)  # fmt: skip
    values = [(ind["M2"], b["LEN"], "2024-07-01", 25.0), (ind["M2"], b["LEN"], "2024-08-01", 22.0),
              (ind["M2"], b["LEN"], "2024-09-01", 20.0), (ind["M2"], b["AUD"], "2024-08-01", 30.0)]  # fmt: skip
    con.executemany("INSERT INTO indicator_value (indicator_id, bassin_id, day, value, updated_by, version) "
                    "VALUES (?, ?, ?, ?, 'Avant', 1)", values)  # fmt: skip
    steps = [(ind["M2"], None, "baseline", 35.0, "2023-12-31", None), (ind["M2"], None, "target", 21.0, "2024-01-01", 2024)]
    con.executemany("INSERT INTO indicator_target (indicator_id, bassin_id, kind, value, effective_from, year, label, "
                    "updated_by, version) VALUES (?, ?, ?, ?, ?, ?, '', 'Avant', 1)", steps)  # fmt: skip
    # le flux a déjà sa valeur d'août à Lens (autre que celle de M2 : c'est elle qui reste)
    con.execute("INSERT INTO flow_value (bassin_id, month, indicator, value, updated_by, version) "
                "VALUES (?, '2024-08-01', ?, 21.0, 'Avant', 1)", (b["LEN"], FLOW))  # fmt: skip
    con.commit()
    con.close()


def _fuse(db_path, author="Testeur"):
    """Rejoue la migration 0016 sur cette base (la révision 0015 inscrite, la base rouverte)."""
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '0015'")
    con.commit()
    con.close()
    ctx = open_context(db_path, author=author)
    assert ctx.prepared.migrated_from == "0015"
    return ctx


def _old_snapshot(ctx, db_path):
    ctx.close()
    _before_the_fusion(db_path)
    ctx = open_context(db_path, author="Testeur")
    create_snapshot(ctx, "COPIL avant fusion", taken_on=date(2024, 10, 1))
    ctx.close()
    return _fuse(db_path)


def test_a_snapshot_frozen_before_the_fusion_reads_with_the_flow_codes(ctx, db_path):
    ctx = _old_snapshot(ctx, db_path)
    try:
        section = snapshot_state(ctx, "COPIL avant fusion")[SECTION]
        assert section["links"] == [["EP-1.1", FLOW, "tdb"], ["EP-2.1", FLOW, "tdb"]]
        assert [d["code"] for d in section["definitions"]] == [FLOW]
        assert "M2" not in section["values"]
        assert sorted(st for st in section["steps"] if st[0] == FLOW) == [
            [FLOW, "", "baseline", 35.0, "2023-12-31", None], [FLOW, "", "max", 21.0, "2024-01-01", None]]  # fmt: skip
        # série réunie : la valeur du flux reste en août, celles de M2 ailleurs ; état recalculé
        flux = snapshot_state(ctx, "COPIL avant fusion")["flux"]["values"]
        assert {month: row.get(FLOW) for month, row in flux["LEN"].items() if FLOW in row} == {
            "2024-07": 25.0, "2024-08": 21.0, "2024-09": 20.0}  # fmt: skip
        assert section["states"][FLOW]["LEN"] == [20.0, "2024-09-01", 21.0, "janv. 2024", m.REACHED]
        rows = {(r[1], r[2]): r for r in pack_rows(snapshot_state(ctx, "COPIL avant fusion"))}
        assert rows[("Délai moyen ouverture du droit → premier entretien (delai_premier_entretien)", "Lensois")][0] == (
            "EP-1.1, EP-2.1")
    finally:
        ctx.close()


def test_only_the_fusion_since_the_snapshot_is_no_change(ctx, db_path):
    ctx = _old_snapshot(ctx, db_path)
    try:
        assert m.find_definition(m.load_definitions(ctx, archived=True), FLOW).code == FLOW
        diff = compare(ctx, "COPIL avant fusion", None, "COPIL", "état actuel").diff
        assert [describe(s) for s in diff.sections if s.section == SECTION] == []
        assert [s for s in diff.sections if s.section == "flux"] == []
        create_snapshot(ctx, "COPIL après fusion", taken_on=date(2024, 10, 15))  # deux instantanés
        diff = compare(ctx, "COPIL avant fusion", "COPIL après fusion", "avant", "après").diff
        assert [s for s in diff.sections if s.section in (SECTION, "flux")] == []
    finally:
        ctx.close()


def test_a_value_changed_since_the_fusion_is_said_under_the_flow(ctx, db_path):
    ctx = _old_snapshot(ctx, db_path)
    try:
        svc.set_value(ctx, FLOW, 18, date(2024, 9, 1), bassin="Lensois", replace=True)
        diff = compare(ctx, "COPIL avant fusion", None, "COPIL", "état actuel").diff
        assert [describe(s) for s in diff.sections if s.section == SECTION] == [
            f"{FLOW} Lensois : 20 → 18 (sept. 2024, corrigée ; cible janv. 2024 : 21, atteinte)"]
        assert [(s.key, s.old, s.new) for s in diff.sections if s.section == "flux"] == [(FLOW, 20.0, 18.0)]
    finally:
        ctx.close()


def test_a_national_linked_without_its_flow_brings_the_flows_targets(ctx, db_path):
    """V2-1 lié seul : l'instantané ne figeait pas les cibles d'``entrants`` (moyenne mensuelle
    par bassin) dans la section des indicateurs ; après la fusion, elles ne sont pas « nouvelles »."""
    ctx.close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE indicator_definition SET archived = 0 WHERE code = 'V2-1'")
    ((v21,),) = con.execute("SELECT id FROM indicator_definition WHERE code = 'V2-1'")
    ((action,),) = con.execute("SELECT id FROM action WHERE code = 'EP-1.1'")
    ((lens,),) = con.execute("SELECT id FROM bassin WHERE code = 'LEN'")
    con.execute("INSERT INTO action_indicator (action_id, indicator_id, kind, active, version) VALUES (?, ?, 'tdb', 1, 1)",
                (action, v21))  # fmt: skip
    con.execute("INSERT INTO indicator_value (indicator_id, bassin_id, day, value, updated_by, version) "
                "VALUES (?, ?, '2024-08-01', 150, 'Avant', 1)", (v21, lens))  # fmt: skip
    con.commit()
    con.close()
    ctx = open_context(db_path, author="Testeur")
    create_snapshot(ctx, "COPIL avant fusion", taken_on=date(2024, 10, 1))
    ctx.close()
    ctx = _fuse(db_path)
    try:
        old = snapshot_state(ctx, "COPIL avant fusion")[SECTION]
        assert ["entrants", "LEN", "monthly_average", 177.0, "2024-07-01", None] in old["steps"]
        assert old["states"]["entrants"]["LEN"][:3] == [150.0, "2024-08-01", 177.0]
        diff = compare(ctx, "COPIL avant fusion", None, "COPIL", "état actuel").diff
        assert [describe(s) for s in diff.sections if s.section in (SECTION, "flux")] == []
    finally:
        ctx.close()


def test_a_snapshot_without_a_flows_section_does_not_get_one():
    """Une section « flux » vide ajoutée ferait comparer toutes les valeurs des flux d'aujourd'hui
    comme nouvelles ; sans elle, la comparaison des flux reste ignorée."""
    frozen = {
        "plan": {"bassins": [{"code": "LEN", "name": "Lensois"}], "today": "2024-10-15"},
        SECTION: {"definitions": [{"code": "M2", "label": "Délai", "unit": "jours", "direction": "down",
                                   "frequency": "month", "scope": "bassin", "storage": "valeurs"}],
                  "links": [["EP-1.1", "M2", "tdb"], ["EP-2.1", "M2", "autre"]], "steps": [],
                  "values": {"M2": {"LEN": "2024-07-01=25.0"}}, "states": {}},
    }  # fmt: skip
    canonical_state(frozen)
    assert "flux" not in frozen
    assert frozen[SECTION]["links"] == [["EP-1.1", FLOW, "tdb"], ["EP-2.1", FLOW, "autre"]]
    assert frozen[SECTION]["states"][FLOW]["LEN"][:2] == [25.0, "2024-07-01"]  # la série de M2


def test_canonicalising_twice_changes_nothing_and_a_state_without_national_codes_is_untouched(ctx):
    state = {"plan": {"bassins": [], "today": "2024-10-15"}, SECTION: {"definitions": [{"code": "R1"}], "links": []}}
    assert canonical_state(state) is state and state[SECTION] == {"definitions": [{"code": "R1"}], "links": []}


# -- paquets d'atelier -----------------------------------------------------------------------------
def _values(ctx, code):
    d = m.find_definition(m.load_definitions(ctx), code)
    points, _steps = m.load_series(ctx, [d])
    return {(bid, p.day): p.value for (_i, bid), pts in points.items() for p in pts}


def _old_package(ctx, db_path, tmp_path):
    """Paquet exporté avant la fusion (son état de départ : série « M2|LEN », liens à M2), repris
    en atelier par l'application d'aujourd'hui (la migration passe sur le paquet à son ouverture) ;
    la base principale migre ensuite."""
    ctx.close()
    _before_the_fusion(db_path)
    ctx = open_context(db_path, author="Testeur")
    path, _atelier = export_package(ctx, tmp_path / "lens.atelier", "Lensois", day=date(2024, 10, 15))
    ctx.close()
    state = _base_state(path)
    assert "M2|LEN" in state["series"] and "lien|EP-1.1@1|M2|kind" in state["values"]
    p = _fuse(path, author="Animatrice Lens")
    try:
        with p.store.transaction() as s:  # exporté par l'application d'avant la fusion
            row = s.exec(select(WorkshopPackage)).one()
            row.schema_revision = "0015"
            row.checksum = state_digest(row)
            s.add(row)
        svc.set_value(p, FLOW, 19, date(2024, 9, 1), bassin="Lensois", replace=True)  # changée en atelier
        svc.set_value(p, FLOW, 24, date(2024, 7, 1), bassin="Lensois", replace=True)  # et ici : conflit
        svc.link(p, "EP-3.1", "M2", kind="autre")  # lien nouveau, au flux
    finally:
        p.close()
    ctx = _fuse(db_path)
    svc.set_value(ctx, FLOW, 26, date(2024, 7, 1), bassin="Lensois", replace=True)
    return ctx, path


def _base_state(path):
    con = sqlite3.connect(path)
    try:
        (raw,) = con.execute("SELECT base_state FROM workshop_package").fetchone()
    finally:
        con.close()
    return json.loads(zlib.decompress(raw))


def test_a_package_exported_before_the_fusion_merges_into_the_flow(ctx, db_path, tmp_path, capsys):
    ctx, path = _old_package(ctx, db_path, tmp_path)
    try:
        plan = plan_package_merge(ctx, path)
        title = "Délai moyen ouverture du droit → premier entretien [delai_premier_entretien]"
        assert [(c.label, c.mine, c.theirs) for c in plan.to_apply] == [
            ("EP-3.1 – lien à l'indicateur delai_premier_entretien", None, True),
            ("EP-3.1 – sorte de lien à l'indicateur delai_premier_entretien", None, "autre"),
            (f"{title} – Lensois, sept. 2024", 20.0, 19.0),
        ]
        [conflict] = plan.conflicts
        assert (conflict.label, conflict.base, conflict.mine, conflict.theirs) == (
            f"{title} – Lensois, juil. 2024", 25.0, 26.0, 24.0)  # fmt: skip
        assert not [c for c in (*plan.to_apply, *plan.conflicts) if "M2" in c.key]
        print_plan(plan, load_titles(ctx, plan))  # l'aperçu nomme le flux
        out = capsys.readouterr().out
        assert "Délai moyen ouverture du droit → premier entretien" in out and "M2" not in out

        result = apply_merge(ctx, plan, {conflict.key: Resolution(THEIRS)})
        lens = next(bid for bid, name in m.bassin_list(ctx) if name == "Lensois")
        values = _values(ctx, FLOW)
        assert [values[(lens, date(2024, month, 1))] for month in (7, 8, 9)] == [24.0, 21.0, 19.0]
        flow_id = m.find_definition(m.load_definitions(ctx), FLOW).id
        assert {(link.action_code, link.kind) for link in m.load_links(ctx) if link.indicator_id == flow_id} == {
            ("EP-1.1", "tdb"), ("EP-2.1", "tdb"), ("EP-3.1", "autre")}  # fmt: skip
        said = {line.operation_label for line in journal.operation(ctx, result.operation_id)}
        assert f"Fusion d'atelier (lens.atelier) : {title} – Lensois, sept. 2024 20 → 19" in said
        assert f"Fusion d'atelier (lens.atelier) : {title} – Lensois, juil. 2024 26 → 24" in said
        assert plan_package_merge(ctx, path).is_noop()  # une seconde fusion n'apporte rien
    finally:
        ctx.close()


def test_old_keys_are_rewritten_like_the_migration_did():
    values = {"ind|M2|LEN|2024-07-01|value": 25.0, "ind|M2|LEN|2024-08-01|value": 22.0,
              "flux|delai_premier_entretien|LEN|2024-08|value": 21.0,
              "lien|EP-2.1@1|M2|active": True, "lien|EP-2.1@1|M2|kind": "tdb",
              "lien|EP-2.1@1|delai_premier_entretien|active": True, "lien|EP-2.1@1|delai_premier_entretien|kind": "autre",
              "lien|EP-1.1@1|R1|kind": "tdb", "ind|R1|LEN|2024-01-01|value": 40.0,
              "ind|M2|AUD|2024-05-20|value": 11.0, "ind|M2|AUD|2024-05-02|value": 10.0}  # fmt: skip
    out, series = fused_keys(values, {"V2-1|AUD": ["2024-06-01", 12.0], "R1|AUD": ["2024-01-01", 41.0]})
    assert out == {
        "flux|delai_premier_entretien|LEN|2024-07|value": 25.0,
        "flux|delai_premier_entretien|LEN|2024-08|value": 21.0,  # la valeur du flux reste
        "flux|entrants|AUD|2024-06|value": 12.0,
        "flux|delai_premier_entretien|AUD|2024-05|value": 10.0,  # deux valeurs du mois : la première
        "lien|EP-2.1@1|delai_premier_entretien|active": True, "lien|EP-2.1@1|delai_premier_entretien|kind": "tdb",
        "lien|EP-1.1@1|R1|kind": "tdb", "ind|R1|LEN|2024-01-01|value": 40.0,
    }  # fmt: skip
    assert series == {"R1|AUD": ["2024-01-01", 41.0]}
    same, same_series = fused_keys(out, series)
    assert same is out and same_series is series  # rien à réécrire : les mêmes objets
    # état lu dans une base migrée : les séries seules sont examinées (les clés n'ont plus de code fondu)
    assert fused_keys(values, {}, keys=False)[0] is values
    assert [exported_before_fusion(r) for r in ("0013", "0015", "0016", "0017", "")] == [True, True, False, False, True]


# -- fichiers de valeurs ----------------------------------------------------------------------------
def test_a_values_file_written_with_the_national_code_lands_in_the_flow(ctx, db_path, tmp_path):
    ctx.close()
    _before_the_fusion(db_path)
    ctx = _fuse(db_path)
    try:
        path = tmp_path / "valeurs.csv"
        path.write_text("indicateur;bassin;date;valeur\nM2;Lensois;01/07/2024;25\nM2;Lensois;01/10/2024;17\n"
                        "Délai entre l'ouverture de droit et le premier entretien;Audomarois;01/10/2024;31\n",
                        encoding="utf-8")  # fmt: skip
        result = plan_import(ctx, path)
        assert (result.new, result.corrections, result.same) == (2, 0, 1)  # juillet : déjà là, au flux
        assert [(r.code, r.bassin, r.period, r.after) for r in preview_rows(ctx, result)] == [
            (FLOW, "Lensois", "oct. 2024", "17"), (FLOW, "Audomarois", "oct. 2024", "31")]  # fmt: skip
        apply_import(ctx, result)
        bassins = {name: bid for bid, name in m.bassin_list(ctx)}
        values = _values(ctx, FLOW)
        assert (values[(bassins["Lensois"], date(2024, 10, 1))], values[(bassins["Audomarois"], date(2024, 10, 1))]) == (
            17.0, 31.0)  # fmt: skip
    finally:
        ctx.close()


def test_a_conflict_decided_before_the_fusion_is_not_asked_again(ctx, db_path, tmp_path):
    ctx, path = _old_package(ctx, db_path, tmp_path)
    try:
        plan = plan_package_merge(ctx, path)
        [conflict] = plan.conflicts
        with ctx.store.transaction() as s:  # décidée (garder la valeur d'ici) à la clé de M2
            s.add(WorkshopResolution(package_uuid=plan.package_uuid, cell_key="ind|M2|LEN|2024-07-01|value",
                                     theirs_value="24.0", decision=MINE, value="null", decided_at=utcnow(),
                                     decided_by="Testeur"))  # fmt: skip
        plan = plan_package_merge(ctx, path)
        assert plan.already_decided == {conflict.key: Resolution(MINE, None)} and not plan.pending_conflicts
    finally:
        ctx.close()
