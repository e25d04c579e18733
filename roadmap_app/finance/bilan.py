"""Bilan final : données communes au classeur et au PDF (l'export : ``finance.bilan_export``).

Deux parties, comme le demande la convention : le bilan financier (une table par volet sur le
modèle de l'annexe 3, puis la consommation par ligne du plan de financement et les versements)
et le bilan de mise en œuvre du plan d'actions (chaque cible et action, statut par bassin,
échéance, commentaires ; décomptes par axe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from roadmap_app.core.context import AppContext
from roadmap_app.core.deadlines import Deadline, bilan_deadlines
from roadmap_app.finance import annexe3
from roadmap_app.finance.read import ExpenseRow, VoletFinance, load_finance
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.read import ActionRow, AxeNode, PlanView, load_plan


# -- annexe 3 : lignes du tableau d'un volet -------------------------------------------------
@dataclass(frozen=True)
class AnnexeRow:
    """Une ligne du tableau de l'annexe 3.

    kind : « group » (titre du groupe), « columns » (en-têtes), « heading » (intertitre),
    « subgroup » (rubrique et son sous-total), « expense », « empty » (rubrique sans dépense),
    « group_total », « volet_total ».
    """

    kind: str
    label: str = ""
    amount_cents: int | None = None
    expense: ExpenseRow | None = None


def annexe3_rows(vf: VoletFinance) -> list[AnnexeRow]:
    tpl = annexe3.template(vf.volet.number)
    by_rubrique: dict[tuple[str, str], list[ExpenseRow]] = {}
    for e in vf.expenses:
        by_rubrique.setdefault((e.group_key, e.subgroup_key), []).append(e)
    known = {(g.key, sg.key) for g in tpl.groups for sg in g.subgroups}
    orphans = [e for k, items in by_rubrique.items() if k not in known for e in items]
    rows: list[AnnexeRow] = []
    volet_total = 0
    for gi, group in enumerate(tpl.groups):
        rows.append(AnnexeRow("group", group.title))
        rows.append(AnnexeRow("columns"))
        group_total = 0
        heading = ""
        for sg in group.subgroups:
            if sg.heading and sg.heading != heading:
                rows.append(AnnexeRow("heading", sg.heading))
            heading = sg.heading
            items = by_rubrique.get((group.key, sg.key), [])
            if gi == len(tpl.groups) - 1 and sg is group.subgroups[-1]:
                items = items + orphans  # jamais de dépense perdue (rubrique inconnue)
            subtotal = sum(e.montant_cents for e in items)
            if sg.label:
                rows.append(AnnexeRow("subgroup", sg.label, subtotal))
            rows.extend(AnnexeRow("expense", e.nature, e.montant_cents, e) for e in items)
            if not items and not sg.label:
                rows.append(AnnexeRow("empty", "Aucune dépense déclarée"))
            group_total += subtotal
        rows.append(AnnexeRow("group_total", group.total_label, group_total))
        volet_total += group_total
    rows.append(AnnexeRow("volet_total", tpl.total_label, volet_total))
    return rows


# -- mise en œuvre : décomptes par axe ----------------------------------------------------------
@dataclass
class AxeCount:
    code: str
    title: str
    cibles: int
    actions: int
    by_status: dict[str, int] = field(default_factory=dict)  # cellules action × bassin
    overdue: int = 0

    @property
    def cells(self) -> int:
        return sum(self.by_status.values())


def axe_counts(plan: PlanView) -> list[AxeCount]:
    out = []
    for axe in plan.axes:
        count = AxeCount(axe.code, axe.title, len(axe.cibles), sum(1 for _ in axe.actions()))
        count.by_status = {st.value: 0 for st in status_rules.ORDERED}
        for action in axe.actions():
            for cell in action.statuses.values():
                count.by_status[cell.status] = count.by_status.get(cell.status, 0) + 1
                count.overdue += cell.overdue
        out.append(count)
    return out


def total_count(counts: list[AxeCount]) -> AxeCount:
    total = AxeCount("", "Total", sum(c.cibles for c in counts), sum(c.actions for c in counts))
    total.by_status = {st.value: 0 for st in status_rules.ORDERED}
    for c in counts:
        for k, v in c.by_status.items():
            total.by_status[k] = total.by_status.get(k, 0) + v
        total.overdue += c.overdue
    return total


def status_text(action: ActionRow, bassin_id: int) -> str:
    """« ◐ En cours (40 %) » ; « — » si l'action ne s'applique pas au bassin."""
    cell = action.statuses.get(bassin_id)
    if cell is None:
        return "—"
    inf = status_rules.info(cell.status)
    text = f"{inf.symbol} {inf.label}"
    if cell.progress is not None:
        text += f" ({cell.progress} %)"
    if cell.overdue:
        text += " – en retard"
    return text


def notes_text(action: ActionRow, plan: PlanView) -> str:
    parts = []
    for b in plan.bassins:
        cell = action.statuses.get(b.id)
        if cell is not None and cell.note:
            when = f" ({cell.note_date:%d/%m/%Y})" if cell.note_date else ""
            parts.append(f"{b.name}{when} : {cell.note}")
    return "\n".join(parts)


# -- données du bilan -------------------------------------------------------------------------
@dataclass
class BilanData:
    generated_on: date
    author: str
    store_name: str
    volets: list[VoletFinance]
    deadlines: list[Deadline]
    plan: PlanView
    counts: list[AxeCount]
    #: action → indicateurs de suivi liés et leurs résultats par bassin (une ligne par indicateur)
    indicators: dict[int, list[str]] = field(default_factory=dict)

    def indicators_text(self, action_id: int) -> str:
        return "\n".join(self.indicators.get(action_id, []))

    @property
    def axes(self) -> list[AxeNode]:
        return self.plan.axes

    @property
    def volet_numbers(self) -> list[int]:
        return [vf.volet.number for vf in self.volets]

    @property
    def title(self) -> str:
        if len(self.volets) == 1:
            return f"Bilan – volet {self.volets[0].volet.number}"
        return (
            "Bilan – volets "
            + ", ".join(str(n) for n in self.volet_numbers[:-1])
            + (f" et {self.volet_numbers[-1]}")
        )


def results_by_action(ctx: AppContext, roadmap_id: int) -> dict[int, list[str]]:
    from roadmap_app.indicators.model import results_by_action as results

    return results(ctx, roadmap_id)


def collect_bilan(
    ctx: AppContext, volet: int | None = None, roadmap: str | int | None = None
) -> BilanData:
    """Lit tout ce que le bilan affiche (une fois) : financement, échéances, plan d'actions."""
    plan = load_plan(ctx, roadmap)
    return BilanData(
        generated_on=ctx.today(),
        author=ctx.author,
        store_name=ctx.store.display_name,
        volets=load_finance(ctx, volet),
        deadlines=bilan_deadlines(ctx),
        plan=plan,
        counts=axe_counts(plan),
        indicators=results_by_action(ctx, plan.roadmap.id),
    )
