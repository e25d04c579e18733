"""Corrections du jeu initial après la relecture ligne à ligne des documents (révision 0013).

La migration 0013 les applique aux bases existantes. Une valeur n'est corrigée que si elle est
encore celle du jeu initial d'origine (comparée à ``OLD_*`` ci-dessous) **et** qu'aucune
modification de ce champ n'est inscrite au journal : ce qu'un utilisateur a saisi, même revenu à
la valeur d'origine, n'est jamais touché. Les nouvelles valeurs sont lues dans le jeu initial
courant (``resources/seed``) : une base migrée et une base neuve ont le même contenu. Les
corrections des tables journalisées sont inscrites au journal (source « migration », une seule
opération) ; une base neuve (tables vides au moment de la migration) n'est pas touchée.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, bindparam, text
from sqlalchemy.engine import Connection

from db.seed import SEED_AUTHOR
from db.seed.loader import read_seed_file, status_note, to_cents
from db.types import utcnow

SOURCE = "migration"
LABEL = "Corrections du jeu initial relu ligne à ligne (révision 0013)"
DOC0 = "000_dab05ea08fd3d5d5.txt"
SEEDED_BASSINS = ("MON", "AUD", "LEN")
STATUS_NOTE = "Statut repris de l'annexe 1 bis (Commission Permanente du 16/09/2024) : « {} »"

# -- valeurs du jeu initial d'origine (ce que contient encore une base que personne n'a modifiée) ----
OLD_STATUSES: dict[str, tuple[str, str]] = {
    "AI-1.3": ("realise", STATUS_NOTE.format("REALISE")),
    "NU-1.1": ("realise", STATUS_NOTE.format("REALISE")),
    "AI-4.1": ("a_lancer", ""),
    "AI-5.1": ("a_lancer", ""),
    "NU-2.2": ("a_lancer", ""),
    "GP-3.1": ("a_lancer", ""),
}
OLD_AI33_NOTE = (
    "Ligne 593 : la puce « Choix de recourir à l'outil Suivi Intensif de l'Accompagnement (SIA) » "
    "termine la liste du plan d'actions commencée l. 590."
)
OLD_ORGANISATIONS = {"CAF": "CAF du Pas-de-Calais.", "MSA": "MSA Nord-Pas de Calais."}
OLD_FIGURE_SOURCES = {
    f"{DOC0}, l. 383-423 (situation au 31/12/2023 du bassin Audomarois)",
    f"{DOC0}, l. 425-468 (situation au 31/12/2023 de l'agglomération de Lens)",
}
OLD_ETP_NOTES: dict[str | None, str] = {
    "MON": "3,5 ETP accompagnement rénové équilibré",
    "AUD": "4,5 ETP accompagnement renouvelé socio prof",
    "LEN": "13 ETP accompagnement rénové socio prof",
    None: "",
}
OLD_ETP_TOTAL_SOURCE = f"{DOC0}, l. 292-337 (situation au 31/12/2023 des bassins concernés)"
OLD_FIGURE_NOTES: dict[tuple[str, str], str] = {
    (
        "LEN",
        "de_part_hommes",
    ): "Montreuillois : « proportion équilibrée entre hommes et femmes » ; Audomarois : "
    "« proportion assez équilibrée » (non chiffré).",
}
OLD_TARGETS: dict[tuple[str, str | None, str, float], tuple[str, str]] = {
    # (indicateur, bassin, sorte, valeur) → (libellé, source)
    ("entrants", "MON", "monthly_min", 36): (
        "Cible de 36 ARSA entrants par mois en moyenne (426 par an)", f"{DOC0}, l. 369"),
    ("entrants", "AUD", "monthly_min", 63): (
        "Cible de 63 ARSA entrants par mois en moyenne (756 par an)", f"{DOC0}, l. 413"),
    ("entrants", "LEN", "monthly_min", 177): (
        "Cible de 177 ARSA entrants par mois en moyenne (2 118 par an)", f"{DOC0}, l. 458"),
    ("charge_referent", None, "max", 70): (
        "Au plus 70 ARSA par portefeuille (50 à 70 en flux)",
        f"{DOC0}, feuille de route Accompagnement intensif (AI-3.1)"),
    ("charge_referent", None, "min", 50): (
        "Portefeuilles en flux composés de 50 à 70 ARSA",
        f"{DOC0}, feuille de route Accompagnement intensif (AI-3.1)"),
}  # fmt: skip
OLD_PORTFOLIO_SOURCES = {
    "MON": f"{DOC0}, l. 379",
    "AUD": f"{DOC0}, l. 422",
    "LEN": f"{DOC0}, l. 469",
}
OLD_VOLET_SOURCES = {
    1: f"{DOC0}, annexe 2, plan de financement volet 1 (l. 671-682) ; article 4.1 de l'avenant",
    2: f"{DOC0}, annexe 2, plan de financement volet 2 (l. 684-711) ; article 4.1 de l'avenant",
    3: f"{DOC0}, annexe 2, plan de financement volet 3 (l. 713-756) ; le plafond, vide dans le "
    "tableau, est celui de l'article 4.1 de l'avenant (618 750 €)",
}
OLD_V2_ACTION_1 = (
    "Action 1: Renforcer la qualité de l'accompagnement social dans le cadre de l'accompagnement "
    "global dans l'objectif d'un retour à l'emploi. Action 2: Amplifier la politique d'accès à "
    "l'emploi pour tous Action 3 ..."
)
OLD_V2_ETP_OBJET = "ETP d'accompagnement (CD, PE...)"
OLD_V2_ETP_NOTE = (
    "Delta tel qu'écrit (3030 places) ; l'écart entre cible et existant est de 330 places."
)
_A4 = "003_03dd4568f3343d24.txt, annexe 4 (l. 928-1046)"
OLD_INDICATORS: dict[str, tuple[str, str, str]] = {
    # code → (libellé, définition, source)
    "R1": ("Taux de retour à l'emploi durable (à 6 mois)",
           "Part des bénéficiaires accompagnés en emploi durable six mois après (emplois durables : CDI, CDD de 6 "
           "mois et plus, apprentissage…).", _A4),
    "R2": ("Taux de retour à l'emploi (par type de contrat)",
           "Part des bénéficiaires accompagnés ayant repris un emploi, décliné par type de contrat.", _A4),
    "R3": ("Progression dans l'employabilité",
           "Immersions, formations, contrats de travail de courte durée, levée de freins périphériques.", _A4),
    "M1": ("Nombre d'inscrits/enregistrés « déploiements France Travail »",
           "Bénéficiaires du RSA inscrits ou enregistrés à France Travail dans le cadre des déploiements "
           "territoriaux.", _A4),
    "M1a": ("dont nombre de nouveaux entrants",
            "Nouveaux entrants parmi les inscrits/enregistrés « déploiements France Travail ».", _A4),
    "M1b": ("dont nombre de sortants", "Sortants parmi les inscrits/enregistrés « déploiements France Travail ».",
            _A4),
    "M1c": ("dont nombre de CER/PPAE signés",
            "Contrats d'engagement réciproque ou projets personnalisés d'accès à l'emploi signés.", _A4),
    "M2": ("Délai entre l'ouverture de droit et le premier entretien",
           "Délai entre la date d'ouverture du droit RSA et le premier entretien d'accompagnement.", _A4),
    "M3": ("Répartition des bénéficiaires du RSA par parcours d'accompagnement",
           "Répartition entre les parcours emploi, équilibré social et professionnel, remobilisation sociale.",
           _A4),
    "M4": ("Délai entre le premier entretien de diagnostic et la première action d'accompagnement",
           "Délai entre le premier entretien de diagnostic et la première action d'accompagnement.", _A4),
    "M5": ("Pourcentage des bénéficiaires RSA en accompagnement intensif",
           "Part des bénéficiaires du RSA suivis en accompagnement intensif.", _A4),
    "M6": ("Taux de satisfaction des personnes accompagnées et des professionnels",
           "Satisfaction mesurée auprès des personnes accompagnées et des professionnels.", _A4),
    "V2-1": ("Nombre de nouveaux entrants (source DREES)",
             "Trois critères cumulés : avoir un droit versable ; être, ou être de nouveau, soumis aux droits et "
             "devoirs (absent en M-1 des droits et devoirs) ; ne pas avoir de suivi en cours (pas d'orientation "
             "connue ni de référent identifié). Inclut les primo-demandeurs, les BRSA radiés qui reviennent, les "
             "nouveaux arrivants dans le département, les personnes rejoignant un foyer au RSA ou passant sous le "
             "seuil de 500 €, les BRSA suspendus depuis plus de 12 mois.", _A4),
    "V2-2": ("Nombre de nouveaux entrants orientés en 15 jours et moins",
             "Du jour de réception de la notification CAF/MSA par le département à la notification de "
             "l'orientation au BRSA (courrier ou désignation d'un référent). En cas d'impossibilité à paramétrer "
             "le délai de 15 jours, le délai d'un mois est retenu.", _A4),
}  # fmt: skip
_PARTICIPANTS = (
    "Une trentaine de personnes : managers et techniciens du Département, de France Travail et de "
    "l'État ; délégués du Département sur l'accompagnement rénové RSA (1 à 2 personnes par "
    "structure d'accompagnement professionnel et socio-professionnel) ; représentants Mission "
    "locale, Cap emploi, CAF, MSA."
)
_FIRST = (
    "Journée de lancement – 1re séquence d'intelligence collective",
    "1er temps : introduction à 3 voix (DDETS, FT et CD62) – loi plein emploi, contractualisation, "
    "ambitions ; kiosques sur les impacts de la loi pour l'usager et le rôle du référent.",
)
_SECOND = (
    "Journée de lancement – 2nde séquence d'intelligence collective",
    "2nd temps : introduction à 3 voix – intensité d'activité pour le BRSA, structuration de "
    "parcours type (15 h) ; kiosques à partir de « personae » et de parcours structurants réussis "
    "(15-20 h).",
)
#: (bassin, date) → (titre, moment, notes) ; participants et source communs
OLD_ATELIERS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("MON", "2024-05-24"): (_FIRST[0], "matin", _FIRST[1]),
    ("MON", "2024-05-28"): (_SECOND[0], "matin", _SECOND[1]),
    ("LEN", "2024-05-30"): (_FIRST[0], "matin", _FIRST[1]),
    ("LEN", "2024-06-05"): (_SECOND[0], "AM", _SECOND[1]),
    ("AUD", "2024-06-04"): (_FIRST[0], "matin", _FIRST[1]),
    ("AUD", "2024-06-11"): (_SECOND[0], "après-midi", _SECOND[1]),
}
OLD_ATELIER_SOURCE = f"{DOC0}, l. 509-525 (journées de lancement)"


@dataclass
class CorrectionReport:
    """Ce que la migration a corrigé, et ce qu'elle a laissé parce qu'un utilisateur l'avait modifié."""

    corrected: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


