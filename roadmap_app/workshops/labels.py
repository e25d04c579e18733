"""Libellés d'une fusion pour les yeux : le titre avant le code.

Le libellé d'un changement (``FieldChange3.label``, « EP-1.1 / Lensois – statut ») est court et
stable : le journal en garde la partie avant « – ». À l'écran (aperçu de la CLI, dialogue de
fusion), l'utilisateur lit d'abord l'intitulé de l'action ou de l'indicateur, puis son code :
« Inscription de 100 % des nouveaux BRSA… [EP-1.1] / Lensois – statut » ; une valeur
d'indicateur dit sa période selon la fréquence (« valeur 2024 », « valeur T3 2024 »).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from roadmap_app.core.context import AppContext
from roadmap_app.indicators.model import period_label
from roadmap_app.plan.read import action_title
from roadmap_app.workshops.merge import FieldChange3, MergePlan


@dataclass(frozen=True)
class Titles:
    """Intitulés connus de la base : actions par « code@feuille de route », indicateurs par code
    (libellé, fréquence) ; unités des indicateurs (pour vérifier une valeur saisie)."""

    actions: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, tuple[str, str]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)


def load_titles(ctx: AppContext, plan: MergePlan | None = None) -> Titles:
    """Lit les intitulés des actions et des indicateurs (deux requêtes) ; les indicateurs définis
    dans l'atelier (``plan.definitions``) s'y ajoutent."""
    with ctx.store.session() as s:
        # le titre d'une action comme sur la Feuille de route (plan.read.action_title)
        actions = {
            f"{code}@{rid}": action_title(intitule, plan, before, cible)
            for code, rid, intitule, plan, before, cible in s.execute(text(
                "SELECT a.code, a.roadmap_id, a.intitule, a.plan_actions, a.actions_preexistantes, c.title "
                "FROM action a LEFT JOIN cible c ON c.id = a.cible_id"))
        }  # fmt: skip
        rows = s.execute(text("SELECT code, label, frequency, unit FROM indicator_definition")).all()
    indicators = {code: (label or "", frequency or "free") for code, label, frequency, _u in rows}
    units = {code: unit or "" for code, _l, _f, unit in rows}
    for d in plan.definitions if plan is not None else ():
        code = str(d.get("code", ""))
        indicators.setdefault(code, (str(d.get("label") or ""), str(d.get("frequency") or "free")))
        units.setdefault(code, str(d.get("unit") or ""))
    return Titles(actions, indicators, units)


def shorten(title: str, width: int) -> str:
    """Coupe un intitulé à ``width`` caractères au plus, sur un mot, avec « … »."""
    title = " ".join(title.split())
    if len(title) <= width:
        return title
    cut = title[: width - 1].rsplit(" ", 1)[0] if " " in title[: width - 1] else title[: width - 1]
    return cut.rstrip(" ,;:–-") + "…"


def _titled(title: str, code: str, width: int) -> str:
    return f"{shorten(title, width)} [{code}]" if title else code


def display_label(change: FieldChange3, titles: Titles, width: int = 40) -> str:
    """Le libellé d'un changement, intitulés d'abord (coupés à ``width`` caractères)."""
    parts = change.key.split("|")
    label = change.label
    if parts[0] == "ind" and len(parts) >= 4:
        code = parts[1]
        name, frequency = titles.indicators.get(code, ("", "free"))
        rest = label[len(code):] if label.startswith(code) else ""
        head, sep, _when = rest.rpartition(" – valeur ")  # « valeur 2024 », ou « valeur du 01/07/2024 »
        try:
            day = date.fromisoformat(parts[3])
        except ValueError:
            return label
        if not sep:
            return label
        return f"{_titled(name, code, width)}{head} – valeur {period_label(frequency, day)}"
    if parts[0] == "lien" and len(parts) >= 3:
        action, code = parts[1], parts[2]
        action_code = action.split("@")[0]
        name = titles.indicators.get(code, ("", ""))[0]
        what = "sorte de lien" if parts[-1] == "kind" else "lien"
        half = max(12, (width * 2) // 3)  # deux intitulés sur une ligne
        return (f"{_titled(titles.actions.get(action, ''), action_code, half)} – {what} à l'indicateur "
                f"{_titled(name, code, half)}")  # fmt: skip
    if parts[0] in ("flux", "atelier") or len(parts) < 3:
        return label  # un flux se lit déjà « titre [code] » ; un atelier n'a pas de code
    action_code = parts[0].split("@")[0]
    if not label.startswith(action_code):
        return label
    return _titled(titles.actions.get(parts[0], ""), action_code, width) + label[len(action_code):]
