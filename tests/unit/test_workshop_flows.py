"""Paquets d'atelier : les valeurs des 17 flux mensuels saisies hors ligne reviennent à la fusion,
champ par champ (bassin, mois, indicateur), avec les conflits montrés, validées comme à la saisie."""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import date

import pytest
from sqlmodel import select

from db.models import WorkshopPackage
from roadmap_app.core.context import open_context
from roadmap_app.core.errors import UserError, ValidationError
from roadmap_app.core.ops import undo_last
from roadmap_app.flows.series import load_series
from roadmap_app.flows.service import set_month
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from roadmap_app.workshops.merge import (
    EDIT,
    MINE,
    THEIRS,
    Resolution,
    apply_merge,
    parse_edit,
    plan_package_merge,
)
from roadmap_app.workshops.package import export_package, state_digest
from tests.conftest import dump_store

SEPT, OCT = date(2024, 9, 1), date(2024, 10, 1)
ENTRANTS_LENS_SEPT = "Nouveaux entrants (ARSA) [entrants] – Lensois, sept. 2024"


def flows(ctx, bassin, month):
    return {k: v for k, v in load_series(ctx, bassin).month_values(month).items() if v is not None}


@pytest.fixture
def package(ctx, tmp_path):
    set_month(ctx, "Lensois", SEPT, {"entrants": 40, "orientes": 30})
    path, _atelier = export_package(ctx, tmp_path / "lens.atelier.sqlite3", "Lensois", day=date(2024, 10, 15))
    return path


def on_package(path, fn):
    p = open_context(path, author="Animatrice Lens")
    try:
        fn(p)
    finally:
        p.close()


def test_flow_values_entered_in_the_workshop_are_merged_and_undone_as_one_operation(ctx, package):
    def offline(p):
        set_month(p, "Lensois", SEPT, {"orientes": 32, "orientes_ft": 12})
        set_month(p, "Lensois", OCT, {"entrants": 41})

    on_package(package, offline)
    set_month(ctx, "Audomarois", SEPT, {"entrants": 10})  # ailleurs, sur la base principale

    plan = plan_package_merge(ctx, package)
    applied = [(c.label, c.show(c.mine), c.show(c.theirs), c.theirs_by.author) for c in plan.to_apply]
    assert applied == [  # groupés : bassin, mois, puis l'ordre du catalogue
        ("Orientés (total) [orientes] – Lensois, sept. 2024", "30", "32", "Animatrice Lens"),
        ("dont orientés vers France Travail [orientes_ft] – Lensois, sept. 2024", "—", "12", "Animatrice Lens"),
        ("Nouveaux entrants (ARSA) [entrants] – Lensois, oct. 2024", "—", "41", "Animatrice Lens"),
    ]
    assert not plan.conflicts

    result = apply_merge(ctx, plan)
    assert result.applied == 3 and result.changes is not None and result.changes.touches("flows")
    assert flows(ctx, "Lensois", SEPT) == {"entrants": 40, "orientes": 32, "orientes_ft": 12}
    assert flows(ctx, "Lensois", OCT) == {"entrants": 41}
    assert flows(ctx, "Audomarois", SEPT) == {"entrants": 10}  # rien perdu de ce côté
    assert plan_package_merge(ctx, package).is_noop()  # une seconde fusion n'apporte rien

    undo_last(ctx)  # la fusion s'annule d'un bloc, flux compris
    assert flows(ctx, "Lensois", SEPT) == {"entrants": 40, "orientes": 30}
    assert flows(ctx, "Lensois", OCT) == {}
    assert flows(ctx, "Audomarois", SEPT) == {"entrants": 10}


@pytest.mark.parametrize(("decision", "expected"), [(THEIRS, 50), (MINE, 45), (EDIT, 47)])
def test_a_flow_value_changed_on_both_sides_is_a_conflict_resolved_either_way(ctx, package, decision, expected):
    on_package(package, lambda p: set_month(p, "Lensois", SEPT, {"entrants": 50}))
    set_month(ctx, "Lensois", SEPT, {"entrants": 45}, author="Cheffe de projet")

    plan = plan_package_merge(ctx, package)
    assert not plan.to_apply
    [conflict] = plan.conflicts
    assert (conflict.label, conflict.base, conflict.mine, conflict.theirs) == (ENTRANTS_LENS_SEPT, 40, 45, 50)
    assert conflict.mine_by is not None and conflict.mine_by.author == "Cheffe de projet"
    assert conflict.theirs_by.author == "Animatrice Lens"
    value = parse_edit(conflict, "47") if decision == EDIT else None
    apply_merge(ctx, plan, {conflict.key: Resolution(decision, value)})
    assert flows(ctx, "Lensois", SEPT)["entrants"] == expected
    assert plan_package_merge(ctx, package).is_noop()  # la décision est gardée


def test_a_hand_typed_flow_value_is_checked_like_on_the_flux_page(ctx, package):
    on_package(package, lambda p: set_month(p, "Lensois", SEPT, {"entrants": 50}))
    set_month(ctx, "Lensois", SEPT, {"entrants": 45})
    [conflict] = plan_package_merge(ctx, package).conflicts
    assert parse_edit(conflict, "1 234") == 1234
    with pytest.raises(UserError, match=r"Lensois, sept\. 2024 : « douze » n'est pas un nombre"):
        parse_edit(conflict, "douze")
    with pytest.raises(UserError, match="n'est pas un nombre entier de personnes"):
        parse_edit(conflict, "12,5")