@dataclass
class _Run:
    conn: Connection
    now: datetime
    report: CorrectionReport
    journal: list[dict[str, Any]] = field(default_factory=list)

    def rows(self, sql: str, **params: Any) -> list[Any]:
        return list(self.conn.execute(_typed(sql, params), params).mappings())

    def run(self, sql: str, **params: Any) -> int:
        return int(self.conn.execute(_typed(sql, params), params).rowcount or 0)

    def touched(self, entity: str, row_id: int, fields: tuple[str, ...]) -> bool:
        """Un de ces champs a-t-il été modifié par quelqu'un (journal) ?"""
        names = ", ".join(f":f{i}" for i in range(len(fields)))
        params: dict[str, Any] = {f"f{i}": f for i, f in enumerate(fields)}
        found = self.rows(
            f"SELECT 1 FROM journal_entry WHERE entity = :entity AND entity_id = :row_id "
            f"AND field IN ({names}) AND source <> :migration",
            entity=entity, row_id=row_id, migration=SOURCE, **params,
        )  # fmt: skip
        return bool(found)

    def log(self, entity: str, row_id: int, label: str, field: str, old: Any, new: Any) -> None:
        self.journal.append({
            "entity": entity, "entity_id": row_id, "entity_label": label[:200], "field": field,
            "old_value": journal_value(old), "new_value": journal_value(new),
        })  # fmt: skip


