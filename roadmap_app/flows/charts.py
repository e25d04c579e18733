"""Graphiques des flux : fonctions pures (données en entrée, ``Figure`` matplotlib en sortie).

Les mêmes figures vont à l'écran, dans le classeur et dans le PDF. Lisibles en noir et blanc :
hachures, marqueurs et styles de trait distinguent les séries, pas seulement la couleur.
matplotlib n'est importé qu'à l'appel (jamais au démarrage de l'application).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from roadmap_app.core.dates import format_month
from roadmap_app.core.formatting import format_number, format_signed

BLUE, ORANGE, GREEN, PINK, GREY, SKY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#6B7280",
    "#56B4E9",
)
#: Couleur d'une série par son rang (bassins dans leur ordre, ou « tout le plan ») : la même
#: dans les courbes d'indicateur (matplotlib) et dans le panneau d'une action (Qt).
SERIES_COLORS = (BLUE, ORANGE, GREEN, PINK, GREY, SKY)
Number = float | None


def _figure(title: str, width: float = 9.0, height: float = 4.8) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=12, loc="left")
    ax.grid(axis="y", color="#D0D5DD", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


#: Largeur d'une ligne de légende (caractères) : un libellé plus long passe à la ligne.
LEGEND_WRAP = 28


def _legend(ax: Any) -> None:
    """La légende à droite du tracé, hors des axes : elle ne cache jamais une valeur, une cible
    ou la référence (placée dedans, « en haut à gauche » ou « au mieux », elle finissait sur des
    points ou sur un trait). La mise en page « constrained » de la figure lui fait sa place."""
    import textwrap

    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    wrapped = [textwrap.fill(label, LEGEND_WRAP, break_long_words=False) for label in labels]
    ax.legend(handles, wrapped, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
              fontsize=8, frameon=False)  # fmt: skip


def _labels(months: Sequence[date]) -> list[str]:
    return [format_month(m) for m in months]


def _fr(ax: Any, axis: str = "y") -> None:
    """Graduations en français, avec les décimales qu'il faut pour qu'elles restent distinctes
    (0 ; 0,2 ; 0,4… et non « 0 0 0 1 1 1 » sur un axe de 0 à 1)."""
    from matplotlib.ticker import FuncFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis

    def label(v: float, _pos: Any) -> str:
        return format_number(v, tick_decimals(target.get_majorticklocs()))

    target.set_major_formatter(FuncFormatter(label))


def tick_decimals(locs: Sequence[float]) -> int:
    """Le moins de décimales (au plus 3) qui écrit chaque graduation exactement."""
    for decimals in range(3):
        if all(abs(round(v, decimals) - v) <= 1e-9 * max(1.0, abs(v)) for v in locs):
            return decimals
    return 3


def _signed(v: float) -> str:
    return format_signed(v)


def _empty(ax: Any, text: str = "Aucune donnée saisie pour cette période") -> None:
    ax.text(
        0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=GREY, fontsize=11
    )


def entrants_vs_target(
    bassin: str,
    months: Sequence[date],
    entrants: Sequence[Number],
    targets: Sequence[Number],
    reference: tuple[str, float] | None = None,
) -> Any:
    """Barres : entrants du mois, avec leur écart à la moyenne visée ; trait en escalier : moyenne
    mensuelle visée ce mois-là (un mois sous la moyenne n'est pas un échec : la cible se juge sur le
    cumul) ; pointillé gris : ``reference`` (libellé, valeur), par exemple la moyenne mensuelle de
    l'année de référence."""
    fig, ax = _figure(f"{bassin} — nouveaux entrants par mois et moyenne visée")
    x = list(range(len(months)))
    bars = ax.bar(
        x,
        [v or 0 for v in entrants],
        color=SKY,
        edgecolor=BLUE,
        hatch="//",
        label="Entrants du mois (écart à la moyenne visée)",
    )
    shown = [(i, t) for i, t in enumerate(targets) if t is not None]
    if shown:
        # un trait par mois : la moyenne en vigueur ce mois-là (elle peut changer à une date donnée)
        ax.hlines([t for _i, t in shown], [i - 0.45 for i, _t in shown], [i + 0.45 for i, _t in shown],
                  colors="black", linestyles="--", linewidth=1.8, label="Moyenne mensuelle visée")  # fmt: skip
        gaps = [
            "" if v is None or t is None else _signed(v - t)
            for v, t in zip(entrants, targets, strict=True)
        ]
        ax.bar_label(bars, labels=gaps, padding=2, fontsize=7, color="#344054")
    if reference is not None and months:
        ax.axhline(reference[1], color="#667085", linestyle=":", linewidth=1.6, label=reference[0])
    ax.set_xticks(x, _labels(months), rotation=45, ha="right")
    ax.set_ylabel("ARSA entrants (nombre)")
    top = max([0.0, *(v or 0 for v in entrants), *(t for _i, t in shown),
               *([reference[1]] if reference else [])])  # fmt: skip
    ax.set_ylim(0, top * 1.12 or 1)  # de la place au-dessus des barres pour leur écart
    _fr(ax)
    if not any(v is not None for v in entrants):
        _empty(ax)
    _legend(ax)
    return fig


