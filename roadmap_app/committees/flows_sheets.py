"""Feuilles « Flux BRSA » et « Portefeuilles » du pack de comité, lues dans l'état figé."""

from __future__ import annotations

from datetime import date

from roadmap_app.committees.pack_model import PackData
from roadmap_app.core.formatting import format_number
from roadmap_app.export.cells import FMT_DEC1, FMT_INT, FMT_MONTH
from roadmap_app.export.xlsx import Book
from roadmap_app.flows.assessment import assess, signed
from roadmap_app.flows.catalogue import INDICATORS, PERCENT
from roadmap_app.flows.data import FlowsData, from_state
from roadmap_app.flows.series import (
    doubt_for,
    entrants_target,
    load_per_referent,
    portfolio_for,
    target_for,
)

ALERT = "B42318"
OK = "067647"


def _fmt(unit: str) -> str:
    return FMT_DEC1 if unit in (PERCENT, "heures") else FMT_INT


def write_flows(book: Book, pack: PackData) -> None:
    data = from_state(pack.state)
    headers = ["Bassin", "Mois"] + [f"{i.label} ({i.unit})" for i in INDICATORS] + [
        "Moyenne mensuelle d'entrants visée", "Écart du mois ; cumul face à l'objectif cumulé"]  # fmt: skip
    widths = [16, 11] + [12.0] * len(INDICATORS) + [12, 48]
    sh = book.sheet("Flux BRSA", widths, header_row=4)
    rows = sum(len(s.months) for s in data.series.values())
    sh.title(
        "Flux BRSA par bassin et par mois",
        "Chiffres agrégés saisis ou importés dans l'application (aucune donnée personnelle) ; "
        "définitions dans la feuille Indicateurs. Entrants : un mois sous la moyenne visée n'est pas un "
        "échec, la cible se juge sur le cumul (▼ : cumul sous l'objectif cumulé)",
    )
    sh.header(headers, filter_rows=rows)
    if not rows:
        sh.note("Aucune donnée mensuelle dans cet état.")
        return
    for s in data.series.values():
        for m in s.months:
            t = entrants_target(data.targets, s.bassin.id, m)
            a = assess(data, s, m, "entrants")
            sh.append(
                [sh.cell(s.bassin.name), sh.cell(m, fmt=FMT_MONTH)]
                + [sh.cell(s.value(m, i.code), fmt=_fmt(i.unit)) for i in INDICATORS]
                + [
                    sh.cell(None if t is None else t.value, fmt=FMT_INT),
                    sh.cell(
                        None if a is None else ("✔ " if a.ok else "▼ ") + a.text,
                        color=None if a is None else (OK if a.ok else ALERT),
                        wrap=True,
                    ),
                ]
            )


#: bassin, mois, organisme, ARSA suivis, portefeuilles ou ETP, charge par référent, plafond, moyens à confirmer
LoadRow = tuple[str, date, str, float, float | None, float | None, float | None, str]


def _load_rows(data: FlowsData) -> list[LoadRow]:
    rows: list[LoadRow] = []
    for s in data.series.values():
        for m in s.months:
            for org, code in (("FT", "suivis_ft"), ("CD", "suivis_cd")):
                followed = s.value(m, code)
                if followed is None:
                    continue
                p = portfolio_for(data.portfolios, s.bassin.id, org, m)
                cap = target_for(data.targets, "charge_referent", s.bassin.id, m, "max")
                rows.append((s.bassin.name, m, org, followed, None if p is None else p.number,
                             load_per_referent(s, data.portfolios, m, org), None if cap is None else cap.value,
                             "" if p is None else p.doubt))  # fmt: skip
    return rows