def journal_value(value: Any) -> str | None:
    """Ancienne ou nouvelle valeur d'une entrée du journal écrite par une migration (JSON, comme
    ``roadmap_app.core.codec.encode``, que la couche ``db`` ne peut pas importer)."""
    if value is None:
        return None
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def _typed(sql: str, params: dict[str, Any]) -> Any:
    """Requête avec des paramètres typés (dates et horodatages portables SQLite/PostgreSQL)."""
    stmt = text(sql)
    binds: list[Any] = []
    for name, value in params.items():
        if isinstance(value, datetime):
            binds.append(bindparam(name, type_=DateTime()))
        elif isinstance(value, date):
            binds.append(bindparam(name, type_=Date()))
    return stmt.bindparams(*binds) if binds else stmt


def apply_corrections(conn: Connection) -> CorrectionReport:
    """Corrige une base existante ; sans effet sur une base vide (le jeu initial viendra ensuite)."""
    report = CorrectionReport()
    if conn.execute(text("SELECT COUNT(*) FROM bassin")).scalar() == 0:
        return report
    run = _Run(conn, utcnow().replace(tzinfo=None), report)
    bassins = {r["code"]: r["id"] for r in run.rows("SELECT id, code FROM bassin")}
    names = {r["id"]: r["name"] for r in run.rows("SELECT id, name FROM bassin")}
    _statuses(run, bassins, names)
    _echeance(run)
    _organisations(run)
    _figures(run, bassins)
    _flows(run, bassins, names)
    _volets(run)
    _indicators(run)
    _ateliers(run, bassins)
    _write_journal(run)
    return report


