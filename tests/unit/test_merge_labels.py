"""Aperçu d'une fusion d'atelier : l'intitulé avant le code, la période d'une valeur selon la
fréquence de l'indicateur, et la valeur saisie à la main pour trancher un conflit d'indicateur ou
de lien lue et vérifiée (avant : écrite telle quelle, « 55,5 » faisait planter l'écriture)."""

from __future__ import annotations

from datetime import date

import pytest

from roadmap_app.core.context import open_context
from roadmap_app.core.errors import UserError
from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc
from roadmap_app.indicators.model import period_label
from roadmap_app.plan.status import update_status
from roadmap_app.workshops.labels import Titles, display_label, load_titles, shorten
from roadmap_app.workshops.merge import (
    EDIT,
    THEIRS,
    FieldChange3,
    Provenance,
    Resolution,
    apply_merge,
    parse_edit,
    plan_package_merge,
)
from roadmap_app.workshops.package import export_package


def _change(key: str, label: str, field: str = "value") -> FieldChange3:
    return FieldChange3(key, label, field, None, None, 1, Provenance("A", None), None)


TITLES = Titles(
    actions={"EP-1.1@1": "Inscription de 100 % des nouveaux BRSA dont un trend de 50 % en 15 jours"},
    indicators={"R1": ("Taux de retour à l'emploi durable", "year"), "T": ("Trimestriel", "quarter"),
                "M": ("Mensuel", "month"), "L": ("Libre", "free")},
    units={"R1": "%"},
)  # fmt: skip


def test_period_follows_the_indicator_frequency():
    days = (date(2024, 1, 1), date(2024, 7, 1), date(2024, 7, 1), date(2024, 7, 1))
    assert [period_label(f, day) for f, day in zip(("year", "quarter", "month", "free"), days, strict=True)] == [
        "2024", "T3 2024", "juil. 2024", "01/07/2024"]  # fmt: skip
    # un jour qui n'ouvre pas sa période (cible à partir du 1er juillet d'un indicateur annuel,
    # référence au 31/12) reste une date : « 2024 » ou « juil. 2024 » diraient la période entière
    assert [period_label(f, day) for f, day in (("year", date(2024, 7, 1)), ("quarter", date(2024, 8, 1)),
                                                ("month", date(2023, 12, 31)))] == [
        "01/07/2024", "01/08/2024", "31/12/2023"]  # fmt: skip


def test_shorten_cuts_on_a_word_with_an_ellipsis():
    assert shorten("Inscription de 100 % des nouveaux BRSA", 20) == "Inscription de 100…"
    assert shorten("Court", 20) == "Court"


def test_titles_come_before_codes():
    status = _change("EP-1.1@1|LEN|status", "EP-1.1 / Lensois – statut", "status")
    assert display_label(status, TITLES) == "Inscription de 100 % des nouveaux BRSA… [EP-1.1] / Lensois – statut"
    value = _change("ind|R1|LEN|2024-01-01|value", "R1 / Lensois – valeur du 01/01/2024")
    assert display_label(value, TITLES) == "Taux de retour à l'emploi durable [R1] / Lensois – valeur 2024"
    quarter = _change("ind|T||2024-07-01|value", "T / tout le plan – valeur du 01/07/2024")
    assert display_label(quarter, TITLES) == "Trimestriel [T] / tout le plan – valeur T3 2024"
    link = _change("lien|EP-1.1@1|R1|kind", "EP-1.1 – sorte de lien à l'indicateur R1", "kind")
    assert display_label(link, TITLES) == (
        "Inscription de 100 % des… [EP-1.1] – sorte de lien à l'indicateur Taux de retour à… [R1]")
    # inconnus (indicateur défini ailleurs, action archivée puis purgée) : le libellé court
    unknown = _change("EP-9.9@1|LEN|status", "EP-9.9 / Lensois – statut", "status")
    assert display_label(unknown, TITLES) == "EP-9.9 / Lensois – statut"
    flow = _change("flux|entrants|LEN|2024-09|value", "Nouveaux entrants (ARSA) [entrants] – Lensois, sept. 2024")
    assert display_label(flow, TITLES) == flow.label


def test_a_link_kind_reads_in_french():
    link = _change("lien|EP-1.1@1|R1|kind", "EP-1.1 – sorte de lien à l'indicateur R1", "kind")
    assert (link.show("tdb"), link.show("autre")) == ("TDB national", "Autres")


@pytest.mark.parametrize(
    ("key", "field", "text", "expected"),
    [
        ("ind|R1|LEN|2024-01-01|value", "value", "55,5", 55.5),
        ("ind|M|LEN|2024-01-01|value", "value", " 1 234 ", 1234.0),
        ("lien|EP-1.1@1|R1|kind", "kind", "TDB national", "tdb"),
        ("lien|EP-1.1@1|R1|kind", "kind", "autres", "autre"),
        ("lien|EP-1.1@1|R1|active", "active", "non lié", False),
        ("lien|EP-1.1@1|R1|active", "active", "Lié", True),
    ],
)
def test_a_hand_entered_value_is_read(key, field, text, expected):
    assert parse_edit(_change(key, "X", field), text, {"R1": "%"}) == expected


