"""Pack de comité en PDF : couverture, synthèse par bassin, graphiques, retards et échéances,
changements depuis le comité précédent, feuille de route complète (moteur ``export.pdf``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from roadmap_app.committees.flows_sheets import RECENT_HEADERS, recent_rows
from roadmap_app.committees.pack_model import UPCOMING_DAYS, PackData
from roadmap_app.committees.section_change import section_title, show_value
from roadmap_app.core.bulk import scratch_garbage
from roadmap_app.core.formatting import format_euros, format_number
from roadmap_app.core.progress import Progress
from roadmap_app.export.charts import Chart
from roadmap_app.export.pdf import MUTED, Col, PdfDocument, Row
from roadmap_app.plan import statuses as status_rules


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return format_number(value, 1).removesuffix(",0")
    if isinstance(value, int):
        return format_number(value)
    return str(value)


def _cols(titles: list[str], widths: list[float], right: int = 99) -> list[Col]:
    """Colonnes ; à partir de l'indice ``right``, alignées à droite (nombres)."""
    return [Col(t, w, "right" if i >= right else "left")
            for i, (t, w) in enumerate(zip(titles, widths, strict=True))]  # fmt: skip


def write_pack_pdf(
    data: PackData, destination: str | Path, progress: Progress | None = None
) -> Path:
    info = data.info
    steps = 6
    when = f"{info.committee} du {info.date:%d/%m/%Y}"
    doc = PdfDocument(f"{info.title} — {when}", footer=f"{info.title} — {when} — {info.source}")
    names = data.bassin_names
    if progress:
        progress(1, steps, "Couverture…")
    doc.cover(
        info.title,
        when,
        [
            data.plan["roadmap"]["name"],
            info.source,
            f"Bassins : {', '.join(b['name'] for b in data.bassins)}",
            f"Retards calculés au {data.today:%d/%m/%Y}",
            "Document produit par roadmap-app à partir des données enregistrées ; aucune donnée personnelle.",
        ],
    )

    if progress:
        progress(2, steps, "Synthèse…")
    doc.page_break()
    doc.heading("Synthèse par bassin")
    statuses = list(status_rules.ORDERED)
    headers = (
        ["Bassin", "Entrants 2023", "Moy. visée / mois"]
        + [status_rules.label(s) for s in statuses]
        + ["En retard"]
    )
    rows: list[Row] = []
    for b in data.bassins:
        counts = data.status_counts(b["code"])
        flux = data.figure(b["code"], "brsa_entrants_flux")
        target = data.figure(b["code"], "cible_mensuelle_entrants")
        rows.append(Row(
            [b["name"], _fmt(None if flux is None else int(flux["value"])),
             _fmt(None if target is None else int(target["value"]))]
            + [_fmt(counts[s.value]) for s in statuses] + [_fmt(counts["en_retard"])]
        ))  # fmt: skip
    doc.table(_cols(headers, [2.2, 1.3, 1.2] + [1.1] * len(statuses) + [1.1], right=1), rows,
              size=9, zebra=True)  # fmt: skip
    doc.paragraph(
        "Statuts : nombre d'actions par statut dans chaque bassin. En retard : échéance dépassée "
        "(fin de la période écrite) et action ni réalisée ni abandonnée dans le bassin.",
        size=8.5,
        color=MUTED,
    )
    dates = data.state.get("reference", {}).get("key_dates", [])
    if dates:
        doc.heading("Dates clés de la convention", 2)
        doc.table(
            [Col("Date", 1.5), Col("Événement", 6)],
            [Row([f"{date.fromisoformat(k['date']):%d/%m/%Y}"
                  + (f" → {date.fromisoformat(k['end_date']):%d/%m/%Y}" if k.get("end_date") else ""),
                  k["label"]]) for k in dates],
            size=9, zebra=True,
        )  # fmt: skip
    volets = data.state.get("financement", {}).get("volets", [])
    if volets:
        doc.heading("Plan de financement", 2)
        doc.table(
            [Col("Volet", 6), Col("Total du plan", 1.5, "right"), Col("Plafond", 1.5, "right")],
            [Row([v["label"], format_euros(sum(ln["montant_cents"] or 0 for ln in v["lines"])),
                  format_euros(v.get("plafond_cents"))]) for v in volets],
            size=9, zebra=True,
        )  # fmt: skip

    if progress:
        progress(3, steps, "Graphiques…")
    recent = recent_rows(data)
    if recent:
        doc.page_break()
        doc.heading("Flux BRSA — derniers mois saisis")
        doc.table(_cols(RECENT_HEADERS, [2.2, 1.1, 1.6, 1.0, 1.1, 1.2, 1.0, 1.2, 1.7], right=2),
                  [Row(r) for r in recent], size=9, zebra=True)  # fmt: skip
        doc.paragraph(
            "Entrants : (±N) écart du mois à la moyenne mensuelle visée (un mois sous la moyenne n'est pas un "
            "échec) ; ▼ : entrants cumulés sous l'objectif cumulé. Charge : ARSA suivis ÷ portefeuilles "
            "France Travail ou ETP de délégués du Département ; ⚠ : au-delà du plafond (70). Le détail mois par mois "
            "figure dans le classeur du pack (feuilles Flux BRSA et Portefeuilles).",
            size=8.5,
            color=MUTED,
        )
    with scratch_garbage() as sweep:  # chaque figure libérée avant de tracer la suivante
        for title, charts in chart_pages(data.charts):
            doc.chart_page(title, [c.draw() for c in charts])
            sweep()

    if progress:
        progress(4, steps, "Retards et échéances…")
    doc.page_break()
    doc.heading("Actions en retard")
    late = data.overdue()
    if late:
        doc.table(
            [Col("Code", 0.9), Col("Action", 5), Col("Échéance", 1.4), Col("Bassins en retard", 2.2),
             Col("Pilotes", 1.8)],
            [Row([a.code, a.data["intitule"], a.data["echeance"]["label"],
                  ", ".join(names[b] for b in bassins), a.data["pilotes_label"]])
             for a, bassins in late],
            zebra=True,
        )  # fmt: skip
    else:
        doc.paragraph("Aucune action en retard.")
    doc.heading(f"Échéances des {UPCOMING_DAYS} prochains jours")
    upcoming = data.upcoming()
    if upcoming:
        doc.table(
            [Col("Code", 0.9), Col("Action", 5.4), Col("Échéance", 1.4), Col("Date", 1.1),
             Col("Pilotes", 1.8)],
            [Row([a.code, a.data["intitule"], a.data["echeance"]["label"],
                  f"{a.echeance_end:%d/%m/%Y}", a.data["pilotes_label"]]) for a in upcoming],
            zebra=True,
        )  # fmt: skip
    else:
        doc.paragraph(f"Aucune échéance dans les {UPCOMING_DAYS} prochains jours.")

    if progress:
        progress(5, steps, "Changements…")
    doc.heading("Changements depuis le comité précédent")
    diff = data.diff
    if diff is None:
        doc.paragraph("Aucun instantané antérieur : pas de comparaison possible.", color=MUTED)
    elif diff.is_empty():
        doc.paragraph(f"Aucun changement depuis « {diff.before} ».")
    else:
        doc.paragraph(f"De « {diff.before} » à « {diff.after} ».", color=MUTED)
        changes = [
            [diff.title(c.code), names.get(c.bassin, c.bassin), c.label, c.describe()]
            for c in diff.cells
        ]
        changes += [
            [diff.title(s.code), "", "Échéance",
             f"{s.old_label} → {s.new_label} ({'' if s.days is None else f'{s.days:+d} j'})"]
            for s in diff.slips
        ]  # fmt: skip
        changes += [
            [diff.title(o.code), names.get(o.bassin, o.bassin), "Retard",
             f"devenue en retard (échéance {o.echeance})"]
            for o in diff.newly_overdue
        ]  # fmt: skip
        changes += [[a.code, "", "Ajout", a.intitule] for a in diff.added]
        changes += [[a.code, "", "Retrait", a.intitule] for a in diff.removed]
        changes += [
            [diff.title(f.code), "", f.label, "modifié"] for f in diff.fields if f.field != "echeance"
        ]
        from roadmap_app.committees.indicators_section import SECTION as INDICATORS
        from roadmap_app.committees.indicators_section import describe

        changes += [
            ["", names.get(s.bassin or "", ""), section_title(s.section),
             describe(s) if s.section == INDICATORS else
             f"{s.label} : {show_value(s.key, s.old)} → {show_value(s.key, s.new)} {s.comment}".strip()]
            for s in diff.sections
        ]  # fmt: skip
        # l'action par son code et son intitulé (ajouts et retraits : l'intitulé est le changement)
        doc.table(
            [Col("Action", 3.2), Col("Bassin", 1.3), Col("Nature", 1.3), Col("Changement", 4.9)],
            [Row(r) for r in changes],
            zebra=True,
        )

    from roadmap_app.committees.indicators_section import PACK_HEADERS, pack_rows

    suivi = pack_rows(data.state)
    if suivi:
        doc.page_break()
        doc.heading("Indicateurs de suivi")
        from roadmap_app.indicators.model import STATUS_INKS, STATUS_MARKS

        # le statut en couleur et en texte, comme dans le classeur (et son signe, comme les statuts
        # des actions : lisible en noir et blanc)
        doc.table([Col(t, w) for t, w in zip(PACK_HEADERS, [1.6, 4.0, 1.4, 1.9, 1.6, 1.9, 1.4], strict=True)],
                  [Row([*r[:-1], f"{STATUS_MARKS.get(r[-1], '')} {r[-1]}".strip()],
                       colors=[None] * (len(r) - 1) + [STATUS_INKS.get(r[-1], MUTED)]) for r in suivi],
                  zebra=True, size=7.5)  # fmt: skip

    if progress:
        progress(6, steps, "Feuille de route…")
    doc.page_break()
    doc.heading("Feuille de route complète")
    bassins = data.bassins
    cols = [Col("Code", 0.9), Col("Action", 4.2), Col("Échéance", 1.3), Col("Pilotes", 1.4)] + [
        Col(b["name"], 1.5) for b in bassins
    ]
    for axe in data.plan["axes"]:
        doc.heading(f"{axe['code']} – {axe['title']}", 2)
        rows = []
        for cible in axe["cibles"]:
            rows.append(Row([f"{cible['code']} – {cible['title']}"], "group", bold=True, span=True))
            for a in cible["actions"]:
                cells = []
                for b in bassins:
                    c = a["statuses"].get(b["code"])
                    if c is None:
                        cells.append("non concerné")
                    else:
                        st = status_rules.info(c["status"])
                        cells.append(f"{st.symbol} {st.label}"
                                     + (" — en retard" if c["overdue"] else ""))  # fmt: skip
                rows.append(Row([a["code"], a["intitule"], a["echeance"]["label"] or "—",
                                 a["pilotes_label"] or "—", *cells]))  # fmt: skip
        doc.table(cols, rows, size=7.5)
    doc.save(destination)
    return Path(destination)


def chart_pages(charts: list[Chart]) -> list[tuple[str, list[Chart]]]:
    """Graphiques d'un même sujet (« Lensois — … ») réunis deux par page ; le titre de la page
    est le sujet, chaque graphique porte son propre titre."""
    pages: list[tuple[str, list[Chart]]] = []
    for chart in charts:
        subject, _sep, rest = chart.title.partition(" — ")
        last = pages[-1] if pages else None
        if rest and last is not None and last[0] == subject and len(last[1]) < 2:
            last[1].append(chart)
        else:
            pages.append((subject if rest else chart.title, [chart]))
    return [(title if len(items) > 1 else items[0].title, items) for title, items in pages]
