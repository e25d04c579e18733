"""Bilan au format PDF (A4 paysage), moteur ``export.pdf`` : aucun import de Qt.

Même contenu que le classeur : synthèse, tableau de l'annexe 3 par volet, consommation par
ligne (graphique et tableau), versements, alertes ; bilan de mise en œuvre (décomptes par axe,
puis chaque cible et action avec son statut par bassin, son échéance et ses commentaires).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from roadmap_app.core.dates import format_date
from roadmap_app.core.formatting import format_euros
from roadmap_app.core.progress import Progress
from roadmap_app.export.pdf import MUTED, Col, PdfDocument, Row
from roadmap_app.finance import annexe3
from roadmap_app.finance.bilan import (
    AnnexeRow,
    BilanData,
    annexe3_rows,
    notes_text,
    status_text,
    total_count,
)
from roadmap_app.finance.money import format_quantity
from roadmap_app.finance.read import VoletFinance, payment_kind_label
from roadmap_app.plan import statuses as status_rules


def _pct(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.1f} %".replace(".", ",")


def _eur(cents: int | None) -> str:
    return format_euros(cents) if cents is not None else "—"


def _synthese(doc: PdfDocument, data: BilanData) -> None:
    doc.page_break()
    doc.heading("Bilan de la convention départementale pour l'insertion et l'emploi")
    doc.paragraph(
        f"Département du Pas-de-Calais – {data.title}. Édité le {format_date(data.generated_on)} "
        f"par {data.author}.",
        size=10,
        italic=True,
    )
    doc.space()
    doc.heading("Échéances", 2)
    doc.table(
        [Col("Échéance", 6), Col("Date", 1.4, "center"), Col("Jours restants", 2, "right")],
        [Row([d.label, format_date(d.date), d.remaining_text()]) for d in data.deadlines],
        size=8.5,
    )
    doc.heading("Bilan financier par volet", 2)
    cols = [
        Col("Volet", 1.1),
        Col("Plafond", 1.4, "right"),
        Col("Plan de financement", 1.4, "right"),
        Col("Dépenses déclarées", 1.4, "right"),
        Col("Dépenses retenues", 1.4, "right"),
        Col("Taux", 0.8, "right"),
        Col("Avance attendue", 1.9, "right"),
        Col("Versements nets reçus", 1.4, "right"),
        Col("Solde dû (+) / trop-perçu (−)", 1.6, "right"),
    ]
    rows = []
    for vf in data.volets:
        sm = vf.summary
        rows.append(
            Row(
                [
                    vf.volet.title,
                    _eur(vf.volet.plafond_cents),
                    _eur(vf.plan_total_cents),
                    _eur(vf.spent_cents),
                    _eur(sm.retained_cents),
                    _pct(vf.rate_pct),
                    f"{_eur(sm.advance_expected_cents)} ({sm.advance_rate_pct} %)",
                    _eur(sm.received_net_cents),
                    _eur(sm.balance_cents),
                ]
            )
        )
    doc.table(cols, rows, size=8)
    doc.paragraph(
        "Dépenses retenues : dépenses du volet rattachées à ses propres lignes (hors lignes « Pour "
        "info »), dans la limite du plafond ; les crédits ne sont pas fongibles entre volets. "
        "Solde = dépenses retenues − versements nets reçus de l'État.",
        size=8,
        color=MUTED,
    )
    payments = [(vf, p) for vf in data.volets for p in vf.payments]
    doc.heading("Versements de l'État", 2)
    if payments:
        doc.table(
            [Col("Volet", 1), Col("Nature", 2.4), Col("Date", 1.2, "center"),
             Col("Montant", 1.6, "right"), Col("Référence", 2.4), Col("Note", 3.4)],
            [
                Row([vf.volet.title, payment_kind_label(p.kind, vf.volet.advance_rate_pct),
                     format_date(p.date),
                     _eur(-p.amount_cents if p.kind == "remboursement" else p.amount_cents),
                     p.reference, p.note])
                for vf, p in payments
            ],
            size=8,
        )  # fmt: skip
    else:
        doc.paragraph("Aucun versement enregistré.", italic=True)
    doc.heading("Alertes", 2)
    flags = [(vf.volet.title, f) for vf in data.volets for f in vf.all_flags()]
    if flags:
        doc.table(
            [Col("Volet", 1), Col("Gravité", 1.2), Col("Alerte", 10)],
            [Row([t, f"{f.symbol} {f.severity}", f.message], "alert" if f.severity == "erreur" else "") for t, f in flags],
            size=8,
        )  # fmt: skip
    else:
        doc.paragraph(
            "Aucune alerte : dépenses dans les montants prévus, crédits non mélangés entre volets.",
            size=9,
            italic=True,
        )


def _annexe_row(r: AnnexeRow) -> Row | None:
    if r.kind == "group":
        return Row([r.label], "band", bold=True, span=True)
    if r.kind == "columns":
        return Row(list(annexe3.COLUMNS), "head", bold=True)
    if r.kind == "heading":
        return Row([r.label], "sub", bold=True, italic=True, span=True)
    if r.kind == "subgroup":
        return Row([r.label, "", "", "", "", "", _eur(r.amount_cents)], "sub", bold=True)
    if r.kind == "empty":
        return Row([r.label], italic=True, span=True)
    if r.kind == "expense":
        e = r.expense
        assert e is not None
        return Row(
            [
                e.nature,
                e.unite,
                format_quantity(e.units_milli),
                "" if e.unit_cost_cents is None else format_euros(e.unit_cost_cents),
                e.period.display(),
                e.objet,
                format_euros(e.montant_cents),
            ]
        )
    if r.kind == "group_total":
        return Row([r.label, "", "", "", "", "", _eur(r.amount_cents)], "total", bold=True)
    if r.kind == "volet_total":
        return Row([r.label, "", "", "", "", "", _eur(r.amount_cents)], "group", bold=True)
    return None


def _volet(doc: PdfDocument, vf: VoletFinance) -> None:
    from roadmap_app.finance.charts import consumption_figure

    doc.page_break()
    doc.heading(annexe3.TITLE)
    doc.heading(f"VOLET {vf.volet.number}", 2)
    cols = [
        Col("Nature de la dépense", 3.2),
        Col("Unité", 1),
        Col("Nombre d'unités", 1, "right"),
        Col("coût unitaire", 1.3, "right"),
        Col("Date ou période", 1.8),
        Col("Objet de la dépense", 3.2),
        Col("Montant", 1.4, "right"),
    ]
    rows = [row for r in annexe3_rows(vf) if (row := _annexe_row(r)) is not None]
    # Le tableau de l'annexe 3 porte ses en-têtes sous chaque groupe : l'en-tête général n'est
    # répété qu'en haut des pages suivantes.
    doc.table(cols, rows, size=7.5, show_header=False)

    doc.page_break()
    doc.heading(f"{vf.volet.title} – consommation par ligne du plan de financement (annexe 2)", 2)
    doc.chart(consumption_figure(vf, width=11, title=False))
    lrows: list[Row] = []
    for section in vf.sections:
        lrows.append(Row([section.title], "group", bold=True, span=True))
        spent_section = 0
        for ln in section.lines:
            lc = vf.line(ln.id)
            if not ln.informative:
                spent_section += lc.spent_cents
            lrows.append(
                Row(
                    [
                        ln.label,
                        ln.existant,
                        ln.cible,
                        ln.delta,
                        _eur(ln.montant_cents),
                        format_euros(lc.spent_cents),
                        _eur(lc.remaining_cents),
                        _pct(lc.rate_pct),
                        "\n".join(f.text() for f in lc.flags),
                    ],
                    "alert" if lc.flags else "",
                )
            )
        lrows.append(
            Row([f"Total {section.title}", "", "", "", _eur(section.total_cents),
                 format_euros(spent_section), "", "", ""], "sub", bold=True)
        )  # fmt: skip
    sm = vf.summary
    lrows.append(
        Row([f"TOTAL {vf.volet.title.upper()}", "", "", "", _eur(vf.plan_total_cents),
             format_euros(vf.spent_cents), _eur(vf.plan_total_cents - vf.spent_cents), "", ""],
            "total", bold=True)
    )  # fmt: skip
    lrows.append(
        Row(["Plafond / dépenses retenues", "", "", "", _eur(vf.volet.plafond_cents),
             format_euros(sm.eligible_cents), _eur(sm.plafond_cents - sm.eligible_cents),
             _pct(vf.rate_pct), ""], "group", bold=True)
    )  # fmt: skip
    doc.table(
        [Col("Ligne (objet — précisions)", 4), Col("Existant", 1.6), Col("Cible", 1.6),
         Col("Delta", 1.6), Col("Prévu", 1.3, "right"), Col("Dépensé", 1.3, "right"),
         Col("Reste", 1.3, "right"), Col("Taux", 0.8, "right"), Col("Alertes", 3.2)],
        lrows,
        size=7,
    )  # fmt: skip


def _mise_en_oeuvre(doc: PdfDocument, data: BilanData) -> None:
    doc.page_break()
    doc.heading(f"Bilan de mise en œuvre du plan d'actions – {data.plan.roadmap.name}")
    statuses = list(status_rules.ORDERED)
    rows = [
        Row([f"{c.code} – {c.title}" if c.code else c.title, str(c.cibles), str(c.actions),
             *(str(c.by_status.get(s.value, 0)) for s in statuses), str(c.overdue)],
            "" if c.code else "total", bold=not c.code)
        for c in [*data.counts, total_count(data.counts)]
    ]  # fmt: skip
    doc.table(
        [Col("Axe", 4), Col("Cibles", 0.8, "right"), Col("Actions", 0.8, "right"),
         *(Col(f"{status_rules.info(s).symbol} {status_rules.label(s)}", 1.2, "right") for s in statuses),
         Col("En retard", 0.9, "right")],
        rows,
        size=8,
    )  # fmt: skip
    doc.paragraph(
        "Décomptes en cellules « action × bassin ». En retard : fin d'échéance dépassée au "
        f"{format_date(data.generated_on)} sans être réalisée ni abandonnée.",
        size=8,
        color=MUTED,
    )
    bassins = data.plan.bassins
    cols = [
        Col("Code", 0.8),
        Col("Action", 3.0),
        Col("Échéance", 1.3),
        *(Col(b.name, 1.35) for b in bassins),
        Col("Commentaires et notes", 4.6),
    ]
    for axe in data.axes:
        doc.heading(f"{axe.code} – {axe.title}", 2)
        rows = []
        for cible in axe.cibles:
            rows.append(Row([f"{cible.code} – {cible.title}"], "group", bold=True, span=True))
            for a in cible.actions:
                ech = a.echeance.label
                if a.echeance.end is not None and a.echeance.label:
                    ech += f"\n(fin {format_date(a.echeance.end)})"
                suivi = data.indicators_text(a.id)
                comments = "\n".join(x for x in (a.commentaires, notes_text(a, data.plan),
                                                  f"Indicateurs de suivi : {suivi}" if suivi else "") if x)  # fmt: skip
                rows.append(
                    Row(
                        [
                            a.code,
                            a.intitule,
                            ech,
                            *(status_text(a, b.id) for b in bassins),
                            comments,
                        ]
                    )
                )
        doc.table(cols, rows, size=7)


def write_bilan_pdf(data: BilanData, dest: Path, progress: Progress | None = None) -> int:
    """Écrit le PDF ; renvoie le nombre de pages."""
    doc = PdfDocument(
        f"{data.title} – Pas-de-Calais",
        footer=f"{data.title} – Département du Pas-de-Calais – édité le {format_date(data.generated_on)}",
        author=data.author,
    )
    total = len(data.volets) + 3
    step = 0

    def tick(message: str) -> None:
        nonlocal step
        if progress:
            progress(step, total, message)
        step += 1

    tick("Synthèse…")
    _synthese(doc, data)
    for vf in data.volets:
        tick(f"{vf.volet.title}…")
        _volet(doc, vf)
    tick("Bilan de mise en œuvre…")
    _mise_en_oeuvre(doc, data)
    tick("Enregistrement du PDF…")
    pages = doc.save(dest)
    if progress:
        progress(total, total, "PDF enregistré.")
    return pages
