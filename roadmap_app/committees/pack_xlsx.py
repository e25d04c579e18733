"""Pack de comité au format classeur : Synthèse, Feuille de route, Flux BRSA, Portefeuilles,
Financement, Changements, Échéancier, Graphiques, Indicateurs."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from roadmap_app.committees.echeancier_section import write_echeancier
from roadmap_app.committees.flows_sheets import write_flows, write_portfolios
from roadmap_app.committees.pack_model import PackData
from roadmap_app.core.bulk import paused_gc, scratch_garbage
from roadmap_app.core.progress import Progress
from roadmap_app.export.cells import FMT_EUR, FMT_INT, FMT_PCT
from roadmap_app.export.xlsx import Book
from roadmap_app.plan import statuses as status_rules

LATE_COLOR = "B42318"


def _d(text: str | None) -> date | None:
    return None if not text else date.fromisoformat(text)


def _status_fill(status: str) -> str:
    return status_rules.info(status).color.lstrip("#")


def _status_font(status: str) -> str:
    return status_rules.info(status).text_color.lstrip("#")


def write_synthese(book: Book, data: PackData) -> None:
    sh = book.sheet("Synthèse", [26] + [14] * 12, header_row=4)
    info = data.info
    sh.title(
        info.title,
        f"{info.committee} du {info.date:%d/%m/%Y} — {info.source} — {data.plan['roadmap']['name']}",
    )
    labels = [
        ("Entrants BRSA 2023 (flux annuel)", "brsa_entrants_flux", FMT_INT),
        ("Stock BRSA au 31/12/2023", "brsa_stock", FMT_INT),
        ("Moyenne mensuelle d'entrants visée", "cible_mensuelle_entrants", FMT_INT),
        ("Portefeuilles France Travail", "portefeuilles_ft", FMT_INT),
        ("Délégués du CD (ETP)", "etp_delegues_cd", "0.0"),
    ]
    statuses = [st for st in status_rules.ORDERED]
    headers = (
        ["Bassin"]
        + [lbl for lbl, _k, _f in labels]
        + [status_rules.label(s) for s in statuses]
        + ["En retard"]
    )
    sh.header(headers)
    totals: dict[str, int] = {}
    for b in data.bassins:
        counts = data.status_counts(b["code"])
        row: list[Any] = [sh.cell(b["name"], bold=True)]
        for _lbl, key, fmt in labels:
            fig = data.figure(b["code"], key)
            row.append(sh.cell(None if fig is None else fig["value"], fmt=fmt))
        for s in statuses:
            row.append(sh.cell(counts[s.value], fmt=FMT_INT))
            totals[s.value] = totals.get(s.value, 0) + counts[s.value]
        row.append(
            sh.cell(
                counts["en_retard"],
                fmt=FMT_INT,
                bold=counts["en_retard"] > 0,
                color=LATE_COLOR if counts["en_retard"] else None,
            )
        )
        totals["en_retard"] = totals.get("en_retard", 0) + counts["en_retard"]
        sh.append(row)
    total_row: list[Any] = [sh.cell("Ensemble des bassins", bold=True)]
    for _lbl, key, fmt in labels:
        fig = data.figure(None, key)
        total_row.append(sh.cell(None if fig is None else fig["value"], fmt=fmt, bold=True))
    for s in statuses:
        total_row.append(sh.cell(totals.get(s.value, 0), fmt=FMT_INT, bold=True))
    total_row.append(sh.cell(totals.get("en_retard", 0), fmt=FMT_INT, bold=True))
    sh.append(total_row)
    sh.append([])
    etp = data.figure(None, "etp_delegues_cd")
    if etp is not None and etp.get("note", "").startswith("À confirmer"):
        sh.note(f"⚠ Délégués du CD (ETP) — {etp['note']}")
    sh.note(
        "Statuts : nombre d'actions par statut dans chaque bassin ; « En retard » : échéance dépassée, action ni réalisée ni abandonnée."
    )
    sh.note(
        f"Date de référence des retards : {data.today:%d/%m/%Y}. Chiffres de référence : annexe 1 bis, situation au 31/12/2023."
    )
    for kd in data.state.get("reference", {}).get("key_dates", []):
        end = f" au {_d(kd['end_date']):%d/%m/%Y}" if kd.get("end_date") else ""
        sh.append(
            [
                sh.cell(kd["label"]),
                sh.cell(_d(kd["date"])),
                sh.cell(f"{end.strip()}" if end else ""),
            ]
        )


def write_feuille_de_route(book: Book, data: PackData, progress: Progress | None = None) -> None:
    bassins = data.bassins
    widths = [9, 9, 48, 11, 16, 16] + [14] * len(bassins) + [11, 18, 60, 45, 30, 45]
    sh = book.sheet("Feuille de route", widths, header_row=1)
    headers = (
        ["Niveau", "Code", "Intitulé", "Échéance", "Échéance (libellé)", "Pilotes"]
        + [b["name"] for b in bassins]
        + [
            "Avancement",
            "En retard",
            "Plan d'actions",
            "Actions pré-existantes",
            "Indicateurs",
            "Commentaires",
        ]
    )
    n_rows = sum(1 + len(c["actions"]) for axe in data.plan["axes"] for c in axe["cibles"]) + len(
        data.plan["axes"]
    )
    sh.header(headers, filter_rows=n_rows)
    total = n_rows
    done = 0
    for axe in data.plan["axes"]:
        sh.append(
            [sh.cell("Axe", bold=True, fill="DCE6F2"), sh.cell(axe["code"], bold=True, fill="DCE6F2"),
             sh.cell(axe["title"], bold=True, fill="DCE6F2")] + [sh.cell(None, fill="DCE6F2")] * (len(headers) - 3)
        )  # fmt: skip
        for cible in axe["cibles"]:
            sh.append(
                [
                    sh.cell("Cible", indent=1),
                    sh.cell(cible["code"], bold=True),
                    sh.cell(cible["title"], bold=True, indent=1, wrap=True),
                ],
                outline=1,
            )
            for a in cible["actions"]:
                ech = a["echeance"]
                late = [
                    b["name"]
                    for b in bassins
                    if (a["statuses"].get(b["code"]) or {}).get("overdue")
                ]
                row: list[Any] = [
                    sh.cell("Action", indent=2),
                    sh.cell(a["code"]),
                    sh.cell(a["intitule"], indent=2, wrap=True),
                    sh.cell(_d(ech["end"]), bold=bool(late), color=LATE_COLOR if late else None),
                    sh.cell(ech["label"]),
                    sh.cell(a["pilotes_label"] or " / ".join(a["pilotes"])),
                ]
                for b in bassins:
                    cell = a["statuses"].get(b["code"])
                    if cell is None:
                        row.append(sh.cell("non concerné", italic=True, color="667085"))
                        continue
                    label = status_rules.label(cell["status"])
                    row.append(
                        sh.cell(
                            label,
                            fill=_status_fill(cell["status"]),
                            color=_status_font(cell["status"]),
                            bold=cell["overdue"],
                        )
                    )
                prog = [
                    p
                    for c in a["statuses"].values()
                    if (p := status_rules.effective_progress(c["status"], c["progress"]))
                    is not None
                ]
                row.append(sh.cell(sum(prog) / len(prog) / 100 if prog else None, fmt=FMT_PCT))
                row.append(
                    sh.cell(
                        ", ".join(late),
                        color=LATE_COLOR if late else None,
                        bold=bool(late),
                        wrap=True,
                    )
                )
                indicators = "\n".join(
                    x for x in (a["indicateurs_tdb"], a["indicateurs_autres"]) if x
                )
                row += [
                    sh.cell(a["plan_actions"], wrap=True),
                    sh.cell(a["actions_preexistantes"], wrap=True),
                    sh.cell(indicators, wrap=True),
                    sh.cell(a["commentaires"], wrap=True),
                ]
                sh.append(row, outline=2)
                done += 1
                if progress and done % 200 == 0:
                    progress(done, total, "Feuille de route…")
    sh.append([])
    sh.note(
        "Statut par bassin : texte et couleur ; en gras quand l'action est en retard dans ce bassin. Les lignes sont groupées par axe et par cible (boutons + / - à gauche)."
    )


def write_financement(book: Book, data: PackData) -> None:
    sh = book.sheet("Financement", [26, 34, 46, 22, 22, 22, 16, 34])
    sh.title("Plan de financement", "Annexe 2 de la convention, tel que saisi dans l'application")
    volets = data.state.get("financement", {}).get("volets", [])
    for v in volets:
        sh.append([sh.cell(v["label"], bold=True, size=12)])
        sh.header(
            [
                "Nature de dépenses",
                "Objet de la dépense",
                "Précisions",
                "Existant",
                "Cible",
                "Delta",
                "Montant",
                "Financement complémentaire",
            ]
        )
        sections: dict[str, list[dict[str, Any]]] = {}
        for ln in v["lines"]:
            sections.setdefault(ln["section"], []).append(ln)
        total = 0
        for section, lines in sections.items():
            sh.append(
                [sh.cell(section, bold=True, fill="DCE6F2")] + [sh.cell(None, fill="DCE6F2")] * 7
            )
            subtotal = 0
            for ln in lines:
                cents = ln["montant_cents"]
                subtotal += cents or 0
                sh.append(
                    [
                        sh.cell(ln["nature"], wrap=True),
                        sh.cell(ln["objet"], wrap=True),
                        sh.cell(ln["precisions"], wrap=True),
                        sh.cell(ln["existant"]),
                        sh.cell(ln["cible"]),
                        sh.cell(ln["delta"]),
                        sh.cell(None if cents is None else cents / 100, fmt=FMT_EUR),
                        sh.cell(ln["financement_complementaire"], wrap=True),
                    ],
                    outline=1,
                )
            total += subtotal
            sh.append(
                [sh.cell(f"Total – {section}", bold=True), None, None, None, None, None,
                 sh.cell(subtotal / 100, fmt=FMT_EUR, bold=True)]
            )  # fmt: skip
        sh.append(
            [
                sh.cell(f"TOTAL VOLET {v['number']}", bold=True),
                None,
                None,
                None,
                None,
                None,
                sh.cell(total / 100, fmt=FMT_EUR, bold=True),
            ]
        )
        if v.get("plafond_cents") is not None:
            sh.append(
                [
                    sh.cell("Plafond", italic=True),
                    None,
                    None,
                    None,
                    None,
                    None,
                    sh.cell(v["plafond_cents"] / 100, fmt=FMT_EUR, italic=True),
                ]
            )
        sh.append([])


def write_changements(book: Book, data: PackData) -> None:
    sh = book.sheet("Changements", [12, 40, 14, 16, 30, 30, 12, 40], header_row=4)
    diff = data.diff
    if diff is None:
        sh.title(
            "Changements depuis le comité précédent",
            "Aucun instantané antérieur : pas de comparaison possible.",
        )
        return
    sh.title("Changements depuis le comité précédent", f"De « {diff.before} » à « {diff.after} »")
    if diff.is_empty():
        sh.note("Aucun changement.")
        return
    names = data.bassin_names
    sh.header(["Code", "Intitulé", "Bassin", "Nature", "Avant", "Après", "Jours", "Détail"])

    def action(code: str) -> list[Any]:  # le code, puis l'intitulé de l'action
        return [sh.cell(code), sh.cell(diff.titles.get(code, ""), wrap=True)]

    for c in diff.cells:
        old = status_rules.label(c.old) if c.field == "status" else c.old
        new = status_rules.label(c.new) if c.field == "status" else c.new
        sh.append(
            [
                *action(c.code),
                sh.cell(names.get(c.bassin, c.bassin)),
                sh.cell(c.label),
                sh.cell(old),
                sh.cell(new),
                None,
                None,
            ]
        )
    for s in diff.slips:
        sh.append(
            [
                *action(s.code),
                None,
                sh.cell("Glissement d'échéance"),
                sh.cell(s.old_label),
                sh.cell(s.new_label),
                sh.cell(s.days, fmt="+0;-0;0"),
                None,
            ]
        )
    for o in diff.newly_overdue:
        sh.append(
            [
                *action(o.code),
                sh.cell(names.get(o.bassin, o.bassin)),
                sh.cell("Devenue en retard", color=LATE_COLOR, bold=True),
                None,
                sh.cell(o.echeance),
                None,
                None,
            ]
        )
    for a in diff.added:
        sh.append(
            [
                *action(a.code),
                None,
                sh.cell("Action ajoutée"),
                None,
                sh.cell(a.intitule),
                None,
                None,
            ]
        )
    for a in diff.removed:
        sh.append(
            [
                *action(a.code),
                None,
                sh.cell("Action retirée"),
                sh.cell(a.intitule),
                None,
                None,
                None,
            ]
        )
    for f in diff.fields:
        if f.field != "echeance":
            sh.append(
                [
                    *action(f.code),
                    None,
                    sh.cell(f.label),
                    sh.cell(str(f.old or ""), wrap=True),
                    sh.cell(str(f.new or ""), wrap=True),
                    None,
                    None,
                ]
            )
    from roadmap_app.committees.indicators_section import SECTION as INDICATORS
    from roadmap_app.committees.indicators_section import describe
    from roadmap_app.committees.section_change import section_title

    for ch in diff.sections:
        sh.append(
            [
                None,
                None,
                sh.cell(names.get(ch.bassin or "", ch.bassin or "")),
                sh.cell(section_title(ch.section)),
                _section_value(sh, ch.key, ch.old),
                _section_value(sh, ch.key, ch.new),
                None,
                sh.cell(_detail(ch, INDICATORS, describe), wrap=True),
            ]
        )


def _detail(ch: Any, indicators: str, describe: Callable[[Any], str]) -> str:
    """Détail d'un changement de section ; un lien d'indicateur (ni avant ni après) se lit comme
    dans le PDF : « 2 nouveaux indicateurs liés à EP-1.1 : … (R1) ; … (M1a) »."""
    if ch.section == indicators and ch.old is None and ch.new is None:
        return describe(ch)
    return f"{ch.label} {ch.comment}".strip()


def _section_value(sh: Any, key: str, value: Any) -> Any:
    """Montants en euros (stockés en centimes), nombres en nombres."""
    if key == "montant_cents" and isinstance(value, int):
        return sh.cell(value / 100, fmt=FMT_EUR)
    return sh.cell(value)


#: Catégories de l'annexe 4 (clés du jeu initial) telles qu'on les lit dans le pack.
CATEGORY_LABELS = {"resultat": "Résultat", "moyens": "Moyens", "volet2": "Volet 2"}


def write_indicateurs(book: Book, data: PackData) -> None:
    sh = book.sheet("Indicateurs", [10, 50, 12, 8, 10, 90], header_row=4)
    sh.title(
        "Indicateurs de pilotage",
        "Annexe 4 de l'instruction nationale ; définitions utilisées dans ce pack",
    )
    indicators = data.state.get("reference", {}).get("indicators", []) + data.state.get(
        "flux", {}
    ).get("indicators", [])
    sh.header(
        ["Code", "Indicateur", "Catégorie", "Volet", "Unité", "Définition"],
        filter_rows=len(indicators),
    )
    for ind in indicators:
        sh.append([
            sh.cell(ind["code"]), sh.cell(ind["label"], wrap=True), sh.cell(CATEGORY_LABELS.get(ind.get("category", ""), ind.get("category", ""))),
            sh.cell(ind.get("volet")), sh.cell(ind.get("unit", "")), sh.cell(ind.get("definition", ""), wrap=True),
        ])  # fmt: skip


#: Largeurs (caractères) de la feuille « Indicateurs de suivi » : actions, indicateur, bassin,
#: référence, cible, dernière valeur, statut.
SUIVI_WIDTHS = [24, 46, 15, 18, 18, 20, 14]


def write_suivi(book: Book, data: PackData) -> None:
    """Indicateurs liés aux actions : référence, cible en vigueur, dernière valeur, statut par bassin."""
    from roadmap_app.committees.indicators_section import PACK_HEADERS, iter_pack_rows
    from roadmap_app.indicators.model import STATUS_INKS

    rows = iter_pack_rows(data.state)  # écrites une à une, jamais toutes en mémoire
    first = next(rows, None)
    # les actions mesurées (« EP-1.1, EP-2.1, EP-3.1 ») et l'intitulé vont à la ligne : à
    # l'impression (une page de large), rien n'est coupé
    sh = book.sheet("Indicateurs de suivi", SUIVI_WIDTHS, header_row=4)
    sh.title("Indicateurs de suivi", "Indicateurs liés aux actions : dernière valeur face à la cible en vigueur")
    if first is None:
        sh.note("Aucun indicateur lié à une action dans cet état.")
        return
    header = sh.header(PACK_HEADERS)
    for r in itertools.chain([first], rows):
        color = STATUS_INKS[r[-1]].lstrip("#") if r[-1] in STATUS_INKS else None
        sh.append([sh.cell(v, wrap=i in (0, 1)) for i, v in enumerate(r[:-1])]
                  + [sh.cell(r[-1], bold=bool(color), color=color)])  # fmt: skip
    sh.auto_filter(header)  # en-tête et lignes écrites, comme ``header(…, filter_rows=n)``


def write_graphiques(book: Book, data: PackData) -> None:
    sh = book.sheet("Graphiques", [100])
    sh.title("Graphiques")
    if not data.charts:
        sh.note("Aucun graphique : aucune donnée mensuelle saisie à la date de cet état.")
        return
    sh.skip()
    with scratch_garbage() as sweep:  # chaque figure libérée avant de tracer la suivante
        for chart in data.charts:
            sh.image(chart.png(), chart.title)
            sweep()


#: Feuilles supplémentaires fournies par d'autres fonctionnalités (Flux BRSA, Portefeuilles…) :
#: nom → fonction (classeur, données). Elles s'insèrent après la feuille de route.
EXTRA_SHEETS: dict[str, Callable[[Book, PackData], None]] = {
    "Flux BRSA": write_flows,
    "Portefeuilles": write_portfolios,
}


def _placeholder(title: str, text: str) -> Callable[[Book, PackData], None]:
    def write(book: Book, data: PackData) -> None:
        sh = book.sheet(title, [100])
        sh.title(title)
        sh.note(text)

    return write


@paused_gc()  # comme dans l'application, où l'export tourne dans un fil sans ramassage
def write_pack_xlsx(
    data: PackData, destination: str | Path, progress: Progress | None = None
) -> Path:
    book = Book(title=f"{data.info.title} — {data.info.committee} du {data.info.date:%d/%m/%Y}")
    steps: list[tuple[str, Callable[[], None]]] = [
        ("Synthèse", lambda: write_synthese(book, data)),
        ("Feuille de route", lambda: write_feuille_de_route(book, data, progress)),
        (
            "Flux BRSA",
            lambda: EXTRA_SHEETS.get(
                "Flux BRSA", _placeholder("Flux BRSA", "Aucune donnée mensuelle dans cet état.")
            )(book, data),
        ),
        (
            "Portefeuilles",
            lambda: EXTRA_SHEETS.get(
                "Portefeuilles",
                _placeholder("Portefeuilles", "Aucune donnée de portefeuille dans cet état."),
            )(book, data),
        ),
        ("Financement", lambda: write_financement(book, data)),
        ("Changements", lambda: write_changements(book, data)),
        ("Échéancier", lambda: write_echeancier(book, data)),
        ("Graphiques", lambda: write_graphiques(book, data)),
        ("Indicateurs de suivi", lambda: write_suivi(book, data)),
        ("Indicateurs", lambda: write_indicateurs(book, data)),
    ]
    try:
        for i, (name, step) in enumerate(steps, 1):
            if progress:
                progress(i, len(steps), f"{name}…")
            step()
    except BaseException:
        book.discard()
        raise
    return book.save(destination)