# -- feuille de route --------------------------------------------------------------------------------
def _seed_actions() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    plan = read_seed_file("feuille_de_route_2024.json")
    actions = {a["code"]: a for ax in plan["axes"] for c in ax["cibles"] for a in c["actions"]}
    return plan, actions


def _roadmap_id(run: _Run, plan: dict[str, Any]) -> int | None:
    found = run.rows("SELECT id FROM roadmap WHERE code = :code", code=plan["roadmap"]["code"])
    return found[0]["id"] if found else None


def _statuses(run: _Run, bassins: dict[str, int], names: dict[int, str]) -> None:
    plan, actions = _seed_actions()
    roadmap_id = _roadmap_id(run, plan)
    if roadmap_id is None:
        return
    note_cfg = plan["status_note"]
    note_date = date.fromisoformat(note_cfg["date"])
    seeded = [bassins[c] for c in SEEDED_BASSINS if c in bassins]
    for code, (old_status, old_note) in OLD_STATUSES.items():
        statut = actions[code]["statut"]
        new_status, new_note = statut["value"], status_note(note_cfg["text"], statut)
        for row in run.rows(
            "SELECT ab.id, ab.bassin_id, ab.status, ab.progress, ab.note, ab.note_date, ab.version "
            "FROM action_bassin ab JOIN action a ON a.id = ab.action_id "
            "WHERE a.roadmap_id = :rid AND a.code = :code ORDER BY ab.bassin_id",
            rid=roadmap_id, code=code,
        ):  # fmt: skip
            if row["bassin_id"] not in seeded:
                continue
            label = f"{code} / {names[row['bassin_id']]}"
            if (row["status"], row["progress"], row["note"]) != (
                old_status,
                None,
                old_note,
            ) or run.touched(
                "action_bassin", row["id"], ("status", "progress", "note", "note_date")
            ):
                run.report.kept.append(f"{label} : statut modifié par un utilisateur, gardé")
                continue
            run.run(
                "UPDATE action_bassin SET status = :status, note = :note, note_date = :note_date, "
                "updated_at = :now, version = version + 1 WHERE id = :id",
                status=new_status, note=new_note, note_date=note_date, now=run.now, id=row["id"],
            )  # fmt: skip
            if old_status != new_status:
                run.log("action_bassin", row["id"], label, "status", old_status, new_status)
            run.log("action_bassin", row["id"], label, "note", old_note, new_note)
            old_date = row["note_date"]
            if old_date is None or str(old_date)[:10] != note_date.isoformat():
                run.log("action_bassin", row["id"], label, "note_date", old_date and str(old_date)[:10],
                        note_date)  # fmt: skip
            run.report.corrected.append(f"{label} : {old_status} → {new_status}")