@pytest.mark.parametrize(
    ("key", "field", "text", "message"),
    [
        ("ind|R1|LEN|2024-01-01|value", "value", "abc", "Champ R1 : « abc » n'est pas un nombre (ex. 12 ou 45,5)."),
        ("ind|R1|LEN|2024-01-01|value", "value", "", "Champ R1 : «  » n'est pas un nombre (ex. 12 ou 45,5)."),
        ("ind|R1|LEN|2024-01-01|value", "value", "155", "Champ R1 : 155 % dépasse 100 %."),
        # 400 chiffres : un flottant infini, écrit tel quel avant
        ("ind|M|LEN|2024-01-01|value", "value", "9" * 400,
         "Champ R1 : « 99999999999999999999 » est hors limites pour une valeur d'indicateur."),
        ("ind|R1|LEN|2024-01-01|value", "value", "-3", "Champ R1 : -3 est négatif ; une valeur d'indicateur ne peut pas l'être."),
        ("lien|EP-1.1@1|R1|kind", "kind", "national", "Champ R1 : « national » : saisissez « TDB national » ou « Autres »."),
        ("lien|EP-1.1@1|R1|active", "active", "peut-être", "Champ R1 : « peut-être » : saisissez « lié » ou « non lié »."),
    ],
)  # fmt: skip
def test_a_wrong_hand_entered_value_says_what_to_type(key, field, text, message):
    with pytest.raises(UserError) as err:
        parse_edit(_change(key, "X", field), text, {"R1": "%"}, where="Champ R1")
    assert str(err.value) == message


def _conflicting_package(ctx, tmp_path):
    svc.link(ctx, "EP-1.1", "R1", kind="autre")
    svc.set_value(ctx, "R1", 40, date(2024, 1, 1), bassin="Lensois")
    path, _atelier = export_package(ctx, tmp_path / "lens.atelier", "Lensois", day=date(2024, 10, 15))
    p = open_context(path, author="Animatrice Lens")
    try:
        svc.set_value(p, "R1", 48, date(2024, 1, 1), bassin="Lensois", replace=True)
        svc.link(p, "EP-1.1", "R1", kind="tdb")
        update_status(p, "EP-2.2", "Lensois", status="realise")
    finally:
        p.close()
    svc.set_value(ctx, "R1", 45, date(2024, 1, 1), bassin="Lensois", replace=True)
    return path


def test_a_text_decision_for_an_indicator_conflict_is_parsed_before_writing(ctx, tmp_path):
    """Avant : ``apply_merge`` écrivait « 55,5 » tel quel dans une colonne numérique (exception
    SQL, trace d'erreur) et « TDB national » comme sorte de lien."""
    plan = plan_package_merge(ctx, _conflicting_package(ctx, tmp_path))
    keys = {c.key for c in plan.conflicts}
    assert "ind|R1|LEN|2024-01-01|value" in keys
    decisions = {k: Resolution(EDIT, "55,5") if k.startswith("ind|") else Resolution(THEIRS) for k in keys}
    apply_merge(ctx, plan, decisions)
    lens_id = next(bid for bid, name in m.bassin_list(ctx) if name == "Lensois")
    d = m.find_definition(m.load_definitions(ctx), "R1")
    points, _steps = m.load_series(ctx, [d])
    assert [p.value for p in points[(d.id, lens_id)]] == [55.5]
    assert (d.id, "tdb") in {(link.indicator_id, link.kind) for link in m.load_links(ctx)}


def test_a_wrong_text_decision_writes_nothing(ctx, tmp_path):
    plan = plan_package_merge(ctx, _conflicting_package(ctx, tmp_path))
    decisions = {c.key: Resolution(EDIT, "beaucoup") if c.key.startswith("ind|") else Resolution(THEIRS)
                 for c in plan.conflicts}  # fmt: skip
    with pytest.raises(UserError, match="« beaucoup » n'est pas un nombre"):
        apply_merge(ctx, plan, decisions)
    d = m.find_definition(m.load_definitions(ctx), "R1")
    points, _steps = m.load_series(ctx, [d])
    assert [p.value for pts in points.values() for p in pts] == [45.0]


def test_load_titles_reads_action_titles_as_the_roadmap_shows_them(ctx, tmp_path):
    plan = plan_package_merge(ctx, _conflicting_package(ctx, tmp_path))
    titles = load_titles(ctx, plan)
    status = next(c for c in plan.conflicts if c.field == "status") if any(
        c.field == "status" for c in plan.conflicts) else next(c for c in plan.to_apply if c.field == "status")
    shown = display_label(status, titles)
    assert shown.startswith("Orientation prononcée") and "[EP-2.2] / Lensois – statut" in shown
    assert titles.units["R1"] == "%" and titles.indicators["R1"][1] == "year"


def test_merging_again_after_a_hand_entered_value_writes_nothing(ctx, tmp_path):
    """Avant : la valeur saisie à la première fusion était réécrite à chaque nouvelle fusion du
    même paquet (entrée de journal « 55 → 55 », « 1 champ(s) mis à jour » au lieu de « déjà
    fusionné »)."""
    from sqlalchemy import text

    def entries() -> int:
        with ctx.store.session() as s:
            return s.execute(text("SELECT COUNT(*) FROM journal_entry")).scalar_one()

    path = _conflicting_package(ctx, tmp_path)
    plan = plan_package_merge(ctx, path)
    apply_merge(ctx, plan, {c.key: Resolution(EDIT, 55.0) if c.key.startswith("ind|") else Resolution(THEIRS)
                            for c in plan.conflicts})  # fmt: skip
    before = entries()
    again = plan_package_merge(ctx, path)
    assert [c.key for c in again.pending_conflicts] == []
    result = apply_merge(ctx, again, {})
    assert (result.applied, result.operation_id) == (0, None)
    assert entries() == before
