"""Comparaison de deux états (instantanés ou état courant) : ce qui a changé depuis le dernier comité."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from roadmap_app.committees.flows_section import flux_diff
from roadmap_app.committees.section_change import SectionChange
from roadmap_app.core.bulk import paused_gc
from roadmap_app.core.dates import slip_days
from roadmap_app.plan import statuses as status_rules

__all__ = ["SectionChange", "SnapshotDiff", "diff_states", "slip_days"]

FIELD_LABELS = {
    "intitule": "Intitulé",
    "actions_preexistantes": "Actions pré-existantes",
    "plan_actions": "Plan d'actions",
    "indicateurs_tdb": "Indicateurs TDB national",
    "indicateurs_autres": "Autres indicateurs",
    "echeance": "Échéance",
    "pilotes_label": "Pilotes",
    "commentaires": "Commentaires",
    "cible": "Cible",
}
CELL_LABELS = {"status": "Statut", "progress": "Avancement", "note": "Note"}


@dataclass(frozen=True)
class ActionRef:
    code: str
    axe: str
    intitule: str


@dataclass(frozen=True)
class FieldDiff:
    code: str
    axe: str
    field: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class CellDiff:
    code: str
    axe: str
    bassin: str
    field: str
    label: str
    old: Any
    new: Any

    def describe(self) -> str:
        if self.field == "status":
            return f"{status_rules.label(self.old)} → {status_rules.label(self.new)}"
        if self.field == "progress":
            return f"{_pct(self.old)} → {_pct(self.new)}"
        return f"« {self.old} » → « {self.new} »"


@dataclass(frozen=True)
class SlipDiff:
    code: str
    axe: str
    old_label: str
    new_label: str
    old_end: str | None
    new_end: str | None
    days: int | None  # positif : l'échéance recule


@dataclass(frozen=True)
class OverdueDiff:
    code: str
    axe: str
    bassin: str
    echeance: str


@dataclass
class SnapshotDiff:
    before: str
    after: str
    added: list[ActionRef] = field(default_factory=list)
    removed: list[ActionRef] = field(default_factory=list)
    fields: list[FieldDiff] = field(default_factory=list)
    cells: list[CellDiff] = field(default_factory=list)
    slips: list[SlipDiff] = field(default_factory=list)
    newly_overdue: list[OverdueDiff] = field(default_factory=list)
    sections: list[SectionChange] = field(default_factory=list)
    #: intitulé de chaque action comparée (état d'après, sinon d'avant), pour « code — intitulé »
    titles: dict[str, str] = field(default_factory=dict)

    def title(self, code: str) -> str:
        """« EP-2.2 — Orientation prononcée… » (le code seul s'il est inconnu)."""
        intitule = self.titles.get(code, "")
        return f"{code} — {intitule}" if code and intitule else code

    def is_empty(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.fields,
                self.cells,
                self.slips,
                self.newly_overdue,
                self.sections,
            )
        )

    def filtered(
        self, bassins: set[str] | None = None, axes: set[str] | None = None
    ) -> SnapshotDiff:
        """Restreint aux bassins (codes) et axes (codes) donnés ; ``None`` : pas de restriction."""

        def axe_ok(axe: str) -> bool:
            return axes is None or axe in axes

        def bassin_ok(b: str | None) -> bool:
            return bassins is None or b is None or b in bassins

        return replace(
            self,
            added=[a for a in self.added if axe_ok(a.axe)],
            removed=[a for a in self.removed if axe_ok(a.axe)],
            fields=[f for f in self.fields if axe_ok(f.axe)],
            cells=[c for c in self.cells if axe_ok(c.axe) and bassin_ok(c.bassin)],
            slips=[s for s in self.slips if axe_ok(s.axe)],
            newly_overdue=[o for o in self.newly_overdue if axe_ok(o.axe) and bassin_ok(o.bassin)],
            sections=[s for s in self.sections if bassin_ok(s.bassin)],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "avant": self.before,
            "apres": self.after,
            "actions_ajoutees": [asdict(a) for a in self.added],
            "actions_retirees": [asdict(a) for a in self.removed],
            "champs_modifies": [asdict(f) for f in self.fields],
            "changements_par_bassin": [asdict(c) for c in self.cells],
            "glissements_echeance": [asdict(s) for s in self.slips],
            "nouveaux_retards": [asdict(o) for o in self.newly_overdue],
            "autres_changements": [s._asdict() for s in self.sections],
        }


def _pct(v: Any) -> str:
    return "—" if v is None else f"{v} %"


