"""Migration 0013 : les bases existantes reçoivent les corrections du jeu initial, sauf là où un
utilisateur a saisi quelque chose (valeur changée, ou modification inscrite au journal)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from db.seed.corrections import apply_corrections
from roadmap_app.core.context import open_context
from roadmap_app.finance import read as fin
from roadmap_app.plan.read import load_plan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "stores" / "schema_0001.sqlite3"
CORRECTED = ("AI-1.3", "NU-1.1", "AI-4.1", "AI-5.1", "NU-2.2", "GP-3.1")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


#: ce que la migration doit amener au niveau d'une base neuve (hors cellules modifiées par l'utilisateur)
COMPARED = {
    "statuts": "SELECT a.code, b.code, ab.status, ab.progress, ab.note, ab.note_date FROM action_bassin ab "
    "JOIN action a ON a.id = ab.action_id JOIN bassin b ON b.id = ab.bassin_id ORDER BY a.code, b.code",
    "échéances": "SELECT code, echeance_label, echeance_flag, transcription_note FROM action ORDER BY code",
    "organisations": "SELECT code, description FROM organisation ORDER BY code",
    "chiffres": "SELECT b.code, f.key, f.value, f.as_of, f.source, f.note FROM reference_figure f "
    "LEFT JOIN bassin b ON b.id = f.bassin_id ORDER BY b.code, f.key, f.as_of",
    "cibles": "SELECT indicator, bassin_id, kind, value, label, source FROM flow_target ORDER BY indicator, kind, bassin_id",
    "moyens": "SELECT bassin_id, organisme, number, effective_from, source FROM portfolio ORDER BY bassin_id, organisme",
    "volets": "SELECT number, source, cofinancing_rate_pct, cofinancing_source FROM volet ORDER BY number",
    "plan de financement": "SELECT v.number, l.position, l.section, l.nature, l.objet, l.precisions, l.existant, "
    "l.cible, l.delta, l.montant_cents, l.financement_complementaire, l.note FROM financement_line l "
    "JOIN volet v ON v.id = l.volet_id ORDER BY v.number, l.position",
    "indicateurs": "SELECT code, label, definition, source FROM indicator_definition ORDER BY position",
    "ateliers": "SELECT b.code, a.date, a.moment, a.title, a.participants, a.notes, a.source FROM atelier a "
    "JOIN bassin b ON b.id = a.bassin_id ORDER BY a.date",
}  # fmt: skip


@pytest.fixture
def migrated(tmp_path):
    before = _digest(FIXTURE)
    path = tmp_path / "ancienne.sqlite3"
    shutil.copyfile(FIXTURE, path)
    ctx = open_context(path, author="Testeur")
    yield ctx, path
    ctx.close()
    assert _digest(FIXTURE) == before  # la base de référence n'est jamais modifiée


def test_a_0001_store_gets_the_corrections_and_keeps_what_users_entered(migrated, template_db):
    ctx, path = migrated
    assert ctx.prepared.migrated_from == "0001"
    plan = load_plan(ctx)
    lens, aud = plan.bassin("Lensois").id, plan.bassin("Audomarois").id
    # saisies de l'utilisateur dans la base de référence : intactes
    ep22 = plan.action("EP-2.2").statuses[lens]
    assert (ep22.status, ep22.progress, ep22.note) == ("realise", 100, "Comités de suivi arrêtés")
    ai41 = plan.action("AI-4.1").statuses[aud]
    assert (ai41.status, ai41.progress, ai41.note) == ("en_cours", 40, "")
    # corrections : les autres cellules, comme une base neuve
    for name, sql in COMPARED.items():
        fresh, old = _rows(template_db, sql), _rows(path, sql)
        if name == "statuts":
            edited = {("AI-4.1", "AUD"), ("EP-2.2", "LEN"), ("NU-3.2", "MON")}
            fresh = [r for r in fresh if r[:2] not in edited]
            old = [r for r in old if r[:2] not in edited]
        assert old == fresh, name
    assert plan.action("NU-1.1").statuses[lens].status == "en_cours"
    # la ligne de 807 000 € garde son identifiant : une dépense qui y serait rattachée suit
    v2 = fin.load_volet_finance(ctx, 2)
    action2 = next(ln for ln in v2.plan_lines if ln.montant_cents == 80_700_000)
    assert action2.precisions.startswith("Action 2:") and action2.id == 5
    # chaque correction d'une table journalisée est au journal, en une opération « migration »
    journal = _rows(
        path,
        "SELECT DISTINCT operation_id, author, source FROM journal_entry WHERE source = 'migration' "
        "AND author = 'jeu initial'",
    )
    assert len(journal) == 1
    # la migration 0016 (nationaux fondus dans leur flux) est sa propre opération, d'un autre auteur
    fused = _rows(path, "SELECT DISTINCT author FROM journal_entry WHERE source = 'migration' AND author != 'jeu initial'")
    assert fused == [("mise à jour de la base",)]
    fields = {
        r[0]
        for r in _rows(
            path, "SELECT entity || '.' || field FROM journal_entry WHERE source = 'migration' AND author = 'jeu initial'"
        )
    }
    # (cibles et moyens des flux : créés par la migration 0010 avec le jeu initial courant, déjà justes)
    assert fields == {
        "action_bassin.status", "action_bassin.note", "action_bassin.note_date", "action.echeance_flag",
        "action.transcription_note", "financement_line.objet", "financement_line.precisions", "financement_line.note",
        "atelier.title", "atelier.moment", "atelier.participants", "atelier.notes", "atelier.source",
    }  # fmt: skip


def _old_store_with_user_edits(tmp_path: Path) -> Path:
    """La base de référence 0001, après quelques saisies sur des champs que la relecture corrige."""
    path = tmp_path / "modifiee.sqlite3"
    shutil.copyfile(FIXTURE, path)
    con = sqlite3.connect(path)

    def journal(entity: str, ident: int, field: str, old, new) -> None:
        con.execute(
            "INSERT INTO journal_entry (ts, author, operation_id, operation_label, entity, entity_id, entity_label, "
            "field, old_value, new_value, source) VALUES ('2024-11-02 10:00:00', 'Cheffe de projet', :op, 'saisie', "
            ":entity, :ident, '', :field, :old, :new, 'gui')",
            {"op": f"op-{entity}-{ident}-{field}", "entity": entity, "ident": ident, "field": field,
             "old": json.dumps(old, ensure_ascii=False), "new": json.dumps(new, ensure_ascii=False)},
        )  # fmt: skip

    def cell(code: str, bassin: str) -> int:
        return con.execute(
            "SELECT ab.id FROM action_bassin ab JOIN action a ON a.id = ab.action_id JOIN bassin b "
            "ON b.id = ab.bassin_id WHERE a.code = ? AND b.code = ?",
            (code, bassin),
        ).fetchone()[0]

    # NU-1.1 au Lensois : note réécrite par la cheffe de projet (statut « réalisé » gardé)
    nu11 = cell("NU-1.1", "LEN")
    con.execute(
        "UPDATE action_bassin SET note = 'Interopérabilité Monjob62 livrée', version = 2 WHERE id = ?",
        (nu11,),
    )
    journal("action_bassin", nu11, "note", "ancienne", "Interopérabilité Monjob62 livrée")
    # NU-1.1 à l'Audomarois : passée en cours puis remise à « réalisé » à la main : c'est une saisie
    nu11a = cell("NU-1.1", "AUD")
    journal("action_bassin", nu11a, "status", "realise", "en_cours")
    journal("action_bassin", nu11a, "status", "en_cours", "realise")
    # atelier du 05/06/2024 : « AM » précisé en « après-midi »
    (atelier,) = con.execute("SELECT id FROM atelier WHERE date = '2024-06-05'").fetchone()
    con.execute("UPDATE atelier SET moment = 'après-midi', version = 2 WHERE id = ?", (atelier,))
    journal("atelier", atelier, "moment", "AM", "après-midi")
    # ligne de 807 000 € : précision saisie
    con.execute(
        "UPDATE financement_line SET precisions = 'Pack inclusion', version = 2 WHERE id = 5"
    )
    journal("financement_line", 5, "precisions", "", "Pack inclusion")
    con.commit()
    con.close()
    return path


def test_fields_a_user_changed_are_never_overwritten(tmp_path, template_db):
    path = _old_store_with_user_edits(tmp_path)
    ctx = open_context(path, author="Testeur")
    try:
        plan = load_plan(ctx)
        lens, aud, mon = (plan.bassin(n).id for n in ("Lensois", "Audomarois", "Montreuillois"))
        nu11 = plan.action("NU-1.1").statuses
        assert (nu11[lens].status, nu11[lens].note) == (
            "realise",
            "Interopérabilité Monjob62 livrée",
        )
        assert nu11[aud].status == "realise"  # saisie revenue à la valeur d'origine : gardée aussi
        assert nu11[mon].status == "en_cours" and "« REALISE » porte sur" in nu11[mon].note
        atelier = _rows(path, "SELECT moment, title FROM atelier WHERE date = '2024-06-05'")[0]
        assert atelier == (
            "après-midi",
            "Journée de lancement – 2nde séquence intelligence collective",
        )
        v2 = fin.load_volet_finance(ctx, 2)
        lines = [(ln.objet[:20], ln.precisions[:15], ln.montant_cents) for ln in v2.plan_lines[:3]]
        assert lines[1] == (
            "ETP d'accompagnement",
            "Pack inclusion",
            80_700_000,
        )  # gardée telle que saisie
        assert (
            len(v2.plan_lines) == 9
        )  # pas de ligne ajoutée : le plan n'est plus celui du jeu initial
        # tout le reste est corrigé
        assert plan.action("AI-1.3").statuses[lens].status == "en_cours"
        assert plan.action("GP-3.1").statuses[lens].status == "a_securiser"
    finally:
        ctx.close()
    # la migration, rejouée sur la base migrée, ne change plus rien ; une base vide non plus
    store = open_context(path, author="Testeur")
    try:
        with store.store.engine.begin() as conn:
            report = apply_corrections(conn)
        assert report.corrected == []
        assert any("NU-1.1 / Lensois" in k for k in report.kept)
    finally:
        store.close()


def test_the_correction_of_an_empty_store_does_nothing(tmp_path):
    from db.migrate import _upgrade
    from db.store import Store

    store = Store(tmp_path / "vide.sqlite3")
    with store.engine.begin() as conn:
        _upgrade(conn, "0011")
        _upgrade(conn, "0013")  # la migration elle-même, sur des tables vides
        assert conn.execute(text("SELECT COUNT(*) FROM journal_entry")).scalar() == 0
        assert apply_corrections(conn).corrected == []
    store.dispose()


def test_a_migrated_store_opens_with_the_finance_and_flows_rules(migrated):
    ctx, _path = migrated
    (cofin,) = fin.load_volet_finance(ctx, 2).all_flags()
    assert cofin.code == fin.COFINANCING and "50 %" in cofin.message
    from roadmap_app.flows.series import load_portfolios, load_targets

    assert {t.kind for t in load_targets(ctx) if t.indicator == "entrants"} == {"monthly_average"}
    cd = [p for p in load_portfolios(ctx) if p.organisme == "CD"]
    assert len(cd) == 3 and all("l. 725" in p.doubt for p in cd)


def test_flow_targets_and_means_seeded_before_the_review_are_corrected(ctx):
    """Une base migrée en 0010 avant la relecture : cibles « monthly_min » et ETP sans réserve."""
    from db.seed.corrections import OLD_PORTFOLIO_SOURCES, OLD_TARGETS
    from roadmap_app.flows.series import load_portfolios, load_targets

    ids = dict(_rows(ctx.store.path, "SELECT code, id FROM bassin"))
    with ctx.store.engine.begin() as conn:
        for (indicator, bassin, kind, value), (label, source) in OLD_TARGETS.items():
            where = "bassin_id IS NULL" if bassin is None else f"bassin_id = {ids[bassin]}"
            conn.execute(text(f"UPDATE flow_target SET kind = :kind, label = :label, source = :source "
                              f"WHERE indicator = :ind AND value = :value AND {where}"),
                         {"kind": kind, "label": label, "source": source, "ind": indicator, "value": value})  # fmt: skip
        for bassin, source in OLD_PORTFOLIO_SOURCES.items():
            conn.execute(text("UPDATE portfolio SET source = :s WHERE organisme = 'CD' AND bassin_id = :b"),
                         {"s": source, "b": ids[bassin]})  # fmt: skip
    # un utilisateur a ajouté sa propre cible entre-temps (« monthly_min », lu comme une moyenne) :
    # elle n'est pas touchée
    from roadmap_app.flows.service import add_target

    add_target(ctx, "entrants", 150, date(2025, 1, 1), kind="monthly_min", bassin="Lensois",
               label="Cible 2025")  # fmt: skip
    assert {t.kind for t in load_targets(ctx) if t.indicator == "entrants"} == {
        "monthly_min",
        "monthly_average",
    }
    with ctx.store.engine.begin() as conn:
        report = apply_corrections(conn)
    targets = [t for t in load_targets(ctx) if t.indicator == "entrants"]
    assert {
        (t.kind, t.label.startswith("Nombre BRSA entrants annuels"))
        for t in targets
        if t.value != 150
    } == {("monthly_average", True)}
    assert next(t for t in targets if t.value == 150).label == "Cible 2025"
    cap = next(t for t in load_targets(ctx) if t.indicator == "charge_referent" and t.kind == "max")
    assert "la taille de PF est 60" in cap.label
    assert all(p.doubt for p in load_portfolios(ctx) if p.organisme == "CD")
    assert sum("Cible « entrants »" in c for c in report.corrected) == 3
    journal = _rows(
        ctx.store.path,
        "SELECT field FROM journal_entry WHERE source = 'migration' AND entity = 'portfolio'",
    )
    assert journal == [("source",)] * 3