def _strip_flow_keys(path):
    """Le paquet tel qu'exporté avant que les flux ne voyagent : pas de clé ``flux|`` au départ."""
    p = open_context(path, author="ancienne version")
    try:
        with p.store.transaction() as s:
            row = s.exec(select(WorkshopPackage)).one()
            state = json.loads(zlib.decompress(row.base_state))
            for part in ("values", "ids"):
                state[part] = {k: v for k, v in state[part].items() if not k.startswith("flux|")}
            row.base_state = zlib.compress(json.dumps(state, ensure_ascii=False, sort_keys=True,
                                                      separators=(",", ":")).encode(), 6)  # fmt: skip
            row.checksum = state_digest(row)
            s.add(row)
    finally:
        p.close()


def test_an_old_package_without_flow_keys_still_merges_and_brings_its_flow_changes(ctx, package):
    _strip_flow_keys(package)

    def offline(p):
        update_status(p, "EP-2.2", "Lensois", status="realise")
        set_month(p, "Lensois", SEPT, {"orientes": 32})

    on_package(package, offline)
    set_month(ctx, "Lensois", SEPT, {"entrants": 45})  # changé ici seulement : ni conflit ni retour à 40

    plan = plan_package_merge(ctx, package)
    assert [c.label for c in plan.to_apply] == ["EP-2.2 / Lensois – statut",
                                                "Orientés (total) [orientes] – Lensois, sept. 2024"]  # fmt: skip
    assert not plan.conflicts
    apply_merge(ctx, plan)
    assert flows(ctx, "Lensois", SEPT) == {"entrants": 45, "orientes": 32}


def test_an_old_package_without_flow_changes_merges_its_statuses_only(ctx, package):
    _strip_flow_keys(package)
    on_package(package, lambda p: update_status(p, "EP-2.2", "Lensois", status="realise"))
    set_month(ctx, "Lensois", SEPT, {"entrants": 45})
    plan = plan_package_merge(ctx, package)
    assert [c.label for c in plan.to_apply] == ["EP-2.2 / Lensois – statut"]
    apply_merge(ctx, plan)
    assert flows(ctx, "Lensois", SEPT) == {"entrants": 45, "orientes": 30}


def test_a_package_value_breaking_the_month_rules_is_refused_and_nothing_is_written(ctx, package, db_path):
    def offline(p):
        update_status(p, "EP-2.2", "Lensois", status="realise")
        set_month(p, "Lensois", SEPT, {"orientes_ft": 30})  # valable dans le paquet (30 orientés)

    on_package(package, offline)
    set_month(ctx, "Lensois", SEPT, {"orientes": 20})  # ici, le total baisse
    plan = plan_package_merge(ctx, package)
    before = dump_store(db_path)
    with pytest.raises(ValidationError) as err:
        apply_merge(ctx, plan)
    message = str(err.value)
    assert message.startswith("Fusion refusée, rien n'a été écrit : valeurs de flux de « lens.atelier.sqlite3 »")
    assert "Lensois, sept. 2024, « dont orientés vers France Travail » : 30 dépasse le total" in message
    assert dump_store(db_path) == before
    assert load_plan(ctx).action("EP-2.2").statuses[load_plan(ctx).bassin("Lensois").id].status != "realise"


def test_a_tampered_negative_value_in_a_package_is_refused(ctx, package, db_path):
    conn = sqlite3.connect(package)  # valeur écrite hors de l'application, mois nouveau
    with conn:
        bassin = conn.execute("SELECT id FROM bassin WHERE name = 'Lensois'").fetchone()[0]
        conn.execute("INSERT INTO flow_value (bassin_id, month, indicator, value, updated_by, version) "
                     "VALUES (?, '2024-11-01', 'sortants', -5, 'x', 1)", (bassin,))  # fmt: skip
    conn.close()
    plan = plan_package_merge(ctx, package)
    before = dump_store(db_path)
    with pytest.raises(ValidationError, match=r"Lensois, nov\. 2024, « Sortants » : -5 est négatif"):
        apply_merge(ctx, plan)
    assert dump_store(db_path) == before


def test_the_cli_dry_run_lists_flow_changes_by_bassin_and_month(ctx, package, db_path, capsys):
    from roadmap_app.cli.main import main

    def offline(p):
        set_month(p, "Lensois", SEPT, {"orientes": 32, "orientes_cd_emploi": 5})
        set_month(p, "Lensois", OCT, {"entrants": 41})

    on_package(package, offline)
    set_month(ctx, "Lensois", SEPT, {"entrants": 45})
    on_package(package, lambda p: set_month(p, "Lensois", SEPT, {"entrants": 44}))
    ctx.close()
    before = dump_store(db_path)
    assert main(["--db", str(db_path), "workshop", "merge", str(package), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "3 changement(s) à appliquer, 1 conflit(s) dont 1 à trancher" in out
    assert "\n3 valeur(s) de flux mensuels (Lensois, sept. 2024 à oct. 2024) :\n" in out
    lines = [line.split() for line in out.splitlines()]
    assert lines[next(i for i, w in enumerate(lines) if "orientes" in w)][:10] == \
        ["Lensois,", "sept.", "2024", "Orientés", "(total)", "orientes", "30", "32", "Animatrice", "Lens"]  # fmt: skip
    assert "dont délégués du Département – parcours…  orientes_cd_emploi" in out  # le code reste lisible
    assert out.index("orientes_cd_emploi") < out.index("Nouveaux entrants (ARSA)    ")  # sept. puis oct.
    assert f"{ENTRANTS_LENS_SEPT}  45" in out  # le conflit, avec son libellé complet
    assert "Simulation : rien n'a été écrit." in out
    assert dump_store(db_path) == before