def write_portfolios(book: Book, pack: PackData) -> None:
    data = from_state(pack.state)
    sh = book.sheet("Portefeuilles", [16, 26, 16, 12, 14, 14, 14, 48])
    sh.title(
        "Portefeuilles et charge par référent",
        "Moyens par bassin (situation de la feuille de route) ; charge = ARSA suivis ÷ portefeuilles ou ETP",
    )
    sh.header(["Bassin", "Organisme", "Unité", "Nombre", "Plafond / référent", "En vigueur depuis", "",
               "À confirmer (documents contradictoires)"])  # fmt: skip
    names = {b.id: b.name for b in data.bassins}
    for p in sorted(
        data.portfolios, key=lambda p: (names.get(p.bassin_id, ""), p.organisme, p.effective_from)
    ):
        sh.append([
            sh.cell(names.get(p.bassin_id, "?")),
            sh.cell("France Travail" if p.organisme == "FT" else "Délégués du Département"),
            sh.cell(p.unit), sh.cell(p.number, fmt=FMT_DEC1), sh.cell(p.capacity, fmt=FMT_INT),
            sh.cell(p.effective_from), sh.cell(None),
            sh.cell(f"⚠ {p.doubt}" if p.doubt else None, color=ALERT if p.doubt else None, wrap=True),
        ])  # fmt: skip
    sh.append([])
    sh.append([sh.cell("Charge par référent, mois par mois", bold=True, size=12)])
    rows = _load_rows(data)
    sh.header(["Bassin", "Mois", "Organisme", "ARSA suivis", "Portefeuilles / ETP", "Charge par référent",
               "Plafond", "Alerte"])  # fmt: skip
    if not rows:
        sh.note("Aucun nombre d'ARSA suivis saisi : la charge ne peut pas être calculée.")
        return
    for bassin, m, org, followed, number, load, cap, doubt in rows:
        over = load is not None and cap is not None and load > cap
        alerts = [f"⚠ au-delà de {cap:g} ARSA par référent"] if over and cap is not None else []
        if doubt:
            alerts.append(f"{'ETP' if org == 'CD' else 'portefeuilles'} à confirmer")
        sh.append([
            sh.cell(bassin), sh.cell(m, fmt=FMT_MONTH),
            sh.cell("France Travail" if org == "FT" else "Délégués du Département"),
            sh.cell(followed, fmt=FMT_INT), sh.cell(number, fmt=FMT_DEC1),
            sh.cell(None if load is None else round(load, 1), fmt=FMT_DEC1, bold=over, color=ALERT if over else None),
            sh.cell(cap, fmt=FMT_INT),
            sh.cell(" ; ".join(alerts) or None, color=ALERT if alerts else None, wrap=True),
        ])  # fmt: skip


RECENT_HEADERS = ["Bassin", "Mois", "Entrants", "Moy. visée", "Orientés", "≤ 15 jours", "vers FT", "Charge FT",
                  "Charge CD"]  # fmt: skip


def recent_rows(pack: PackData, months: int = 3) -> list[list[str]]:
    """Les derniers mois saisis de chaque bassin, en texte (page « Flux BRSA » du pack PDF)."""
    data = from_state(pack.state)

    def n(v: float | None, suffix: str = "") -> str:
        return "—" if v is None else format_number(v) + suffix

    def share(part: float | None, total: float | None) -> str:
        return "—" if part is None or not total else f"{100 * part / total:.0f} %"

    def charge(load: float | None, cap: float | None) -> str:
        return n(load) + (" ⚠" if load is not None and cap is not None and load > cap else "")

    out = []
    for s in data.series.values():
        for m in s.months[-months:]:
            t = entrants_target(data.targets, s.bassin.id, m)
            c = target_for(data.targets, "charge_referent", s.bassin.id, m, "max")
            cap = None if c is None else c.value
            value = s.value(m, "entrants")
            gap = "" if value is None or t is None else f" ({signed(value - t.value)})"
            a = assess(data, s, m, "entrants")
            mark = "" if a is None or a.ok else " ▼"
            cd = load_per_referent(s, data.portfolios, m, "CD")
            cd_doubt = (
                " (ETP à confirmer)"
                if cd is not None and doubt_for(data.portfolios, s.bassin.id, "CD", m)
                else ""
            )
            out.append([s.bassin.name, f"{m:%m/%Y}", n(value) + gap + mark, n(None if t is None else t.value),
                        n(s.value(m, "orientes")), share(s.value(m, "orientes_15j"), s.value(m, "orientes")),
                        share(s.value(m, "orientes_ft"), s.value(m, "orientes")),
                        charge(load_per_referent(s, data.portfolios, m, "FT"), cap),
                        charge(cd, cap) + cd_doubt])  # fmt: skip
    return out