def _actions(state: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """code → (axe, cible, action)."""
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for axe in state["plan"]["axes"]:
        for cible in axe["cibles"]:
            for action in cible["actions"]:
                found[action["code"]] = (axe["code"], cible["code"], action)
    return found


_days = slip_days


@paused_gc()
def diff_states(
    before: dict[str, Any], after: dict[str, Any], before_label: str, after_label: str
) -> SnapshotDiff:
    result = SnapshotDiff(before_label, after_label)
    old_actions, new_actions = _actions(before), _actions(after)
    result.titles = {code: a["intitule"] for code, (_x, _c, a) in old_actions.items()}
    result.titles.update({code: a["intitule"] for code, (_x, _c, a) in new_actions.items()})
    for code, (axe, _c, a) in new_actions.items():
        if code not in old_actions:
            result.added.append(ActionRef(code, axe, a["intitule"]))
    for code, (axe, _c, a) in old_actions.items():
        if code not in new_actions:
            result.removed.append(ActionRef(code, axe, a["intitule"]))
    for code, (axe, cible, new) in new_actions.items():
        if code not in old_actions:
            continue
        _old_axe, old_cible, old = old_actions[code]
        if old == new and old_cible == cible:
            continue  # la plupart des actions n'ont pas bougé : comparaison globale, en C
        if old_cible != cible:
            result.fields.append(
                FieldDiff(code, axe, "cible", FIELD_LABELS["cible"], old_cible, cible)
            )
        for key in ("intitule", "actions_preexistantes", "plan_actions", "indicateurs_tdb", "indicateurs_autres",
                    "pilotes_label", "commentaires"):  # fmt: skip
            if old.get(key) != new.get(key):
                result.fields.append(
                    FieldDiff(code, axe, key, FIELD_LABELS[key], old.get(key), new.get(key))
                )
        oe, ne = old["echeance"], new["echeance"]
        if (oe["label"], oe["end"]) != (ne["label"], ne["end"]):
            result.fields.append(
                FieldDiff(code, axe, "echeance", FIELD_LABELS["echeance"], oe["label"], ne["label"])
            )
            result.slips.append(
                SlipDiff(
                    code,
                    axe,
                    oe["label"],
                    ne["label"],
                    oe["end"],
                    ne["end"],
                    _days(oe["end"], ne["end"]),
                )
            )
        for bassin, cell in new["statuses"].items():
            prev = old["statuses"].get(bassin)
            if prev is None:
                continue
            for key in ("status", "progress", "note"):
                if prev.get(key) != cell.get(key):
                    result.cells.append(
                        CellDiff(
                            code, axe, bassin, key, CELL_LABELS[key], prev.get(key), cell.get(key)
                        )
                    )
            if cell.get("overdue") and not prev.get("overdue"):
                result.newly_overdue.append(OverdueDiff(code, axe, bassin, ne["label"]))
    for name, differ in SECTION_DIFFS.items():
        # indicateurs : un instantané d'avant leur arrivée n'en avait aucun (tout lien est nouveau)
        old_section = before.get(name, {} if name == "indicateurs" else None)
        if old_section is not None and name in after:
            result.sections.extend(differ(old_section, after[name], after))
    return result


def _reference_diff(
    old: dict[str, Any], new: dict[str, Any], _state: Any
) -> Iterator[SectionChange]:
    def index(section: dict[str, Any]) -> dict[tuple[Any, ...], dict[str, Any]]:
        return {(f["bassin"], f["key"], f["as_of"]): f for f in section["figures"]}

    o, n = index(old), index(new)
    for key, fig in n.items():
        prev = o.get(key)
        if prev is None:
            yield SectionChange(
                "reference",
                fig["key"],
                f"{fig['label']} (au {fig['as_of']})",
                fig["bassin"],
                None,
                fig["value"],
                "nouveau chiffre",
            )
        elif prev["value"] != fig["value"]:
            yield SectionChange(
                "reference",
                fig["key"],
                f"{fig['label']} (au {fig['as_of']})",
                fig["bassin"],
                prev["value"],
                fig["value"],
            )


def _financement_diff(
    old: dict[str, Any], new: dict[str, Any], _state: Any
) -> Iterator[SectionChange]:
    def lines(section: dict[str, Any]) -> dict[tuple[Any, ...], dict[str, Any]]:
        return {
            (v["number"], ln["section"], ln["nature"], ln["objet"], ln["precisions"]): ln
            for v in section["volets"]
            for ln in v["lines"]
        }

    o, n = lines(old), lines(new)
    for key, ln in n.items():
        prev = o.get(key)
        label = f"Volet {key[0]} – {ln['objet'] or ln['nature']}"
        if prev is None:
            yield SectionChange(
                "financement", "ligne", label, None, None, ln["montant_cents"], "nouvelle ligne"
            )
        elif prev["montant_cents"] != ln["montant_cents"]:
            yield SectionChange(
                "financement",
                "montant_cents",
                label,
                None,
                prev["montant_cents"],
                ln["montant_cents"],
            )


#: (section avant, section après, état complet après) → changements
SectionDiffer = Callable[[Any, Any, Any], Iterator[SectionChange]]

#: Comparaison des autres sections ; les fonctionnalités qui ajoutent une section y ajoutent leur règle.
def _indicators_diff(old: Any, new: Any, state: Any) -> Iterator[SectionChange]:
    from roadmap_app.committees.indicators_section import indicators_diff

    return indicators_diff(old, new, state)


SECTION_DIFFS: dict[str, SectionDiffer] = {
    "reference": _reference_diff,
    "financement": _financement_diff,
    "flux": flux_diff,
    "indicateurs": _indicators_diff,
}
