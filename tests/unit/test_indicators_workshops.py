"""Paquets d'atelier : valeurs d'indicateurs et liens saisis hors ligne reviennent à la fusion,
champ par champ, avec les conflits montrés ; le modèle d'import fait l'aller-retour."""

from __future__ import annotations

from datetime import date

from roadmap_app.core.context import open_context
from roadmap_app.core.ops import undo_last
from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc
from roadmap_app.workshops.merge import EDIT, Resolution, apply_merge, plan_package_merge
from roadmap_app.workshops.package import export_package


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
        "EP-2.1 – sorte de lien à l'indicateur M1a": ("—", "tdb"),
        "R1 / Lensois – valeur du 01/01/2024": ("—", "48"),
    }
    [conflict] = plan.conflicts
    assert (conflict.label, conflict.base, conflict.mine, conflict.theirs) == (
        "M6 / Lensois – valeur du 01/01/2024", 70.0, 72.0, 75.0)  # fmt: skip
    assert conflict.theirs_by.author == "Animatrice Lens" and conflict.mine_by.author == "Testeur"

    result = apply_merge(ctx, plan, {conflict.key: Resolution(EDIT, 74.0)})
    assert result.applied == 4
    assert ("EP-2.1", "tdb") in {(link.action_code, link.kind) for link in m.load_links(ctx)
                                 if link.indicator_id == m.find_definition(m.load_definitions(ctx), "M1a").id}  # fmt: skip
    assert _values(ctx, "R1")[(lens_id, date(2024, 1, 1))] == 48
    assert _values(ctx, "M6")[(lens_id, date(2024, 1, 1))] == 74
    assert plan_package_merge(ctx, path).is_noop()  # une seconde fusion n'apporte rien
    undo_last(ctx)  # la fusion s'annule d'un bloc
    assert (lens_id, date(2024, 1, 1)) not in _values(ctx, "R1")
    assert {link.action_code for link in m.load_links(ctx)} == {"EP-1.1"}


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