def cumulative_vs_annual(
    bassin: str,
    year: int,
    months: Sequence[date],
    entrants: Sequence[Number],
    targets: Sequence[Number],
) -> Any:
    """Cumul des entrants de l'année et cumul des cibles mensuelles (objectif annuel)."""
    fig, ax = _figure(f"{bassin} — entrants cumulés {year} et objectif annuel")
    x = list(range(len(months)))
    cum: list[float] = []
    total = 0.0
    last = max((i for i, v in enumerate(entrants) if v is not None), default=-1)
    for i, v in enumerate(entrants):
        total += v or 0
        cum.append(total if i <= last else float("nan"))  # la courbe s'arrête au dernier mois saisi
    tcum, ttotal = [], 0.0
    for t in targets:
        ttotal += t or 0
        tcum.append(ttotal)
    ax.plot(x, cum, color=BLUE, marker="s", linewidth=2, label="Entrants cumulés")
    ax.plot(
        x, tcum, color="black", linestyle="--", marker="^", linewidth=1.4, label="Objectif cumulé"
    )
    ax.set_xticks(x, _labels(months), rotation=45, ha="right")
    ax.set_ylabel("ARSA (nombre cumulé)")
    _fr(ax)
    if not any(v is not None for v in entrants):
        _empty(ax)
    _legend(ax)
    return fig


def orientation_split(bassin: str, months: Sequence[date], parts: Mapping[str, Sequence[Number]], totals: Sequence[Number],
                      target_share: float | None) -> Any:  # fmt: skip
    """Barres empilées : part de chaque orientation dans le total ; trait : tendance attendue vers FT."""
    fig, ax = _figure(f"{bassin} — répartition des orientations")
    x = list(range(len(months)))
    styles = [("vers France Travail", BLUE, ""), ("délégués – emploi", ORANGE, "\\\\"),
              ("délégués – équilibré", GREEN, ".."), ("délégués – remobilisation", PINK, "xx")]  # fmt: skip
    bottom = [0.0] * len(months)
    for (label, color, hatch), values in zip(styles, parts.values(), strict=False):
        shares = [
            0.0 if (v is None or not t) else 100 * v / t
            for v, t in zip(values, totals, strict=True)
        ]
        ax.bar(
            x,
            shares,
            bottom=bottom,
            color=color,
            hatch=hatch,
            edgecolor="black",
            linewidth=0.4,
            label=label,
        )
        bottom = [b + s for b, s in zip(bottom, shares, strict=True)]
    if target_share is not None:
        ax.axhline(target_share, color="black", linestyle="--", linewidth=1.5,
                   label=f"Tendance attendue vers FT : {target_share:g} %")  # fmt: skip
    ax.set_ylim(0, 105)
    ax.set_ylabel("Part des orientés (%)")
    ax.set_xticks(x, _labels(months), rotation=45, ha="right")
    if not any(t for t in totals):
        _empty(ax)
    _legend(ax)
    return fig


