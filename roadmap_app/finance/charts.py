"""Graphiques du financement : fonctions pures (données → ``matplotlib.figure.Figure``).

La même figure sert à l'écran (l'interface l'enveloppe dans ``FigureCanvasQTAgg``), au classeur
(image) et au PDF. matplotlib est importé dans les fonctions (démarrage rapide). Les montants
ne deviennent des flottants que pour la géométrie des barres ; les étiquettes sont écrites à
partir des centimes entiers.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from roadmap_app.core.formatting import NBSP, format_euros, format_whole_euros
from roadmap_app.finance.money import ratio_pct
from roadmap_app.finance.read import VoletFinance

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PLANNED = "#D0D5DD"
PLANNED_EDGE = "#98A2B3"
SPENT = "#0072B2"  # Okabe-Ito bleu
OVER = "#D55E00"  # Okabe-Ito vermillon
TEXT = "#101828"
MUTED = "#667085"


def _euros_short(cents: int) -> str:
    """« 148 750 € » (sans centimes pour les étiquettes de graphique)."""
    return format_euros(cents).replace(f",00{NBSP}€", f"{NBSP}€")


def _pct(spent: int, planned: int | None) -> str:
    value = ratio_pct(spent, planned)
    return "" if value is None else f" ({value:.1f} %)".replace(".", ",")


def consumption_bars(vf: VoletFinance) -> list[tuple[str, int | None, int]]:
    """(libellé, prévu, dépensé) pour les lignes avec un montant prévu ou des dépenses, puis le total."""
    bars: list[tuple[str, int | None, int]] = []
    for lc in vf.lines:
        if lc.planned_cents is None and lc.spent_cents == 0:
            continue
        if lc.line.informative and lc.spent_cents == 0:
            continue
        bars.append((lc.line.label, lc.planned_cents, lc.spent_cents))
    plafond = vf.volet.plafond_cents
    bars.append(
        (
            f"Total {vf.volet.title.lower()} (dépenses retenues / plafond)",
            plafond if plafond is not None else vf.plan_total_cents,
            vf.eligible_cents,
        )
    )
    return bars


def consumption_height(vf: VoletFinance) -> float:
    """Hauteur conseillée (pouces) du graphique d'un volet."""
    return max(2.6, 1.1 + 0.62 * len(consumption_bars(vf)))


def consumption_figure(
    vf: VoletFinance,
    *,
    width: float = 9.0,
    height: float | None = None,
    dpi: int = 100,
    title: bool = True,
) -> Figure:
    """Figure autonome du graphique de consommation (écran, classeur, PDF)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height or consumption_height(vf)), dpi=dpi)
    draw_consumption(fig.add_subplot(1, 1, 1), vf, title=title)
    fig.tight_layout()
    return fig


def draw_consumption(ax: Any, vf: VoletFinance, *, title: bool = True) -> None:
    """Barres horizontales : prévu (gris) et dépensé (bleu) par ligne ; dépassement hachuré et écrit."""
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    bars = consumption_bars(vf)
    rows = len(bars)
    labels = [textwrap.fill(label, 46, max_lines=3, placeholder=" …") for label, _p, _s in bars]
    top = max([max(p or 0, s) for _l, p, s in bars] + [1])
    for i, (_label, planned, spent) in enumerate(bars):
        y = rows - 1 - i
        if planned is not None:
            ax.barh(y, planned / 100, height=0.7, color=PLANNED, edgecolor=PLANNED_EDGE)
        within = spent if planned is None else min(spent, planned)
        ax.barh(y, within / 100, height=0.38, color=SPENT)
        over = 0 if planned is None else max(spent - planned, 0)
        if over and planned is not None:
            ax.barh(
                y, over / 100, left=planned / 100, height=0.38, color=OVER, hatch="///",
                edgecolor="white",
            )  # fmt: skip
        text = f"{_euros_short(spent)} / {_euros_short(planned) if planned is not None else 'non prévu'}"
        text += _pct(spent, planned)
        if over:
            text += f"  ⚠ dépassement {_euros_short(over)}"
        ax.text(
            max(planned or 0, spent) / 100 + top / 100 * 0.01,
            y,
            text,
            va="center",
            fontsize=8,
            color=OVER if over else TEXT,
        )
    ax.set_yticks(range(rows - 1, -1, -1), labels=labels, fontsize=8)
    ax.set_ylim(-0.6, rows - 0.4)
    ax.set_xlim(0, top / 100 * 1.55)
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: format_whole_euros(x))
    )
    ax.tick_params(axis="x", labelsize=8, colors=MUTED)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(
            f"{vf.volet.title} – consommation des crédits par ligne du plan de financement",
            fontsize=10,
            color=TEXT,
            loc="left",
        )
    ax.legend(
        handles=[
            Patch(facecolor=PLANNED, edgecolor=PLANNED_EDGE, label="Prévu (plan de financement)"),
            Patch(facecolor=SPENT, label="Dépensé"),
            Patch(facecolor=OVER, hatch="///", edgecolor="white", label="Dépassement"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.10 if rows > 2 else -0.2),
        ncol=3,
        fontsize=8,
        frameon=False,
    )
