"""Filtres du plan (communs à la CLI et à l'interface)."""

from __future__ import annotations

from roadmap_app.plan.filters import ActionFilter
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status


def codes(plan, flt):
    return [a.code for a in plan.actions() if flt.matches(a, plan.today)]


def test_overdue_in_lensois_at_the_test_date(ctx):
    plan = load_plan(ctx)  # aujourd'hui : 15/10/2024
    lens = frozenset({plan.bassin("Lensois").id})
    late = codes(plan, ActionFilter(bassin_ids=lens, overdue_only=True))
    # échues avant le 15/10/2024 et non réalisées : 15 mai, 1er juin, 1er janvier 2024, 1er avril
    assert "EP-1.1" in late and "AI-3.3" in late and "GP-1.1" in late
    assert "AI-1.3" in late  # en cours (seules les journées d'acculturation sont réalisées)
    assert "NU-1.2" not in late  # 1er janvier 2025
    assert "AI-6.1" not in late  # « Année 2024 » : en retard seulement après le 31/12/2024
    assert "ME-2.1" not in late  # sans échéance
    assert (
        len(late) == 18
    )  # 15-mai-24, les quinze « 1er juin 2024 » (aucune réalisée), 1er janvier 2024, 1er avril


def test_overdue_is_per_bassin(ctx):
    update_status(ctx, "EP-2.2", "Lensois", status="realise")
    plan = load_plan(ctx)
    lens = frozenset({plan.bassin("Lensois").id})
    mon = frozenset({plan.bassin("Montreuillois").id})
    assert "EP-2.2" not in codes(plan, ActionFilter(bassin_ids=lens, overdue_only=True))
    assert "EP-2.2" in codes(plan, ActionFilter(bassin_ids=mon, overdue_only=True))


def test_status_and_overdue_combine_on_the_same_cell(ctx):
    plan = load_plan(ctx)
    flt = ActionFilter(statuses=frozenset({"en_cours"}), overdue_only=True)
    assert codes(plan, flt) == ["EP-2.1", "AI-1.3", "AI-2.1", "AI-4.1", "AI-5.1"]


def test_pilote_axe_and_text_filters(ctx):
    plan = load_plan(ctx)
    assert codes(plan, ActionFilter(pilotes=frozenset({"CAF"}))) == ["AI-3.2", "AI-5.1"]
    numerique = next(a for a in plan.axes if a.code == "NU")
    assert len(codes(plan, ActionFilter(axe_ids=frozenset({numerique.id})))) == 7
    # recherche sans accents ni casse, sur tous les textes, tous les mots requis
    assert codes(plan, ActionFilter(text="interoperabilite wikisol")) == ["NU-1.2"]
    assert "ME-1.1" in codes(plan, ActionFilter(text="ACADÉMIE france travail"))
    assert codes(plan, ActionFilter(text="zzzz")) == []


def test_due_within_n_days(ctx):
    plan = load_plan(ctx)  # 15/10/2024 + 90 jours = 13/01/2025
    soon = codes(plan, ActionFilter(due_within_days=90))
    # fin 2024 (année, 2nd semestre) et 1er janvier 2025, NU-1.1 comprise (en cours)
    assert set(soon) == {
        "NU-1.1",
        "AI-6.1",
        "NU-2.2",
        "ME-1.1",
        "ME-2.2",
        "ME-2.3",
        "ME-3.1",
        "EP-4.1",
        "NU-1.2",
        "NU-1.3",
        "NU-2.1",
    }
    assert codes(plan, ActionFilter(due_within_days=30)) == []


def test_progress_rolls_up_from_actions_to_cibles_and_axes(ctx):
    update_status(ctx, "EP-2.1", "Lensois", progress=50)
    for bassin in ("Montreuillois", "Audomarois", "Lensois"):
        update_status(ctx, "AI-1.3", bassin, status="realise")
    plan = load_plan(ctx)
    lens = frozenset({plan.bassin("Lensois").id})
    ep = plan.axes[0]
    cible = ep.cibles[1]  # EP-2 : EP-2.1 (en cours, 50 %) et EP-2.2 (à lancer, 0 %)
    assert cible.code == "EP-2"
    assert cible.progress(lens) == 25
    a = plan.action("EP-2.1")
    assert a.progress(lens) == 50
    assert (
        a.progress() == 50
    )  # les autres bassins (en cours, non renseigné) n'entrent pas dans la moyenne
    assert plan.action("AI-1.3").progress() == 100  # réalisé sans saisie compte pour 100 %


def test_folding_ignores_accents_case_ligatures_and_typographic_signs():
    from roadmap_app.core.text import fold

    assert "a securiser" in fold("Échéance « À SÉCURISER »")
    assert fold("l’offre du cœur") == "l'offre du coeur"
    assert fold("15\u00a0h – Hénin\u2011Carvin").startswith("15 h - henin")