def within_15_days(
    bassin: str, months: Sequence[date], shares: Sequence[Number], target: float | None
) -> Any:
    """Part des orientés en 15 jours et moins, contre la cible (100 %)."""
    fig, ax = _figure(f"{bassin} — orientés en 15 jours et moins")
    x = list(range(len(months)))
    ax.plot(x, [float("nan") if v is None else v for v in shares], color=GREEN, marker="D", linewidth=2,
            label="Part orientée en 15 jours et moins")  # fmt: skip
    if target is not None:
        ax.axhline(
            target, color="black", linestyle="--", linewidth=1.5, label=f"Cible : {target:g} %"
        )
    ax.set_ylim(0, 105)
    ax.set_ylabel("Part des orientés (%)")
    ax.set_xticks(x, _labels(months), rotation=45, ha="right")
    if not any(v is not None for v in shares):
        _empty(ax)
    _legend(ax)
    return fig


def portfolio_load(
    bassin: str,
    months: Sequence[date],
    ft: Sequence[Number],
    cd: Sequence[Number],
    cap: float | None,
    cd_to_confirm: bool = False,
) -> Any:
    """ARSA suivis par référent (France Travail, délégués du Département) contre le plafond de 70 ;
    ``cd_to_confirm`` : les ETP de délégués sont contredits par les documents (légende signalée)."""
    fig, ax = _figure(f"{bassin} — charge par référent")
    x = list(range(len(months)))
    ax.plot(x, [float("nan") if v is None else v for v in ft], color=BLUE, marker="o", linewidth=2,
            label="France Travail (par portefeuille)")  # fmt: skip
    ax.plot(x, [float("nan") if v is None else v for v in cd], color=ORANGE, marker="s", linestyle="-.", linewidth=2,
            label="Délégués du Département (par ETP" + (" ; ETP à confirmer ⚠)" if cd_to_confirm else ")"))  # fmt: skip
    if cap is not None:
        ax.axhline(
            cap, color="black", linestyle="--", linewidth=1.5, label=f"Plafond : {cap:g} ARSA"
        )
        top = max([cap * 1.3] + [v for v in (*ft, *cd) if v is not None])
        ax.axhspan(cap, top, color="#B42318", alpha=0.08)
        ax.set_ylim(0, top)
    ax.set_ylabel("ARSA suivis par référent")
    ax.set_xticks(x, _labels(months), rotation=45, ha="right")
    if not any(v is not None for v in (*ft, *cd)):
        _empty(ax)
    _legend(ax)
    return fig


def stock_over_time(
    bassin: str, months: Sequence[date], stock: Sequence[Number], reference: float | None
) -> Any:
    fig, ax = _figure(f"{bassin} — stock de BRSA")
    x = list(range(len(months)))
    ax.plot(
        x,
        [float("nan") if v is None else v for v in stock],
        color=BLUE,
        marker="o",
        linewidth=2,
        label="Stock en fin de mois",
    )
    if reference is not None:
        ax.axhline(
            reference,
            color=GREY,
            linestyle=":",
            linewidth=1.5,
            label=f"Situation au 31/12/2023 : {format_number(reference)}",
        )
    ax.set_ylabel("BRSA (nombre)")
    ax.set_xticks(x, _labels(months), rotation=45, ha="right")
    _fr(ax)
    if not any(v is not None for v in stock):
        _empty(ax)
    _legend(ax)
    return fig


def bassins_side_by_side(
    title: str,
    names: Sequence[str],
    actual: Sequence[Number],
    target: Sequence[Number],
    periods: Sequence[str] | None = None,
) -> Any:
    """Les bassins côte à côte : entrants cumulés et objectif des mêmes mois (période sous le nom)."""
    fig, ax = _figure(title)
    x = list(range(len(names)))
    w = 0.38
    ax.bar(
        [i - w / 2 for i in x],
        [v or 0 for v in actual],
        w,
        color=SKY,
        edgecolor=BLUE,
        hatch="//",
        label="Entrants cumulés",
    )
    ax.bar(
        [i + w / 2 for i in x],
        [v or 0 for v in target],
        w,
        color="white",
        edgecolor="black",
        hatch="..",
        label="Objectif des mêmes mois",
    )
    for i, (a, t) in enumerate(zip(actual, target, strict=True)):
        if a is not None and t:
            ax.annotate(
                f"{100 * a / t:.0f} %", (i - w / 2, a), ha="center", va="bottom", fontsize=9
            )
        elif a is not None:
            ax.annotate("pas de cible\nen vigueur", (i + w / 2, 0), ha="center", va="bottom", fontsize=8,
                        color="#667085")  # fmt: skip
    labels = [
        f"{n}\n{p}" if p else n for n, p in zip(names, periods or [""] * len(names), strict=True)
    ]
    ax.set_xticks(x, labels)
    ax.set_ylabel("ARSA entrants (nombre)")
    _fr(ax)
    _legend(ax)
    return fig