def _echeance(run: _Run) -> None:
    plan, actions = _seed_actions()
    roadmap_id = _roadmap_id(run, plan)
    if roadmap_id is None:
        return
    seed = actions["AI-3.3"]
    for row in run.rows(
        "SELECT id, echeance_label, echeance_flag, transcription_note FROM action "
        "WHERE roadmap_id = :rid AND code = 'AI-3.3'",
        rid=roadmap_id,
    ):
        if (row["echeance_label"], row["echeance_flag"]) != (seed["echeance"], None) or run.touched(
            "action",
            row["id"],
            ("echeance_label", "echeance_date", "echeance_fin", "echeance_flag"),
        ):
            run.report.kept.append("AI-3.3 : échéance modifiée par un utilisateur, gardée")
            continue
        values = {"echeance_flag": seed["echeance_flag"]}
        if row["transcription_note"] == OLD_AI33_NOTE:
            values["transcription_note"] = seed["note_transcription"]
        sets = ", ".join(f"{k} = :{k}" for k in values)
        run.run(f"UPDATE action SET {sets}, updated_at = :now, version = version + 1 WHERE id = :id",
                now=run.now, id=row["id"], **values)  # fmt: skip
        for k, v in values.items():
            run.log("action", row["id"], "AI-3.3", k, row[k], v)
        run.report.corrected.append(
            "AI-3.3 : échéance « 1er janvier 2024 » signalée comme douteuse"
        )


def _organisations(run: _Run) -> None:
    plan, _actions = _seed_actions()
    new = {o["code"]: o["description"] for o in plan["organisations"]}
    for code, old in OLD_ORGANISATIONS.items():
        if run.run("UPDATE organisation SET description = :new WHERE code = :code AND description = :old",
                   new=new[code], code=code, old=old):  # fmt: skip
            run.report.corrected.append(f"Organisation {code} : description")


