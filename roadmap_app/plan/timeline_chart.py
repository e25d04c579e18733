"""Échéancier en figure matplotlib (pack de comité, ``roadmap-app chart echeancier``).

Lisible en noir et blanc : chaque statut a son motif de hachures et son symbole écrit à côté de
la barre ; le retard est un contour épais et le mot « retard » ; les dates clés ont chacune leur
style de trait. matplotlib n'est importé qu'à l'appel ; la figure est rendue sans pyplot.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.read import BassinRef
from roadmap_app.plan.timeline import BILAN, COMMITTEE, TODAY, VOLET3, Timeline, TimelineItem

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: motif par statut (vide : à lancer) ; la couleur reste celle de l'application
HATCHES = {
    "a_lancer": "",
    "en_cours": "////",
    "a_securiser": "++",
    "reporte": "---",
    "realise": "",
    "abandonne": "xx",
}
LINES = {
    TODAY: ("#B42318", "-", 1.6, "aujourd'hui"),
    VOLET3: ("#101828", "--", 1.3, "fin du volet 3"),
    BILAN: ("#B54708", "-.", 1.3, "bilan"),
    COMMITTEE: ("#667085", ":", 1.1, "comité"),
}
#: au-delà, la figure montre les premières lignes et dit combien restent
MAX_ROWS = 120


def _d2n(d: date) -> float:
    return float(d.toordinal())


def echeancier_figure(
    timeline: Timeline,
    items: Sequence[TimelineItem] | None = None,
    *,
    bassins: Sequence[BassinRef] | None = None,
    title: str = "Échéancier",
    until: date | None = None,
) -> Figure:
    """Une ligne par action (code et intitulé abrégé), barres et jalons par statut."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    chosen = list(items if items is not None else (it for g in timeline.groups for it in g.items))
    hidden = max(0, len(chosen) - MAX_ROWS)
    chosen = chosen[:MAX_ROWS]
    shown_bassins = list(bassins if bassins is not None else timeline.bassins)
    n = max(len(chosen), 1)
    height = min(1.2 + 0.24 * n, 60)
    fig = Figure(figsize=(11.0, max(height, 3.2)))
    ax = fig.add_subplot(1, 1, 1)
    start = min([timeline.start] + [it.start for it in chosen if it.start])
    end = until or timeline.end
    ax.set_xlim(_d2n(start), _d2n(end + timedelta(days=1)))
    ax.set_ylim(n - 0.5, -0.5)
    labels = []
    for row, it in enumerate(chosen):
        a = it.action
        # caractères de contrôle (saisis par une version précédente) : ni glyphe ni sens
        name = "".join(ch for ch in a.intitule if ch.isprintable())
        text = name if len(name) <= 46 else name[:45] + "…"
        labels.append(f"{a.code}  {text}")
        assert it.start is not None and it.end is not None
        cells = [c for b in shown_bassins if (c := a.statuses.get(b.id)) is not None]
        late = any(c.overdue for c in cells)
        edge = "#B42318" if late else "#101828"
        width = 2.0 if late else 0.7
        x0, x1 = _d2n(it.start), _d2n(it.end + timedelta(days=1))
        if it.baseline is not None and it.baseline.start and it.baseline.end:
            b0, b1 = _d2n(it.baseline.start), _d2n(it.baseline.end + timedelta(days=1))
            if it.baseline.start == it.baseline.end:  # jalon au comité : un petit losange gris
                ax.plot([(b0 + b1) / 2], [row + 0.33], marker="d", markersize=4, color="#475467")
            else:
                ax.add_patch(Rectangle((b0, row + 0.26), b1 - b0, 0.1, color="#475467", lw=0))
        if it.milestone:
            status = min((c.status for c in cells), key=lambda s: status_rules.info(s).rank,
                         default="a_lancer")  # fmt: skip
            ax.plot([(x0 + x1) / 2], [row], marker="D", markersize=7,
                    color=status_rules.info(status).color, markeredgecolor=edge,
                    markeredgewidth=width)  # fmt: skip
            text_x, offset = x1, 7.0
        else:
            lane = 0.5 / max(len(cells), 1)
            for j, c in enumerate(cells):
                inf = status_rules.info(c.status)
                ax.add_patch(Rectangle((x0, row - 0.25 + j * lane), x1 - x0, lane,
                                       facecolor=inf.color, edgecolor="#101828", lw=0.3,
                                       hatch=HATCHES.get(c.status, "")))  # fmt: skip
            ax.add_patch(Rectangle((x0, row - 0.25), x1 - x0, 0.5, fill=False, edgecolor=edge,
                                   lw=width))  # fmt: skip
            text_x, offset = x1, 3.0
        if len(cells) == 1:
            inf = status_rules.info(cells[0].status)
            status_text = f"{inf.symbol} {inf.label}"
        else:
            status_text = " ".join(
                f"{b.code} {status_rules.info(c.status).symbol}"
                for b in shown_bassins
                if (c := a.statuses.get(b.id)) is not None
            )
        if late:
            status_text += " — retard"
        # à côté de la barre ou du jalon (décalage en points : il ne dépend pas de l'échelle)
        if text_x > _d2n(end):
            ax.annotate(status_text, (x0, row), xytext=(-offset, 0), textcoords="offset points",
                        va="center", ha="right", fontsize=6.5, color="#101828")  # fmt: skip
        else:
            ax.annotate(status_text, (text_x, row), xytext=(offset, 0), textcoords="offset points",
                        va="center", fontsize=6.5, color="#101828")  # fmt: skip
    shown_lines = [k for k in timeline.lines() if start <= k.date <= end]
    for j, k in enumerate(shown_lines):
        color, style, lw, _name = LINES.get(k.kind, ("#98A2B3", ":", 1.0, ""))
        x = _d2n(k.date) + 0.5
        ax.axvline(x, color=color, linestyle=style, linewidth=lw, zorder=0)
        # deux hauteurs en alternance : deux dates proches ne se recouvrent pas
        ax.text(x, -0.6 - 0.042 * n * (j % 2), k.short, fontsize=6.5, color=color, ha="left",
                va="bottom", clip_on=False)  # fmt: skip
    ax.set_yticks(range(len(chosen)))
    ax.set_yticklabels(labels, fontsize=7)
    ticks = []
    d = date(start.year, ((start.month - 1) // 3) * 3 + 1, 1)
    while d <= end:
        ticks.append(d)
        m = d.month + 2
        d = date(d.year + m // 12, m % 12 + 1, 1)
    ax.set_xticks([_d2n(t) for t in ticks])
    ax.set_xticklabels([f"T{(t.month - 1) // 3 + 1}\n{t.year}" for t in ticks], fontsize=7)
    ax.grid(axis="x", color="#D0D5DD", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not chosen:
        ax.text(0.5, 0.5, "Aucune action à montrer.", transform=ax.transAxes, ha="center")
    heading = title + (f" ({hidden} autres actions non montrées)" if hidden else "")
    fig.suptitle(heading, fontsize=10, x=0.02, ha="left")
    handles = [
        Patch(facecolor=status_rules.info(s).color, edgecolor="#101828",
              hatch=HATCHES.get(s.value, ""), label=f"{status_rules.info(s).symbol} {status_rules.label(s)}")
        for s in status_rules.ORDERED
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncol=6, fontsize=6.5, frameon=False,
               bbox_to_anchor=(0.6, 0.0))  # fmt: skip
    margin = 0.45 / fig.get_figheight()  # place de la légende et du titre, en pouces
    fig.tight_layout(rect=(0, margin, 1, 1 - margin))
    return fig