def indicator_over_time(
    title: str,
    unit: str,
    series: Mapping[str, Sequence[tuple[date, float]]],
    targets: Sequence[tuple[date, float, str]],
    baseline: tuple[date, float] | None = None,
    end: date | None = None,
    frequency: str | None = None,
) -> Any:
    """Indicateur de suivi (``roadmap_app.indicators``) : une courbe par bassin (marqueurs et
    traits différents), la cible en marches (elle vaut à partir de sa date) et la situation de
    référence en pointillé. L'axe du temps parle comme la fréquence de l'indicateur : « 2025 »
    pour une valeur annuelle, « T3 2025 » par trimestre, « 07/2025 » sinon."""
    fig, ax = _figure(title, 9.0, 4.2)
    styles = (("o", "-", BLUE), ("s", "--", ORANGE), ("^", "-.", GREEN), ("D", ":", PINK), ("v", "-", GREY),
              ("P", "--", SKY))  # fmt: skip
    days = [d for pts in series.values() for d, _v in pts] + [d for d, _v, _l in targets]
    if baseline is not None:
        days.append(baseline[0])
    for i, (name, pts) in enumerate(series.items()):
        if not pts:
            continue
        marker, line, color = styles[i % len(styles)]
        ax.plot([d for d, _v in pts], [v for _d, v in pts], marker=marker, linestyle=line, color=color,
                markersize=4, linewidth=1.6, label=name)  # fmt: skip
    if targets and days:
        last = max([*days, end or max(days)])
        steps = sorted(targets)
        xs: list[date] = []
        ys: list[float] = []
        for j, (d, v, _label) in enumerate(steps):
            nxt = steps[j + 1][0] if j + 1 < len(steps) else last
            xs += [d, nxt]
            ys += [v, v]
        ax.plot(xs, ys, color="black", linestyle="--", linewidth=1.6, label="Cible (à partir de sa date)")
    if baseline is not None:
        ax.axhline(baseline[1], color="#667085", linestyle=":", linewidth=1.6,
                   label=f"Référence au {baseline[0]:%d/%m/%Y}")  # fmt: skip
    if not any(series.values()):
        _empty(ax, "Aucune valeur saisie pour cet indicateur")
        if not targets and baseline is None:
            ax.set_yticks([])  # rien à lire sur l'axe des valeurs : pas de graduations inventées
        if not days:  # rien à placer : l'axe du temps d'une année, pas « 01/1970 » répété
            year = (end or date.today()).year
            ax.set_xlim(date(year, 1, 1), date(year, 12, 31))
    _time_axis(ax, frequency)
    ax.set_ylabel(unit)
    if unit == "%":
        ax.set_ylim(0, 100)
    _fr(ax)
    _legend(ax)
    return fig


def _time_axis(ax: Any, frequency: str | None) -> None:
    """Graduations du temps selon la fréquence : des années pour un indicateur annuel (pas
    « 01/2024, 07/2024… » entre deux valeurs du 1er janvier), des trimestres « T1 2025 » sur trois
    ans au plus (des années au-delà), des mois « 07/2025 » pour le reste."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    lo, hi = ax.get_xlim()
    years = (hi - lo) / 365.25
    if frequency == "year" or (frequency == "quarter" and years > 3):
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    elif frequency == "quarter":
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))

        def quarter(x: float, _pos: Any) -> str:
            d = mdates.num2date(x)
            return f"T{(d.month - 1) // 3 + 1} {d.year}"

        ax.xaxis.set_major_formatter(FuncFormatter(quarter))
    else:
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