# -- chiffres de référence ---------------------------------------------------------------------------
def _figures(run: _Run, bassins: dict[str, int]) -> None:
    seed = read_seed_file("bassins.json")["figures"]
    for old in OLD_FIGURE_SOURCES:
        bassin = "AUD" if "Audomarois" in old else "LEN"
        new = next(f["source"] for f in seed if f["bassin"] == bassin)
        n = run.run(
            "UPDATE reference_figure SET source = :new WHERE source = :old", new=new, old=old
        )
        if n:
            run.report.corrected.append(f"{n} chiffre(s) de référence : lignes sources « {new} »")
    for f in seed:
        if f["key"] != "etp_delegues_cd":
            continue
        code = f["bassin"]
        if code is not None and code not in bassins:
            continue
        where = "bassin_id IS NULL" if code is None else "bassin_id = :bid"
        params = {} if code is None else {"bid": bassins[code]}
        n = run.run(f"UPDATE reference_figure SET note = :note WHERE key = 'etp_delegues_cd' AND {where} "
                    "AND note = :old AND as_of = :as_of",
                    note=f["note"], old=OLD_ETP_NOTES[code], as_of=date(2023, 12, 31), **params)  # fmt: skip
        if code is None:
            run.run(f"UPDATE reference_figure SET source = :new WHERE key = 'etp_delegues_cd' AND {where} "
                    "AND source = :old", new=f["source"], old=OLD_ETP_TOTAL_SOURCE)  # fmt: skip
        if n:
            run.report.corrected.append(
                f"ETP de délégués ({code or '3 bassins'}) : contradiction notée"
            )
    for f in seed:
        old_note = OLD_FIGURE_NOTES.get((f["bassin"], f["key"]))
        if old_note is not None and f["bassin"] in bassins and run.run(
            "UPDATE reference_figure SET note = :note WHERE bassin_id = :bid AND key = :key AND note = :old",
            note=f["note"], bid=bassins[f["bassin"]], key=f["key"], old=old_note,
        ):  # fmt: skip
            run.report.corrected.append(
                f"Chiffre {f['key']} ({f['bassin']}) : citations avec leurs lignes"
            )
    for f in seed:
        if f["key"] not in ("etp_delegues_cd_existant_volet3", "etp_delegues_cd_cible_volet3"):
            continue
        if run.rows("SELECT id FROM reference_figure WHERE key = :key", key=f["key"]):
            continue
        run.run(
            "INSERT INTO reference_figure (bassin_id, key, label, value, unit, as_of, source, note) "
            "VALUES (NULL, :key, :label, :value, :unit, :as_of, :source, :note)",
            key=f["key"], label=f["label"], value=float(f["value"]), unit=f["unit"],
            as_of=date.fromisoformat(f["as_of"]), source=f["source"], note=f["note"],
        )  # fmt: skip
        run.report.corrected.append(f"Nouveau chiffre de référence : {f['label']}")


# -- cibles et moyens des flux -----------------------------------------------------------------------
def _flows(run: _Run, bassins: dict[str, int], names: dict[int, str]) -> None:
    flux = read_seed_file("flux.json")
    start = date(2024, 7, 1)
    for t in flux["targets"]:
        old_kind = "monthly_min" if t["kind"] == "monthly_average" else t["kind"]
        old = OLD_TARGETS.get((t["indicator"], t["bassin"], old_kind, t["value"]))
        if old is None or (t["bassin"] is not None and t["bassin"] not in bassins):
            continue
        where = "bassin_id IS NULL" if t["bassin"] is None else "bassin_id = :bid"
        params = {} if t["bassin"] is None else {"bid": bassins[t["bassin"]]}
        for row in run.rows(
            f"SELECT id, kind, label, source FROM flow_target WHERE indicator = :ind AND {where} "
            "AND kind = :kind AND value = :value AND effective_from = :start",
            ind=t["indicator"], kind=old_kind, value=float(t["value"]), start=start, **params,
        ):  # fmt: skip
            new = {"kind": t["kind"], "label": t["label"], "source": t["source"]}
            was = {"kind": row["kind"], "label": row["label"], "source": row["source"]}
            if (was["label"], was["source"]) != old or run.touched(
                "flow_target", row["id"], tuple(new)
            ):
                continue
            run.run("UPDATE flow_target SET kind = :kind, label = :label, source = :source, "
                    "version = version + 1 WHERE id = :id", id=row["id"], **new)  # fmt: skip
            for k in new:
                if new[k] != was[k]:
                    run.log("flow_target", row["id"], t["label"], k, was[k], new[k])
            run.report.corrected.append(f"Cible « {t['indicator']} » {t['value']:g} : {t['label']}")
    for p in flux["portfolios"]:
        old_source = OLD_PORTFOLIO_SOURCES.get(p["bassin"]) if p["organisme"] == "CD" else None
        if old_source is None or p["bassin"] not in bassins:
            continue
        for row in run.rows(
            "SELECT id FROM portfolio WHERE bassin_id = :bid AND organisme = 'CD' AND number = :number "
            "AND effective_from = :start AND source = :old",
            bid=bassins[p["bassin"]], number=float(p["number"]),
            start=date.fromisoformat(p["effective_from"]), old=old_source,
        ):  # fmt: skip
            run.run("UPDATE portfolio SET source = :new, version = version + 1 WHERE id = :id",
                    new=p["source"], id=row["id"])  # fmt: skip
            label = f"{names[bassins[p['bassin']]]} / CD"
            run.log("portfolio", row["id"], label, "source", old_source, p["source"])
            run.report.corrected.append(f"Moyens {label} : ETP à confirmer")


