"""Le jeu initial est la feuille de route volet 3 complète, telle que l'annexe 1 bis la donne."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from db.models import Action, ActionBassin, ActionPilote, Axe, Cible, Organisation, Roadmap
from db.seed import read_seed_file
from roadmap_app.core.echeance import parse_echeance
from roadmap_app.plan.read import load_plan
from tests.seed_documents import SEEDS

SOURCE = (SEEDS or Path("/absent")) / "000_dab05ea08fd3d5d5.txt"


def test_five_axes_twenty_cibles_thirty_five_actions(ctx):
    plan = load_plan(ctx)
    assert plan.roadmap.name == "Feuille de route 2024 – volet 3"
    assert [a.title for a in plan.axes] == [
        "Entrée en parcours",
        "Accompagnement intensif",
        "Numérique",
        "Mobilisation des entreprises",
        "Gouvernance partagée",
    ]
    assert [len(a.cibles) for a in plan.axes] == [4, 6, 3, 3, 4]
    assert [len(list(a.actions())) for a in plan.axes] == [7, 11, 7, 6, 4]
    assert len(list(plan.actions())) == 35


def test_every_action_has_a_stable_unique_code_following_the_hierarchy(ctx):
    plan = load_plan(ctx)
    codes = [a.code for a in plan.actions()]
    assert len(set(codes)) == 35
    for a in plan.actions():
        assert re.fullmatch(r"(EP|AI|NU|ME|GP)-\d+\.\d+", a.code)
        assert a.code.startswith(a.cible_code + ".")
        assert a.cible_code.startswith(a.axe_code + "-")


def test_every_action_applies_to_the_three_bassins(ctx):
    plan = load_plan(ctx)
    assert [b.name for b in plan.bassins] == ["Montreuillois", "Audomarois", "Lensois"]
    for a in plan.actions():
        assert set(a.statuses) == {b.id for b in plan.bassins}


def test_long_texts_are_kept_whole(ctx):
    plan = load_plan(ctx)
    first = plan.action("EP-1.1")
    assert first.plan_actions.startswith(
        "Inscription de 100% des nouveaux BRSA dont un trend de 50%"
    )
    # la cellule continue sur la page suivante : la suite est rattachée à la même action
    assert first.plan_actions.endswith("(18 critères par FIL'R la semaine suivante.)")
    assert first.commentaires.endswith(
        "après réception des crédits Etat dans le cadre des nouveaux recrutements]"
    )
    assert first.echeance.label == "15-mai-24"
    assert first.pilotes_label == "Département : territoires expérimentateurs"
    me = plan.action("ME-1.1")
    assert "(métiers CVA, chantier CSNE et ERBM et autre)" in me.plan_actions
    assert me.actions_preexistantes.count("*CNSE") == 1
    assert plan.action("AI-3.3").plan_actions.endswith(
        "Choix de recourir à l'outil Suivi Intesif de l'Accompagnement (SIA) dès que possible"
    )


def test_statuses_stated_in_the_document_are_seeded_with_their_evidence(ctx):
    plan = load_plan(ctx)
    expected = {
        "EP-1.1": "a_securiser",
        "EP-2.1": "en_cours",
        "EP-4.1": "reporte",
        "AI-1.3": "en_cours",  # « REALISE » : les journées d'acculturation, pas les 15 h par semaine
        "AI-2.1": "en_cours",
        "AI-3.3": "a_securiser",
        "AI-4.1": "en_cours",  # « en cours de réflexion au CD »
        "AI-5.1": "en_cours",  # « Travail en cours sur DORA »
        "NU-1.1": "en_cours",  # « REALISE » : la convention de juin 2024, pas l'interopérabilité
        "NU-2.2": "a_securiser",  # « En attente signature de la convention »
        "GP-3.1": "a_securiser",  # « En attente prise de connaissance des décrets »
    }
    for a in plan.actions():
        statuses = {c.status for c in a.statuses.values()}
        assert statuses == {expected.get(a.code, "a_lancer")}, a.code
        for cell in a.statuses.values():
            if a.code in expected:
                evidence = re.search(r"« (.+?) »", cell.note)
                assert evidence is not None
                assert evidence.group(1) in a.commentaires + a.plan_actions
                assert cell.note_date is not None and cell.note_date.isoformat() == "2024-09-16"
            else:
                assert cell.note == "" and cell.note_date is None
    # un « REALISE » qui ne porte que sur une étape : la note dit laquelle, le statut suit le reste du texte
    for code, step in (
        ("NU-1.1", "convention d'échanges de données"),
        ("AI-1.3", "journées d'acculturation"),
    ):
        for cell in plan.action(code).statuses.values():
            assert "« REALISE » porte sur" in cell.note and step in cell.note


def test_echeances_are_stored_with_date_precision_and_original_label(ctx):
    with ctx.store.session() as s:
        actions = s.exec(select(Action)).all()
        labels = Counter(a.echeance_label for a in actions)
        for a in actions:
            parsed = parse_echeance(a.echeance_label, 2024)
            assert (a.echeance_date, a.echeance_fin) == (parsed.start, parsed.end)
            assert a.echeance_precision == (
                None if parsed.precision is None else parsed.precision.value
            )
        gp = s.exec(select(Action).where(Action.code == "GP-1.1")).one()
        assert gp.echeance_label == "1er avril"
        assert gp.echeance_flag and "déduite" in gp.echeance_flag
    assert labels["1er juin 2024"] == 15
    assert labels["1er janvier 2025"] == 4
    assert labels[""] == 6
    assert set(labels) == {
        "15-mai-24", "1er juin 2024", "01/01/25", "1er janvier 2025", "1er janvier 2024", "Année 2024",
        "année 2024", "2nd semestre 2024", "2ème semestre 2024", "1er avril", "",
    }  # fmt: skip


def test_pilotes_are_organisations_and_keep_the_original_wording(ctx):
    with ctx.store.session() as s:
        orgs = {o.id: o.code for o in s.exec(select(Organisation)).all()}
        assert set(orgs.values()) == {"CD", "FT", "CAF", "MSA", "ETAT", "CR", "GIP"}
        links = s.exec(select(ActionPilote)).all()
        by_action: dict[int, set[str]] = {}
        for link in links:
            by_action.setdefault(link.action_id, set()).add(orgs[link.organisation_id])
        actions = {a.code: a for a in s.exec(select(Action)).all()}
    assert by_action[actions["AI-3.3"].id] == {"CD", "FT", "CR", "ETAT"}
    assert actions["AI-3.3"].pilotes_label == "CD/FT/CR/DDETS"
    assert by_action[actions["NU-1.2"].id] == {"CD", "GIP"}
    assert actions["NU-1.2"].pilotes_label == "CD/ Bétagouv"
    assert by_action[actions["GP-1.1"].id] == {"CD", "ETAT", "FT"}
    assert actions["NU-3.1"].id not in by_action  # pas de pilote écrit : aucun n'est inventé
    mapping = read_seed_file("feuille_de_route_2024.json")["pilotes"]
    assert set(mapping) == {a.pilotes_label for a in actions.values() if a.pilotes_label}


def test_the_seed_tables_hold_one_roadmap_and_one_status_per_action_and_bassin(ctx):
    with ctx.store.session() as s:
        assert len(s.exec(select(Roadmap)).all()) == 1
        assert len(s.exec(select(Axe)).all()) == 5
        assert len(s.exec(select(Cible)).all()) == 20
        assert len(s.exec(select(ActionBassin)).all()) == 35 * 3


def _tokens(text: str) -> set[str]:
    text = text.replace("^{er}", "er").replace("^{ère}", "ère")
    text = re.sub(r"<[^>]+>", " ", text)
    return set(re.findall(r"\w+", text.lower()))


def _source_lines(source: str) -> list[int]:
    numbers: list[int] = []
    for part in source.split("l. ", 1)[1].split(","):
        lo, _, hi = part.strip().partition("-")
        numbers.extend(range(int(lo), int(hi or lo) + 1))
    return numbers


@pytest.mark.skipif(not SOURCE.exists(), reason="documents sources absents (../shared/seeds)")
def test_no_word_dropped_or_invented_each_action_matches_its_source_rows(ctx):
    """Les mots des lignes du tableau source d'une action sont exactement ceux qui sont stockés."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    plan = load_plan(ctx)
    for a in plan.actions():
        source = set().union(*(_tokens(lines[n - 1]) for n in _source_lines(a.source)))
        stored = _tokens(
            " ".join(
                (a.cible_title, a.actions_preexistantes, a.plan_actions, a.indicateurs_tdb,
                 a.indicateurs_autres, a.echeance.label, a.pilotes_label, a.commentaires)
            )
        )  # fmt: skip
        # le titre d'une cible n'est écrit qu'une fois, sur la ligne de sa première action
        assert source - stored == set(), a.code
        assert stored - source - _tokens(a.cible_title) == set(), a.code
