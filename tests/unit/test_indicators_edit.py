"""Modifier et archiver la définition d'un indicateur de la feuille de route : journal, annulation,
contrôle de version ; refus (français, rien d'écrit) pour les indicateurs nationaux et les flux,
et pour une unité, une portée ou une fréquence que les valeurs déjà saisies ne respectent pas."""

from __future__ import annotations

import re
from datetime import date

import pytest

from roadmap_app.core import journal
from roadmap_app.core.errors import StaleDataError, UserError
from roadmap_app.core.ops import redo_last, undo_last
from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc
from tests.conftest import dump_store


def _define(ctx, code="EP-RDV", **kw):
    args = dict(label="Part des ARSA reçus en 15 jours", unit="nombre", direction="up", frequency="month")
    return svc.add_indicator(ctx, code, **{**args, **kw})


def test_edit_is_journaled_field_by_field_and_undone(ctx):
    d = _define(ctx)
    new = svc.update_indicator(ctx, "EP-RDV", label="  Reçus  en 15 jours ", definition="RDV tenu.", unit="%",
                               direction="down", provenance="cd", expected_version=d.version)  # fmt: skip
    assert (new.code, new.label, new.definition, new.unit, new.direction, new.provenance) == (
        "EP-RDV", "Reçus en 15 jours", "RDV tenu.", "%", "down", "cd")  # fmt: skip
    assert new.version == d.version + 1
    lines = journal.history(ctx, "indicator_definition", [d.id])
    assert {(ln.field, ln.old_value, ln.new_value) for ln in lines if ln.operation_label.endswith("modifié")} == {
        ("label", d.label, "Reçus en 15 jours"), ("definition", "", "RDV tenu."), ("unit", "nombre", "%"),
        ("direction", "up", "down"), ("provenance", "autre", "cd")}  # fmt: skip
    assert all(ln.operation_label == "Indicateur « EP-RDV » modifié" for ln in lines[:5])
    changes = undo_last(ctx)
    assert changes.label == "Indicateur « EP-RDV » modifié"
    back = m.find_definition(m.load_definitions(ctx), "EP-RDV")
    assert (back.label, back.unit, back.direction, back.provenance) == (d.label, "nombre", "up", "autre")
    redo_last(ctx)
    assert m.find_definition(m.load_definitions(ctx), "EP-RDV").unit == "%"


def test_nothing_changed_writes_nothing(ctx, db_path):
    d = _define(ctx)
    before = dump_store(db_path)
    assert svc.update_indicator(ctx, "EP-RDV", label=d.label, unit="nombre") == d
    assert dump_store(db_path) == before


def test_archive_hides_the_indicator_keeps_its_data_and_undo_restores_it(ctx):
    _define(ctx, scope="plan")
    svc.link(ctx, "EP-1.1", "EP-RDV")
    svc.set_value(ctx, "EP-RDV", 12, date(2024, 3, 1))
    assert m.has_links(ctx, _roadmap(ctx))
    assert svc.archive_indicator(ctx, "EP-RDV") is not None
    assert "EP-RDV" not in {d.code for d in m.load_definitions(ctx)}
    assert "EP-RDV" not in {d.code for d in m.overview(ctx).defs}
    assert not m.has_links(ctx, _roadmap(ctx))  # la colonne « Indicateurs » disparaît
    with pytest.raises(UserError, match="Indicateur « EP-RDV » inconnu"):
        svc.set_value(ctx, "EP-RDV", 13, date(2024, 4, 1))
    undo_last(ctx)
    d = m.find_definition(m.load_definitions(ctx), "EP-RDV")
    assert m.overview(ctx).actions[d.id] == ["EP-1.1"]  # le lien et la valeur sont revenus avec lui
    assert m.load_series(ctx, [d])[0][(d.id, None)][0].value == 12


def _roadmap(ctx):
    from roadmap_app.plan.read import load_plan

    return load_plan(ctx).roadmap.id


def test_redefining_an_archived_code_brings_it_back(ctx):
    _define(ctx)
    svc.archive_indicator(ctx, "EP-RDV")
    d = _define(ctx, label="Nouvelle définition")
    assert d.label == "Nouvelle définition" and not d.archived


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: svc.update_indicator(c, "R1", label="Autre"), "R1 est un indicateur national (annexe 4) : sa "
                                                                  "définition ne se modifie pas"),
        (lambda c: svc.update_indicator(c, "entrants", unit="%"), "entrants est un flux mensuel BRSA"),
        (lambda c: svc.update_indicator(c, "orientes_15j", frequency="year"), "flux mensuel BRSA"),
        (lambda c: svc.archive_indicator(c, "entrants"), "entrants est un flux mensuel BRSA : il ne s'archive pas"),
        (lambda c: svc.archive_indicator(c, "R2"), "R2 est un indicateur national"),
        (lambda c: svc.update_indicator(c, "EP-RDV", label="  "), "EP-RDV : le libellé est obligatoire"),
        (lambda c: svc.update_indicator(c, "EP-RDV", unit="kg"), "Unité « kg » inconnu"),
        (lambda c: svc.update_indicator(c, "EP-RDV", unit="%"),
         "EP-RDV ne peut pas passer en « % » : valeur du 01/03/2024 (Lensois) : 120 % dépasse 100 %"),
        (lambda c: svc.update_indicator(c, "EP-RDV", scope="plan"),
         "EP-RDV ne peut pas changer de portée (« tout le plan ») : 2 valeur(s) sont déjà saisies par bassin"),
        (lambda c: svc.update_indicator(c, "EP-RDV", frequency="quarter"),
         "fréquence trimestrielle : la valeur du 01/02/2024 (Lensois) n'est pas datée du début de sa période"),
        (lambda c: svc.update_indicator(c, "EP-RDV", label="X", expected_version=1), "modifié ailleurs"),
        (lambda c: svc.update_indicator(c, "ZZ", label="X"), "Indicateur « ZZ » inconnu"),
    ],
)
def test_bad_edits_are_refused_in_french_and_write_nothing(ctx, db_path, call, message):
    _define(ctx)
    svc.set_value(ctx, "EP-RDV", 120, date(2024, 3, 1), bassin="Lensois")
    svc.set_value(ctx, "EP-RDV", 20, date(2024, 2, 1), bassin="Lensois")
    svc.update_indicator(ctx, "EP-RDV", definition="v2")  # version 2 : la version 1 est périmée
    before = dump_store(db_path)
    with pytest.raises((UserError, StaleDataError), match=re.escape(message)):
        call(ctx)
    assert dump_store(db_path) == before


def test_a_per_bassin_target_forbids_the_whole_plan_scope(ctx):
    _define(ctx)
    svc.set_step(ctx, "EP-RDV", "target", 30, year=2025, bassin="Audomarois")
    with pytest.raises(UserError, match="une cible est fixée pour le bassin Audomarois"):
        svc.update_indicator(ctx, "EP-RDV", scope="plan")
    svc.set_step(ctx, "EP-RDV", "target", 30, year=2026)  # une cible commune ne gêne pas
    undo_last(ctx)
    undo_last(ctx)
    assert svc.update_indicator(ctx, "EP-RDV", scope="plan", unit="%").scope == "plan"