# -- convention : volets, plan de financement, indicateurs, ateliers ---------------------------------
def _volets(run: _Run) -> None:
    conv = read_seed_file("convention.json")
    for v in conv["volets"]:
        found = run.rows("SELECT id, source FROM volet WHERE number = :n", n=v["number"])
        if not found:
            continue
        volet_id = found[0]["id"]
        if found[0]["source"] == OLD_VOLET_SOURCES.get(v["number"]):
            run.run("UPDATE volet SET source = :s WHERE id = :id", s=v["source"], id=volet_id)
        if v.get("cofinancing_rate_pct") is not None:
            n = run.run(
                "UPDATE volet SET cofinancing_rate_pct = :rate, cofinancing_source = :src "
                "WHERE id = :id AND cofinancing_rate_pct IS NULL",
                rate=v["cofinancing_rate_pct"], src=v["cofinancing_source"], id=volet_id,
            )  # fmt: skip
            if n:
                run.report.corrected.append(
                    f"Volet {v['number']} : co-financement du Département à {v['cofinancing_rate_pct']} %"
                )
        if v["number"] == 2:
            _volet2_lines(run, volet_id, v["lines"])


def _volet2_lines(run: _Run, volet_id: int, seed_lines: list[dict[str, Any]]) -> None:
    """La ligne de 807 000 € porte sur l'« Action 2 » (et non sur « ETP d'accompagnement ») ;
    « Action 3 … » et « ETP d'accompagnement » deviennent deux lignes sans chiffres."""
    lines = run.rows(
        "SELECT id, position, objet, precisions, note, montant_cents FROM financement_line "
        "WHERE volet_id = :v ORDER BY position, id",
        v=volet_id,
    )
    first = next((ln for ln in lines if ln["precisions"] == OLD_V2_ACTION_1), None)
    second = next(
        (
            ln
            for ln in lines
            if ln["objet"] == OLD_V2_ETP_OBJET and ln["montant_cents"] == 80_700_000
        ),
        None,
    )
    fields = ("objet", "precisions", "note", "montant_cents", "existant", "cible", "delta")
    if first is None or second is None:
        return  # déjà corrigé (ou plus du tout tel que le jeu initial l'avait écrit)
    if run.touched("financement_line", first["id"], fields) or run.touched(
        "financement_line", second["id"], fields
    ):
        run.report.kept.append("Volet 2 : lignes de l'Action 1 / 807 000 € modifiées, gardées")
        return
    action1, action2, action3, etp = seed_lines[:4]
    run.run("UPDATE financement_line SET precisions = :p, note = :n, version = version + 1 WHERE id = :id",
            p=action1["precisions"], n=action1["note"], id=first["id"])  # fmt: skip
    run.log("financement_line", first["id"], "Volet 2 / Action 1", "precisions", OLD_V2_ACTION_1,
            action1["precisions"])  # fmt: skip
    run.log(
        "financement_line",
        first["id"],
        "Volet 2 / Action 1",
        "note",
        first["note"],
        action1["note"],
    )
    run.run("UPDATE financement_line SET objet = :o, precisions = :p, note = :n, version = version + 1 "
            "WHERE id = :id", o=action2["objet"], p=action2["precisions"], n=action2["note"], id=second["id"])  # fmt: skip
    for k, old in (
        ("objet", second["objet"]),
        ("precisions", second["precisions"]),
        ("note", second["note"]),
    ):
        run.log("financement_line", second["id"], "Volet 2 / Action 2", k, old, action2[k])
    run.run("UPDATE financement_line SET position = position + 2 WHERE volet_id = :v AND position > :p",
            v=volet_id, p=second["position"])  # fmt: skip
    for offset, ln in ((1, action3), (2, etp)):
        run.run(
            "INSERT INTO financement_line (volet_id, position, section, nature, objet, precisions, existant, "
            "cible, delta, montant_cents, financement_complementaire, note, version) VALUES (:v, :pos, :section, "
            ":nature, :objet, :precisions, :existant, :cible, :delta, :montant, :fc, :note, 1)",
            v=volet_id, pos=second["position"] + offset, section=ln["section"], nature=ln["nature"],
            objet=ln["objet"], precisions=ln["precisions"], existant=ln["existant"], cible=ln["cible"],
            delta=ln["delta"], montant=to_cents(ln["montant"]), fc=ln["financement_complementaire"], note=ln["note"],
        )  # fmt: skip
    run.report.corrected.append(
        "Volet 2 : 807 000 € rattachés à l'Action 2 (lignes Action 3 et ETP ajoutées)"
    )


