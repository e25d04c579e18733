"""Lecture d'un état figé (instantané ou état courant) pour les rapports de comité.

Les exports ne lisent que l'état (le dictionnaire produit par ``snapshot_sections.build_state``) :
un pack tiré d'un instantané reproduit exactement ce qui a été figé.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from roadmap_app.committees.diff import SnapshotDiff
from roadmap_app.export.charts import Chart
from roadmap_app.plan import statuses as status_rules

UPCOMING_DAYS = 30


@dataclass(frozen=True)
class PackInfo:
    title: str
    committee: str
    date: date
    source: str  # « Instantané … » ou « État au … »


@dataclass(frozen=True)
class PackAction:
    axe_code: str
    axe_title: str
    cible_code: str
    cible_title: str
    data: dict[str, Any]

    @property
    def code(self) -> str:
        return str(self.data["code"])

    @property
    def echeance_end(self) -> date | None:
        end = self.data["echeance"]["end"]
        return None if end is None else date.fromisoformat(end)

    def status(self, bassin: str) -> dict[str, Any] | None:
        cell: dict[str, Any] | None = self.data["statuses"].get(bassin)
        return cell

    def late_bassins(self) -> list[str]:
        return [b for b, c in self.data["statuses"].items() if c["overdue"]]

    def progress(self) -> float | None:
        values = [
            p
            for c in self.data["statuses"].values()
            if (p := status_rules.effective_progress(c["status"], c["progress"])) is not None
        ]
        return sum(values) / len(values) if values else None


@dataclass
class PackData:
    info: PackInfo
    state: dict[str, Any]
    diff: SnapshotDiff | None = None
    previous_label: str | None = None
    charts: list[Chart] = field(default_factory=list)  # tracés à l'écriture

    @property
    def plan(self) -> dict[str, Any]:
        plan: dict[str, Any] = self.state["plan"]
        return plan

    @property
    def today(self) -> date:
        return date.fromisoformat(self.plan["today"])

    @property
    def bassins(self) -> list[dict[str, str]]:
        bassins: list[dict[str, str]] = self.plan["bassins"]
        return bassins

    @property
    def bassin_names(self) -> dict[str, str]:
        """Code du bassin → nom (« LEN » → « Lensois »)."""
        return {b["code"]: b["name"] for b in self.bassins}

    def actions(self) -> Iterator[PackAction]:
        for axe in self.plan["axes"]:
            for cible in axe["cibles"]:
                for action in cible["actions"]:
                    yield PackAction(
                        axe["code"], axe["title"], cible["code"], cible["title"], action
                    )

    def status_counts(self, bassin: str) -> dict[str, int]:
        counts = {st.value: 0 for st in status_rules.ORDERED}
        late = 0
        for a in self.actions():
            cell = a.status(bassin)
            if cell is None:
                continue
            counts[cell["status"]] += 1
            late += bool(cell["overdue"])
        counts["en_retard"] = late
        return counts

    def overdue(self) -> list[tuple[PackAction, list[str]]]:
        return [(a, a.late_bassins()) for a in self.actions() if a.late_bassins()]

    def upcoming(self, days: int = UPCOMING_DAYS) -> list[PackAction]:
        horizon = self.today + timedelta(days=days)
        found = []
        for a in self.actions():
            end = a.echeance_end
            if end is None or not self.today <= end <= horizon:
                continue
            if any(not status_rules.info(c["status"]).closed for c in a.data["statuses"].values()):
                found.append(a)
        return sorted(found, key=lambda a: a.echeance_end or date.max)

    def figure(self, bassin: str | None, key: str) -> dict[str, Any] | None:
        """Chiffre de référence le plus récent pour un bassin (``None`` : ensemble des bassins)."""
        candidates = [
            f
            for f in self.state.get("reference", {}).get("figures", [])
            if f["bassin"] == bassin and f["key"] == key
        ]
        return max(candidates, key=lambda f: f["as_of"]) if candidates else None
