"""Pack de comité en PDF : couverture, synthèse par bassin, graphiques, retards et échéances,
changements depuis le comité précédent, feuille de route complète."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from roadmap_app.committees.flux_sheets import RECENT_HEADERS, recent_rows
from roadmap_app.committees.pack_model import UPCOMING_DAYS, PackData
from roadmap_app.committees.section_change import show_value
from roadmap_app.export.cells import format_euros
from roadmap_app.export.pdf import PdfReport
from roadmap_app.plan import statuses as status_rules

Progress = Callable[[str, int, int], None]
LATE = "#B42318"


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",").removesuffix(",0")
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


def write_pack_pdf(
    data: PackData, destination: str | Path, progress: Progress | None = None
) -> Path:
    info = data.info
    steps = 6
    with PdfReport(destination, f"{info.title} — {info.committee} du {info.date:%d/%m/%Y}") as pdf:
        if progress:
            progress("Couverture", 1, steps)
        pdf.cover(
            info.title,
            f"{info.committee} du {info.date:%d/%m/%Y}",
            [
                data.plan["roadmap"]["name"],
                info.source,
                f"Bassins : {', '.join(b['name'] for b in data.bassins)}",
                f"Retards calculés au {data.today:%d/%m/%Y}",
                "Document produit par roadmap-app à partir des données enregistrées ; aucune donnée personnelle.",
            ],
        )

        if progress:
            progress("Synthèse", 2, steps)
        pdf.new_page()
        pdf.heading("Synthèse par bassin")
        statuses = list(status_rules.ORDERED)
        headers = (
            ["Bassin", "Entrants 2023", "Moy. visée / mois"]
            + [status_rules.label(s) for s in statuses]
            + ["En retard"]
        )
        rows: list[list[str]] = []
        styles: list[dict[str, object] | None] = []
        for b in data.bassins:
            counts = data.status_counts(b["code"])
            flux = data.figure(b["code"], "brsa_entrants_flux")
            target = data.figure(b["code"], "cible_mensuelle_entrants")
            rows.append(
                [
                    b["name"],
                    _fmt(None if flux is None else int(flux["value"])),
                    _fmt(None if target is None else int(target["value"])),
                ]
                + [_fmt(counts[s.value]) for s in statuses]
                + [_fmt(counts["en_retard"])]
            )
            styles.append(None)
        pdf.table(
            headers, rows, [2.2, 1.3, 1.2] + [1.1] * len(statuses) + [1.1], size=9, styles=styles
        )
        pdf.paragraph(
            "Statuts : nombre d'actions par statut dans chaque bassin. En retard : échéance dépassée "
            "(fin de la période écrite) et action ni réalisée ni abandonnée dans le bassin."
        )
        dates = data.state.get("reference", {}).get("key_dates", [])
        if dates:
            pdf.heading("Dates clés de la convention", 12)
            from datetime import date

            pdf.table(
                ["Date", "Événement"],
                [
                    [
                        f"{date.fromisoformat(k['date']):%d/%m/%Y}"
                        + (
                            f" → {date.fromisoformat(k['end_date']):%d/%m/%Y}"
                            if k.get("end_date")
                            else ""
                        ),
                        k["label"],
                    ]
                    for k in dates
                ],
                [1.5, 6],
                size=9,
            )
        volets = data.state.get("financement", {}).get("volets", [])
        if volets:
            pdf.heading("Plan de financement", 12)
            pdf.table(
                ["Volet", "Total du plan", "Plafond"],
                [
                    [
                        v["label"],
                        format_euros(sum(ln["montant_cents"] or 0 for ln in v["lines"])),
                        format_euros(v.get("plafond_cents")),
                    ]
                    for v in volets
                ],
                [6, 1.5, 1.5],
                size=9,
            )

        if progress:
            progress("Graphiques", 3, steps)
        recent = recent_rows(data)
        if recent:
            pdf.new_page()
            pdf.heading("Flux BRSA — derniers mois saisis")
            pdf.table(RECENT_HEADERS, recent, [2.2, 1.1, 1.2, 1.0, 1.1, 1.2, 1.0, 1.2, 1.2], size=9)
            pdf.paragraph(
                "Entrants : (±N) écart du mois à la moyenne mensuelle visée (un mois sous la moyenne n'est pas un "
                "échec) ; ▼ : entrants cumulés sous l'objectif cumulé. Charge : ARSA suivis ÷ portefeuilles "
                "France Travail ou ETP de délégués du Département ; ⚠ : au-delà du plafond (70). Le détail mois par mois "
                "figure dans le classeur du pack (feuilles Flux BRSA et Portefeuilles)."
            )
        for title, charts in _chart_pages(data.charts):
            if len(charts) == 1:
                pdf.image(charts[0][0], charts[0][1])
            else:
                pdf.image_pair(title, charts)

        if progress:
            progress("Retards et échéances", 4, steps)
        pdf.new_page()
        pdf.heading("Actions en retard")
        late = data.overdue()
        if late:
            names = {b["code"]: b["name"] for b in data.bassins}
            pdf.table(
                ["Code", "Action", "Échéance", "Bassins en retard", "Pilotes"],
                [
                    [
                        a.code,
                        a.data["intitule"],
                        a.data["echeance"]["label"],
                        ", ".join(names[b] for b in bassins),
                        a.data["pilotes_label"],
                    ]
                    for a, bassins in late
                ],
                [0.9, 5, 1.4, 2.2, 1.8],
                styles=[
                    {"color": "#101828"} if i % 2 == 0 else {"bg": "#F2F4F7"}
                    for i in range(len(late))
                ],
            )
        else:
            pdf.paragraph("Aucune action en retard.")
        pdf.heading(f"Échéances des {UPCOMING_DAYS} prochains jours")
        upcoming = data.upcoming()
        if upcoming:
            pdf.table(
                ["Code", "Action", "Échéance", "Date", "Pilotes"],
                [
                    [
                        a.code,
                        a.data["intitule"],
                        a.data["echeance"]["label"],
                        f"{a.echeance_end:%d/%m/%Y}",
                        a.data["pilotes_label"],
                    ]
                    for a in upcoming
                ],
                [0.9, 5.4, 1.4, 1.1, 1.8],
            )
        else:
            pdf.paragraph(f"Aucune échéance dans les {UPCOMING_DAYS} prochains jours.")

        if progress:
            progress("Changements", 5, steps)
        pdf.heading("Changements depuis le comité précédent")
        diff = data.diff
        if diff is None:
            pdf.paragraph(
                "Aucun instantané antérieur : pas de comparaison possible.", color="#667085"
            )
        elif diff.is_empty():
            pdf.paragraph(f"Aucun changement depuis « {diff.before} ».")
        else:
            pdf.paragraph(f"De « {diff.before} » à « {diff.after} ».", color="#667085")
            names = {b["code"]: b["name"] for b in data.bassins}
            rows = [
                [diff.title(c.code), names.get(c.bassin, c.bassin), c.label, c.describe()]
                for c in diff.cells
            ]
            rows += [
                [
                    diff.title(s.code),
                    "",
                    "Échéance",
                    f"{s.old_label} → {s.new_label} ({'' if s.days is None else f'{s.days:+d} j'})",
                ]
                for s in diff.slips
            ]
            rows += [
                [
                    diff.title(o.code),
                    names.get(o.bassin, o.bassin),
                    "Retard",
                    f"devenue en retard (échéance {o.echeance})",
                ]
                for o in diff.newly_overdue
            ]
            rows += [[a.code, "", "Ajout", a.intitule] for a in diff.added]
            rows += [[a.code, "", "Retrait", a.intitule] for a in diff.removed]
            rows += [
                [diff.title(f.code), "", f.label, "modifié"]
                for f in diff.fields
                if f.field != "echeance"
            ]
            rows += [
                [
                    "",
                    names.get(s.bassin or "", ""),
                    s.section,
                    f"{s.label} : {show_value(s.key, s.old)} → {show_value(s.key, s.new)} {s.comment}".strip(),
                ]
                for s in diff.sections
            ]
            # l'action par son code et son intitulé (ajouts et retraits : l'intitulé est le changement)
            pdf.table(["Action", "Bassin", "Nature", "Changement"], rows, [3.2, 1.3, 1.3, 4.9])

        if progress:
            progress("Feuille de route", 6, steps)
        pdf.new_page()
        pdf.heading("Feuille de route complète")
        bassins = data.bassins
        headers = ["Code", "Action", "Échéance", "Pilotes"] + [b["name"] for b in bassins]
        for axe in data.plan["axes"]:
            pdf.heading(f"{axe['code']} – {axe['title']}", 12)
            rows = []
            styles = []
            for cible in axe["cibles"]:
                rows.append(
                    [cible["code"], cible["title"].replace("\n", " "), "", ""] + [""] * len(bassins)
                )
                styles.append({"bold": True, "bg": "#DCE6F2"})
                for a in cible["actions"]:
                    cells = []
                    for b in bassins:
                        c = a["statuses"].get(b["code"])
                        if c is None:
                            cells.append("non concerné")
                        else:
                            cells.append(
                                status_rules.info(c["status"]).symbol
                                + " "
                                + status_rules.label(c["status"])
                                + (" — en retard" if c["overdue"] else "")
                            )
                    rows.append(
                        [
                            a["code"],
                            a["intitule"],
                            a["echeance"]["label"] or "—",
                            a["pilotes_label"] or "—",
                            *cells,
                        ]
                    )
                    styles.append(None)
            pdf.table(
                headers, rows, [0.9, 4.2, 1.3, 1.4] + [1.5] * len(bassins), size=7.5, styles=styles
            )
    return Path(destination)


def _chart_pages(charts: list[tuple[str, bytes]]) -> list[tuple[str, list[tuple[str, bytes]]]]:
    """Graphiques d'un même sujet (« Lensois — … ») réunis deux par page."""
    pages: list[tuple[str, list[tuple[str, bytes]]]] = []
    for title, png in charts:
        subject, _sep, rest = title.partition(" — ")
        last = pages[-1] if pages else None
        if rest and last is not None and last[0] == subject and len(last[1]) < 2:
            last[1].append((rest, png))
        else:
            pages.append((subject if rest else title, [(rest or title, png)]))
    return [(s, items if len(items) > 1 else [(s if s == t else f"{s} — {t}", p) for t, p in items])
            for s, items in pages]  # fmt: skip
