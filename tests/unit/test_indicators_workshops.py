"""Paquets d'atelier : valeurs d'indicateurs et liens saisis hors ligne reviennent à la fusion,
champ par champ, avec les conflits montrés ; le modèle d'import fait l'aller-retour."""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import date

import pytest
from sqlmodel import select

from db.models import WorkshopPackage
from roadmap_app.core.context import open_context
from roadmap_app.core.ops import undo_last
from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc
from roadmap_app.workshops import merge
from roadmap_app.workshops.merge import (
    EDIT,
    THEIRS,
    Resolution,
    apply_merge,
    plan_package_merge,
)
from roadmap_app.workshops.package import PackageError, export_package, state_digest
from roadmap_app.workshops.state import canonical, expand_series


def _values(ctx, code):
    d = m.find_definition(m.load_definitions(ctx), code)
    points, _steps = m.load_series(ctx, [d])
    return {(bid, p.day): p.value for (_i, bid), pts in points.items() for p in pts}


def test_workshop_values_and_links_merge_field_by_field_with_conflicts(ctx, tmp_path):
    lens = m.bassin_list(ctx)
    lens_id = next(bid for bid, name in lens if name == "Lensois")
    svc.link(ctx, "EP-1.1", "R1", kind="tdb")
    svc.set_value(ctx, "M6", 70, date(2024, 1, 1), bassin="Lensois")
    path, _atelier = export_package(ctx, tmp_path / "lens.atelier", "Lensois", day=date(2024, 10, 15))

    p = open_context(path, author="Animatrice Lens")
    try:
        svc.link(p, "EP-2.1", "M1a", kind="tdb")  # nouveau lien
        svc.set_value(p, "R1", 48, date(2024, 1, 1), bassin="Lensois")  # nouvelle valeur
        svc.set_value(p, "M6", 75, date(2024, 1, 1), bassin="Lensois", replace=True)  # sera en conflit
    finally:
        p.close()
    svc.set_value(ctx, "M6", 72, date(2024, 1, 1), bassin="Lensois", replace=True)

    plan = plan_package_merge(ctx, path)
    applied = {c.label: (c.show(c.mine), c.show(c.theirs)) for c in plan.to_apply}
    assert applied == {
        "EP-2.1 – lien à l'indicateur M1a": ("non lié", "lié"),
        "EP-2.1 – sorte de lien à l'indicateur M1a": ("—", "TDB national"),
        "R1 / Lensois – valeur 2024": ("—", "48"),
    }
    [conflict] = plan.conflicts
    assert (conflict.label, conflict.base, conflict.mine, conflict.theirs) == (
        "M6 / Lensois – valeur 2024", 70.0, 72.0, 75.0)  # fmt: skip
    assert conflict.theirs_by.author == "Animatrice Lens" and conflict.mine_by.author == "Testeur"

    result = apply_merge(ctx, plan, {conflict.key: Resolution(EDIT, 74.0)})
    assert result.applied == 4
    from roadmap_app.core import journal

    said = {line.operation_label for line in journal.operation(ctx, result.operation_id)}
    assert "Fusion d'atelier (lens.atelier) : R1 / Lensois – valeur 2024 — → 48" in said  # pas « du 01/01/2024 »
    assert ("EP-2.1", "tdb") in {(link.action_code, link.kind) for link in m.load_links(ctx)
                                 if link.indicator_id == m.find_definition(m.load_definitions(ctx), "M1a").id}  # fmt: skip
    assert _values(ctx, "R1")[(lens_id, date(2024, 1, 1))] == 48
    assert _values(ctx, "M6")[(lens_id, date(2024, 1, 1))] == 74
    assert plan_package_merge(ctx, path).is_noop()  # une seconde fusion n'apporte rien
    undo_last(ctx)  # la fusion s'annule d'un bloc
    assert (lens_id, date(2024, 1, 1)) not in _values(ctx, "R1")
    assert {link.action_code for link in m.load_links(ctx)} == {"EP-1.1"}


