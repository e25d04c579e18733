"""Bilan au format classeur (boîte à outils ``export.xlsx`` : jamais d'openpyxl au démarrage).

Feuilles : Synthèse ; « Volet N » (tableau de l'annexe 3) ; Consommation (par ligne du plan de
financement) ; Mise en œuvre (chaque action, statut par bassin) ; Avancement par axe ;
Graphiques. Nombres et dates sont de vrais nombres et de vraies dates (formats français),
chaque texte saisi est neutralisé par la boîte à outils ; le fichier est écrit de façon atomique.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from roadmap_app.core.formatting import format_euros
from roadmap_app.core.progress import Progress
from roadmap_app.export.cells import FMT_DATE, FMT_EUR, FMT_INT, FMT_PCT1, cents_to_euros
from roadmap_app.export.xlsx import GROUP_FILL, HEADER_FILL, SUB_FILL, TOTAL_FILL, Book, Sheet
from roadmap_app.finance import annexe3
from roadmap_app.finance.bilan import (
    AnnexeRow,
    BilanData,
    annexe3_rows,
    notes_text,
    status_text,
    total_count,
)
from roadmap_app.finance.money import milli_to_decimal
from roadmap_app.finance.read import VoletFinance, payment_kind_label
from roadmap_app.plan import statuses as status_rules


def _eur(cents: int | None) -> Decimal | None:
    return cents_to_euros(cents)


def _pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else value / 100


# -- feuilles ---------------------------------------------------------------------------------
def _synthese(book: Book, data: BilanData) -> None:
    sh = book.sheet("Synthèse", [34, 18, 18, 18, 18, 14, 18, 18, 22], max_lines=30)
    sh.title("Bilan de la convention départementale pour l'insertion et l'emploi")
    sh.note(
        f"Département du Pas-de-Calais – {data.title}. Édité le {data.generated_on:%d/%m/%Y} "
        f"par {data.author} à partir de la base {data.store_name}."
    )
    sh.skip()
    sh.title("Échéances", size=12)
    sh.header(["Échéance", "Date", "Jours restants"], light=True)
    for d in data.deadlines:
        sh.values([d.label, d.date, d.days_remaining], {2: FMT_DATE, 3: FMT_INT})
    sh.skip()
    sh.title("Bilan financier par volet", size=12)
    sh.header(
        [
            "Volet",
            "Plafond",
            "Plan de financement",
            "Dépenses déclarées",
            "Dépenses retenues",
            "Taux de consommation",
            "Avance attendue",
            "Versements nets reçus",
            "Solde dû par l'État (+) / trop-perçu (−)",
        ],
        light=True,
    )
    for vf in data.volets:
        sm = vf.summary
        sh.values(
            [
                vf.volet.title,
                _eur(vf.volet.plafond_cents),
                _eur(vf.plan_total_cents),
                _eur(vf.spent_cents),
                _eur(sm.retained_cents),
                _pct(vf.rate_pct),
                _eur(sm.advance_expected_cents),
                _eur(sm.received_net_cents),
                _eur(sm.balance_cents),
            ],
            {
                2: FMT_EUR,
                3: FMT_EUR,
                4: FMT_EUR,
                5: FMT_EUR,
                6: FMT_PCT1,
                7: FMT_EUR,
                8: FMT_EUR,
                9: FMT_EUR,
            },
        )
    sh.note(
        "Dépenses retenues : dépenses du volet rattachées à ses propres lignes (hors lignes « Pour "
        "info »), dans la limite du plafond. Solde = dépenses retenues − versements nets reçus."
    )
    sh.skip()
    sh.title("Versements de l'État", size=12)
    sh.header(["Volet", "Nature", "Date", "Montant", "Référence", "Note"], light=True)
    any_payment = False
    for vf in data.volets:
        for p in vf.payments:
            any_payment = True
            sign = -1 if p.kind == "remboursement" else 1
            sh.values(
                [
                    vf.volet.title,
                    payment_kind_label(p.kind, vf.volet.advance_rate_pct),
                    p.date,
                    _eur(sign * p.amount_cents),
                    p.reference,
                    p.note,
                ],
                {3: FMT_DATE, 4: FMT_EUR},
            )
    if not any_payment:
        sh.note("Aucun versement enregistré.")
    sh.skip()
    sh.title("Alertes", size=12)
    sh.header(["Volet", "Gravité", "Alerte"], light=True)
    flags = [(vf.volet.title, f) for vf in data.volets for f in vf.all_flags()]
    for title, f in flags:
        sh.values([title, f"{f.symbol} {f.severity}", f.message], spans={2: 7})
    if not flags:
        sh.note(
            "Aucune alerte : dépenses dans les montants prévus, crédits non mélangés entre volets."
        )


def _volet_sheet(book: Book, vf: VoletFinance) -> None:
    sh = book.sheet(f"Volet {vf.volet.number}", [44, 14, 12, 16, 24, 44, 18], freeze="A3",
                    print_rows="1:2", zoom=90, max_lines=30)  # fmt: skip
    sh.title(annexe3.TITLE, size=13)
    sh.title(f"VOLET {vf.volet.number}", size=12)
    for r in annexe3_rows(vf):
        _annexe_row(sh, r)


def _annexe_row(sh: Sheet, r: AnnexeRow) -> None:
    money = {4: FMT_EUR, 7: FMT_EUR}
    label_row = [r.label, None, None, None, None, None, _eur(r.amount_cents)]
    if r.kind == "group":
        sh.band(r.label, HEADER_FILL, white=True)
    elif r.kind == "columns":
        sh.header(list(annexe3.COLUMNS), light=True)
    elif r.kind == "heading":
        sh.values([r.label] + [None] * 6, italic=True, bold=True, spans={0: 7})
    elif r.kind == "subgroup":
        sh.values(label_row, money, bold=True, fill=SUB_FILL, spans={0: 6})
    elif r.kind == "empty":
        sh.values([r.label] + [None] * 6, italic=True, spans={0: 7})
    elif r.kind == "expense":
        e = r.expense
        assert e is not None
        day = e.period.single_day
        sh.values(
            [
                e.nature,
                e.unite or None,
                None if e.units_milli is None else milli_to_decimal(e.units_milli),
                _eur(e.unit_cost_cents),
                day if day is not None else (e.period.display() or None),
                e.objet or None,
                _eur(e.montant_cents),
            ],
            {3: "#,##0.###", 4: FMT_EUR, 5: FMT_DATE, 7: FMT_EUR},
        )
    elif r.kind == "group_total":
        sh.values(label_row, money, bold=True, fill=TOTAL_FILL, spans={0: 6})
        sh.skip()
    elif r.kind == "volet_total":
        sh.values(label_row, money, bold=True, fill=GROUP_FILL, spans={0: 6})


def _consommation(book: Book, data: BilanData) -> None:
    sh = book.sheet("Consommation", [9, 30, 28, 44, 18, 18, 18, 17, 17, 17, 11, 50],
                    freeze="A3", print_rows="1:2", max_lines=30)  # fmt: skip
    sh.title("Consommation des crédits par ligne du plan de financement (annexe 2)", size=13)
    sh.header(
        [
            "Volet",
            "Section",
            "Nature de dépenses",
            "Objet / précisions",
            "Ressources existantes",
            "Cible",
            "Delta",
            "Montant prévu",
            "Dépenses",
            "Reste",
            "Taux",
            "Alertes",
        ],
        light=True,
    )
    money = {8: FMT_EUR, 9: FMT_EUR, 10: FMT_EUR, 11: FMT_PCT1}
    for vf in data.volets:
        sh.band(vf.volet.label)
        for section in vf.sections:
            lcs = [vf.line(ln.id) for ln in section.lines]
            for lc in lcs:
                ln = lc.line
                sh.values(
                    [
                        vf.volet.number,
                        ln.section,
                        ln.nature,
                        ln.label,
                        ln.existant or None,
                        ln.cible or None,
                        ln.delta or None,
                        _eur(ln.montant_cents),
                        _eur(lc.spent_cents),
                        _eur(lc.remaining_cents),
                        _pct(lc.rate_pct),
                        "\n".join(f.text() for f in lc.flags) or None,
                    ],
                    money,
                )
            spent = sum(lc.spent_cents for lc in lcs if not lc.line.informative)
            total = section.total_cents
            sh.values(
                [
                    vf.volet.number,
                    f"Total {section.title}",
                    None,
                    None,
                    None,
                    None,
                    None,
                    _eur(total),
                    _eur(spent),
                    None if total is None else _eur(total - spent),
                    None,
                    None,
                ],
                money,
                bold=True,
                fill=SUB_FILL,
                spans={1: 6},
            )
        sm = vf.summary
        sh.values(
            [vf.volet.number, f"TOTAL {vf.volet.title.upper()}", None, None, None, None, None,
             _eur(vf.plan_total_cents), _eur(vf.spent_cents), _eur(vf.plan_total_cents - vf.spent_cents),
             None, None],
            money, bold=True, fill=TOTAL_FILL, spans={1: 6},
        )  # fmt: skip
        sh.values(
            [vf.volet.number, "Plafond de la convention", None, None, None, None, None,
             _eur(vf.volet.plafond_cents), _eur(sm.eligible_cents), _eur(sm.plafond_cents - sm.eligible_cents),
             _pct(vf.rate_pct), "Dépenses retenues (hors « Pour info » et hors autres volets)"],
            money, bold=True, fill=GROUP_FILL, spans={1: 6},
        )  # fmt: skip
        sh.skip()


def _mise_en_oeuvre(book: Book, data: BilanData) -> None:
    bassins = data.plan.bassins
    sh = book.sheet("Mise en œuvre", [20, 32, 8, 44, 16, 11] + [15] * len(bassins) + [12, 42, 42, 60],
                    freeze="C3", print_rows="1:2", max_lines=30)  # fmt: skip
    sh.title(f"Bilan de mise en œuvre du plan d'actions – {data.plan.roadmap.name}", size=13)
    head = sh.header(
        [
            "Axe",
            "Cible opérationnelle",
            "Code",
            "Action",
            "Échéance (telle qu'écrite)",
            "Fin d'échéance",
            *(f"Statut {b.name}" for b in bassins),
            "Pilotes",
            "Notes par bassin",
            "Commentaires",
            "Indicateurs de suivi (résultats)",
        ],
        light=True,
    )
    for axe in data.axes:
        for cible in axe.cibles:
            for a in cible.actions:
                sh.values(
                    [
                        f"{axe.code} – {axe.title}",
                        f"{cible.code} – {cible.title}",
                        a.code,
                        a.intitule,
                        a.echeance.label or None,
                        a.echeance.end,
                        *(status_text(a, b.id) for b in bassins),
                        a.pilotes_label or None,
                        notes_text(a, data.plan) or None,
                        a.commentaires or None,
                        data.indicators_text(a.id) or None,
                    ],
                    {6: FMT_DATE},
                )
    sh.auto_filter(head)


def _avancement(book: Book, data: BilanData) -> None:
    statuses = list(status_rules.ORDERED)
    sh = book.sheet("Avancement par axe", [44, 10, 10] + [13] * len(statuses) + [12, 16],
                    freeze="B3", print_rows="1:2")  # fmt: skip
    sh.title("Avancement par axe (actions × bassins)", size=13)
    sh.header(
        ["Axe", "Cibles", "Actions", *(f"{status_rules.info(s).symbol} {status_rules.label(s)}" for s in statuses),
         "En retard", "Cellules (actions × bassins)"], light=True,
    )  # fmt: skip
    fmt = {i: FMT_INT for i in range(2, 6 + len(statuses))}
    for c in [*data.counts, total_count(data.counts)]:
        sh.values(
            [f"{c.code} – {c.title}" if c.code else c.title, c.cibles, c.actions,
             *(c.by_status.get(s.value, 0) for s in statuses), c.overdue, c.cells],
            fmt, bold=not c.code, fill=None if c.code else TOTAL_FILL,
        )  # fmt: skip
    sh.note(
        "Une cellule = une action dans un bassin. En retard : fin d'échéance dépassée au "
        f"{data.generated_on:%d/%m/%Y} sans être réalisée ni abandonnée."
    )


def _graphiques(book: Book, data: BilanData) -> None:
    from roadmap_app.export.charts import figure_png
    from roadmap_app.finance.charts import consumption_figure

    sh = book.sheet("Graphiques", [12] * 12)
    sh.title("Consommation des crédits par volet", size=13)
    for vf in data.volets:
        sh.image(
            figure_png(consumption_figure(vf, width=10), dpi=90),
            f"{vf.volet.title} : {format_euros(vf.eligible_cents)} retenus",
        )


def write_bilan_xlsx(data: BilanData, dest: Path, progress: Progress | None = None) -> int:
    """Écrit le classeur ; renvoie le nombre de feuilles."""
    steps = [
        ("Synthèse", lambda book: _synthese(book, data)),
        *(
            (f"Volet {vf.volet.number}", lambda book, vf=vf: _volet_sheet(book, vf))
            for vf in data.volets
        ),
        ("Consommation", lambda book: _consommation(book, data)),
        ("Mise en œuvre", lambda book: _mise_en_oeuvre(book, data)),
        ("Avancement par axe", lambda book: _avancement(book, data)),
        ("Graphiques", lambda book: _graphiques(book, data)),
    ]
    total = len(steps) + 1
    book = Book(title=f"{data.title} – Pas-de-Calais", creator=data.author)
    try:
        for i, (name, step) in enumerate(steps):
            if progress:
                progress(i, total, f"Feuille « {name} »…")
            step(book)
    except BaseException:
        book.discard()
        raise
    if progress:
        progress(total - 1, total, "Enregistrement du classeur…")
    book.save(dest)
    if progress:
        progress(total, total, "Classeur enregistré.")
    return book.sheet_count