def _indicators(run: _Run) -> None:
    seed = {i["code"]: i for i in read_seed_file("convention.json")["indicators"]}
    for code, old in OLD_INDICATORS.items():
        new = seed[code]
        for column, before, after in zip(
            ("label", "definition", "source"),
            old,
            (new["label"], new["definition"], new["source"]),
            strict=True,
        ):
            if before != after and run.run(
                f"UPDATE indicator_definition SET {column} = :after WHERE code = :code AND {column} = :before",
                after=after, code=code, before=before,
            ):  # fmt: skip
                run.report.corrected.append(f"Indicateur {code} : {column}")


def _ateliers(run: _Run, bassins: dict[str, int]) -> None:
    for at in read_seed_file("convention.json")["ateliers"]:
        old = OLD_ATELIERS.get((at["bassin"], at["date"]))
        if old is None or at["bassin"] not in bassins:
            continue
        olds = dict(zip(("title", "moment", "notes"), old, strict=True))
        olds.update(participants=_PARTICIPANTS, source=OLD_ATELIER_SOURCE)
        for row in run.rows(
            "SELECT id, title, moment, notes, participants, source FROM atelier WHERE bassin_id = :bid "
            "AND date = :day AND kind = 'lancement' AND source = :src",
            bid=bassins[at["bassin"]], day=date.fromisoformat(at["date"]), src=OLD_ATELIER_SOURCE,
        ):  # fmt: skip
            values = {
                k: at[k]
                for k in olds
                if row[k] == olds[k]
                and at[k] != olds[k]
                and not run.touched("atelier", row["id"], (k,))
            }
            if not values:
                continue
            sets = ", ".join(f"{k} = :{k}" for k in values)
            run.run(
                f"UPDATE atelier SET {sets}, version = version + 1 WHERE id = :id",
                id=row["id"],
                **values,
            )
            label = f"Atelier du {date.fromisoformat(at['date']):%d/%m/%Y}"
            for k, v in values.items():
                run.log("atelier", row["id"], label, k, row[k], v)
            run.report.corrected.append(f"{label} : {', '.join(values)}")


def _write_journal(run: _Run) -> None:
    if not run.journal:
        return
    op = str(uuid.uuid4())
    for entry in run.journal:
        run.run(
            "INSERT INTO journal_entry (ts, author, operation_id, operation_label, entity, entity_id, "
            "entity_label, field, old_value, new_value, source) VALUES (:ts, :author, :op, :label, :entity, "
            ":entity_id, :entity_label, :field, :old_value, :new_value, :source)",
            ts=run.now, author=SEED_AUTHOR, op=op, label=LABEL, source=SOURCE, **entry,
        )  # fmt: skip