def _package_with_series(ctx, tmp_path):
    """M6 (Lensois) et R1 (Lensois), annuels, ont chacun deux valeurs au départ ; le paquet change M6
    en 2024, la base aussi (conflit), et R1 en 2023 (série que le paquet laisse telle quelle)."""
    for code in ("M6", "R1"):
        for day, value in ((date(2023, 1, 1), 71), (date(2024, 1, 1), 70)):
            svc.set_value(ctx, code, value, day, bassin="Lensois", replace=True)
    path, _atelier = export_package(ctx, tmp_path / "lens.atelier", "Lensois", day=date(2024, 10, 15))
    p = open_context(path, author="Animatrice Lens")
    try:
        svc.set_value(p, "M6", 75, date(2024, 1, 1), bassin="Lensois", replace=True)
    finally:
        p.close()
    svc.set_value(ctx, "M6", 72, date(2024, 1, 1), bassin="Lensois", replace=True)
    svc.set_value(ctx, "R1", 80, date(2023, 1, 1), bassin="Lensois", replace=True)
    return path


def _base_state(path):
    conn = sqlite3.connect(path)
    try:
        (raw,) = conn.execute("SELECT base_state FROM workshop_package").fetchone()
    finally:
        conn.close()
    return json.loads(zlib.decompress(raw))


def test_only_the_series_the_package_changes_are_compared_value_by_value(ctx, tmp_path, monkeypatch):
    path = _package_with_series(ctx, tmp_path)
    state = _base_state(path)
    assert not [k for k in state["values"] if k.startswith("ind|")]  # plus une clé par valeur
    lens = _lens_code(ctx)
    m6 = state["series"][f"M6|{lens}"]  # [jour, valeur, jour, valeur…], jours croissants
    assert m6[::2] == sorted(m6[::2]) and {"2023-01-01": 71.0, "2024-01-01": 70.0}.items() <= dict(
        zip(m6[::2], m6[1::2], strict=True)).items()  # fmt: skip

    expanded, read_here = [], []
    real_expand, real_state = merge.expand_series, merge.mergeable_state
    monkeypatch.setattr(merge, "expand_series", lambda name, flat: expanded.append(name) or real_expand(name, flat))
    monkeypatch.setattr(merge, "mergeable_state", lambda s, series=None, **kw: read_here.append(series) or real_state(s, series, **kw))
    plan = plan_package_merge(ctx, path)

    # M6 changée des deux côtés : conflit à la valeur près, comme avec une clé par valeur ; R1,
    # changée ici seulement, ne décide rien : ni lue ici ni détaillée
    assert plan.to_apply == []
    [conflict] = plan.conflicts
    assert (conflict.label, conflict.base, conflict.mine, conflict.theirs) == (
        "M6 / Lensois – valeur 2024", 70.0, 72.0, 75.0)  # fmt: skip
    assert set(expanded) == {f"M6|{lens}"}
    assert read_here == [None, {f"M6|{lens}"}]  # le paquet en entier (intégrité), ici M6 seulement

    apply_merge(ctx, plan, {conflict.key: Resolution(THEIRS)})
    assert _values(ctx, "M6")[(_lens_id(ctx), date(2024, 1, 1))] == 75
    assert _values(ctx, "R1")[(_lens_id(ctx), date(2023, 1, 1))] == 80  # la base garde son changement
    assert plan_package_merge(ctx, path).is_noop()


def test_a_package_written_with_one_key_per_value_still_merges(ctx, tmp_path):
    path = _package_with_series(ctx, tmp_path)
    p = open_context(path, author="ancienne version")
    try:  # l'état de départ tel qu'écrit avant les séries : « ind|CODE|BASSIN|JOUR|value »
        with p.store.transaction() as s:
            row = s.exec(select(WorkshopPackage)).one()
            state = json.loads(zlib.decompress(row.base_state))
            for name, flat in state.pop("series").items():
                state["values"].update(expand_series(name, flat))
            row.base_state = zlib.compress(canonical(state), 6)
            row.checksum = state_digest(row)
            s.add(row)
    finally:
        p.close()
    plan = plan_package_merge(ctx, path)
    assert plan.to_apply == []
    assert [(c.label, c.base, c.mine, c.theirs) for c in plan.conflicts] == [
        ("M6 / Lensois – valeur 2024", 70.0, 72.0, 75.0)]  # fmt: skip


