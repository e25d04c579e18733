"""Rappels : échéances des N prochains jours et actions passées en retard depuis la dernière
ouverture (bandeau du tableau de bord, ``roadmap-app actions list --due-within``).

Module léger : le tableau de bord (première page) le lit sans charger l'échéancier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roadmap_app.plan.filters import ActionFilter
from roadmap_app.plan.read import ActionRow, PlanView


@dataclass(frozen=True)
class Reminder:
    action: ActionRow
    kind: str  # "due" (échéance proche) ou "late" (en retard depuis la dernière ouverture)
    days: int  # jours restants (due) ou de retard (late)
    bassins: tuple[str, ...]  # noms des bassins concernés

    def text(self) -> str:
        where = f" ({', '.join(self.bassins)})" if self.bassins else ""
        if self.kind == "due":
            when = "aujourd'hui" if self.days == 0 else (
                "demain" if self.days == 1 else f"dans {self.days} jours"
            )  # fmt: skip
            return f"{self.action.code} — {self.action.intitule} : échéance {when}{where}"
        return (
            f"{self.action.code} — {self.action.intitule} : en retard depuis {self.days} j{where}"
        )


def due_within(plan: PlanView, days: int) -> list[Reminder]:
    """Actions non closes dont l'échéance tombe dans les ``days`` prochains jours — la règle du
    filtre « Échéance dans » de la Feuille de route et de ``actions list --due-within``."""
    flt = ActionFilter(due_within_days=days)
    names = {b.id: b.name for b in plan.bassins}
    found = []
    for a in plan.active_actions():
        cells = flt.matching_cells(a, plan.today)
        if cells and a.echeance.end is not None:
            found.append(Reminder(a, "due", (a.echeance.end - plan.today).days,
                                  tuple(names[c.bassin_id] for c in cells)))  # fmt: skip
    return sorted(found, key=lambda r: (r.days, r.action.code))


def late_since(plan: PlanView, since: date | None) -> list[Reminder]:
    """Actions passées en retard depuis ``since`` (dernière ouverture de l'application) : en
    retard aujourd'hui, alors que leur échéance n'était pas encore dépassée ce jour-là."""
    if since is None or since >= plan.today:
        return []
    names = {b.id: b.name for b in plan.bassins}
    found = []
    for a in plan.active_actions():
        end = a.echeance.end
        if end is None or end < since:
            continue
        late = [c for c in a.statuses.values() if c.overdue]
        if late:
            found.append(Reminder(a, "late", (plan.today - end).days,
                                  tuple(names[c.bassin_id] for c in late)))  # fmt: skip
    return sorted(found, key=lambda r: (-r.days, r.action.code))