def test_an_indicator_value_changed_outside_the_application_is_refused(ctx, tmp_path):
    path = _package_with_series(ctx, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE indicator_value SET value = 99 WHERE value = 71")
    conn.commit()
    conn.close()
    with pytest.raises(PackageError, match="modifié en dehors de l'application"):
        plan_package_merge(ctx, path)


def _lens_code(ctx):
    conn = sqlite3.connect(ctx.store.path)
    try:
        return conn.execute("SELECT code FROM bassin WHERE name = 'Lensois'").fetchone()[0]
    finally:
        conn.close()


def _lens_id(ctx):
    return next(bid for bid, name in m.bassin_list(ctx) if name == "Lensois")


def test_an_indicator_defined_in_the_workshop_comes_back_with_its_values_and_links(ctx, tmp_path):
    """Avant : ses valeurs et liens étaient comptés « mis à jour » mais laissés de côté (la base ne
    connaissait pas son code). La fusion crée la définition, annulable avec le reste."""
    path, _atelier = export_package(ctx, tmp_path / "lens.atelier", "Lensois", day=date(2024, 10, 15))
    p = open_context(path, author="Animatrice Lens")
    try:
        svc.add_indicator(p, "PAR15J", label="Part des ARSA reçus en 15 jours", unit="%", direction="up",
                          definition="Reçus en entretien dans les 15 jours", frequency="month")  # fmt: skip
        svc.link(p, "EP-1.1", "PAR15J")
        svc.set_value(p, "PAR15J", 45, date(2025, 3, 1), bassin="Lensois")
    finally:
        p.close()

    plan = plan_package_merge(ctx, path)
    assert [d["code"] for d in plan.definitions] == ["PAR15J"]
    apply_merge(ctx, plan)
    d = m.find_definition(m.load_definitions(ctx), "PAR15J")
    assert (d.label, d.unit, d.frequency, d.definition) == (
        "Part des ARSA reçus en 15 jours", "%", "month", "Reçus en entretien dans les 15 jours")
    lens_id = next(bid for bid, name in m.bassin_list(ctx) if name == "Lensois")
    assert _values(ctx, "PAR15J") == {(lens_id, date(2025, 3, 1)): 45.0}
    assert [link.action_code for link in m.load_links(ctx) if link.indicator_id == d.id] == ["EP-1.1"]

    undo_last(ctx)
    assert "PAR15J" not in {x.code for x in m.load_definitions(ctx)}
    assert plan_package_merge(ctx, path).definitions  # une fusion refaite la recrée
    apply_merge(ctx, plan_package_merge(ctx, path))
    assert _values(ctx, "PAR15J") == {(lens_id, date(2025, 3, 1)): 45.0}


def test_the_merge_preview_names_the_indicators_defined_in_the_workshop(ctx, tmp_path, capsys):
    from roadmap_app.cli.workshop import print_plan

    path, _atelier = export_package(ctx, tmp_path / "lens.atelier", "Lensois", day=date(2024, 10, 15))
    p = open_context(path, author="Animatrice Lens")
    try:
        svc.add_indicator(p, "PAR15J", label="Part des ARSA reçus en 15 jours", unit="%", direction="up")
        svc.set_value(p, "PAR15J", 45, date(2025, 3, 1), bassin="Lensois")
    finally:
        p.close()
    print_plan(plan_package_merge(ctx, path))
    assert ("Indicateur défini en atelier, créé à la fusion : PAR15J – Part des ARSA reçus en 15 jours."
            in capsys.readouterr().out)
