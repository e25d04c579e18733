"""Indicateurs de suivi du jeu initial (resources/seed/indicateurs.json).

Complète les indicateurs nationaux de l'annexe 4 (sens, fréquence, source « TDB national ») et
ajoute les 17 flux mensuels BRSA comme indicateurs (``storage = "flux"``). Utilisé à la création
d'une base et par la migration 0015 pour une base existante : les deux aboutissent au même
contenu ; les valeurs et cibles des flux restent où elles sont.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from db.seed.corrections import journal_value
from db.seed.loader import read_seed_file

FLUX_SOURCE = "Flux mensuels BRSA par bassin (roadmap_app/flows/catalogue.py) ; codes nationaux : annexe 4"


def seed_indicators(conn: Connection) -> int:
    """Renseigne les indicateurs nationaux et ajoute les flux absents ; renvoie le nombre de flux ajoutés."""
    data: dict[str, Any] = read_seed_file("indicateurs.json")
    if conn.execute(text("SELECT COUNT(*) FROM bassin")).scalar() == 0:
        return 0  # base neuve : le jeu initial appellera cette fonction après la convention
    for code, attrs in data["national"].items():
        conn.execute(
            text(
                "UPDATE indicator_definition SET direction = :direction, frequency = :frequency, "
                "provenance = :provenance, scope = :scope, storage = 'valeurs' WHERE code = :code"
            ),
            {"code": code, **{k: attrs[k] for k in ("direction", "frequency", "provenance", "scope")}},
        )
    known = {c for (c,) in conn.execute(text("SELECT code FROM indicator_definition")).all()}
    last = conn.execute(text("SELECT COALESCE(MAX(position), 0) FROM indicator_definition")).scalar()
    position = int(last or 0)
    added = 0
    for row in data["flux"]:
        if row["code"] in known:
            continue
        position += 1
        conn.execute(
            text(
                "INSERT INTO indicator_definition (code, label, category, volet, definition, unit, "
                "source, position, annexe, direction, frequency, scope, provenance, storage, "
                "roadmap_id, archived, version) VALUES (:code, :label, 'flux', 3, :definition, :unit, "
                ":source, :position, :annexe, :direction, 'month', 'bassin', :provenance, 'flux', "
                "NULL, :archived, 1)"
            ),
            {**row, "source": FLUX_SOURCE, "position": position, "archived": False},
        )
        added += 1
    return added


def seed_fusion(conn: Connection) -> FusionReport:
    """Base neuve : les indicateurs nationaux qui mesurent un flux y sont fondus (rien à déplacer)."""
    return fuse_national_into_flows(conn, fused_map())


# -- fusion des indicateurs nationaux qui mesurent un flux --------------------------------------------
_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
FUSION_AUTHOR = "mise à jour de la base"


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass
class FusionReport:
    """Ce que la fusion a fait : par code national, valeurs reprises, valeurs écartées (le flux
    avait une autre valeur ce mois-là : la sienne est gardée), liens, cibles, références."""

    moved: dict[str, int] = field(default_factory=dict)
    kept_flow: list[str] = field(default_factory=list)
    links: int = 0
    steps: int = 0


def fuse_national_into_flows(conn: Connection, fused: dict[str, str]) -> FusionReport:
    """Fond chaque indicateur national ``fused`` (code → code du flux) dans son flux : une seule
    série, sous le flux. Rien n'est supprimé, tout est journalisé en une opération (annulable).

    - liens actifs → lien au flux (même action, même sorte ; « tdb » si l'un des deux l'était) ;
    - valeurs → ``flow_value`` du même bassin et mois ; si le flux a déjà une autre valeur ce
      mois-là, elle est gardée, la valeur nationale reste sur la ligne archivée et l'entrée du
      journal dit les deux (l'annuler reprend la valeur nationale) ;
    - cibles → ``flow_target`` (« min » si plus haut est mieux, « max » sinon) ; références →
      références du flux (une référence différente à la même date : celle du flux est gardée) ;
    - la définition nationale est archivée : son code reste une clé reconnue
      (``roadmap_app.indicators.model.canonical_code``).
    """
    report = FusionReport()
    defs = {code: (i, direction, archived) for i, code, direction, archived, storage, rm in conn.execute(text(
        "SELECT id, code, direction, archived, storage, roadmap_id FROM indicator_definition"
    )).all() if rm is None and (storage == "flux" or code in fused)}  # fmt: skip
    pairs = [(nat, flow) for nat, flow in fused.items() if nat in defs and flow in defs]
    if not pairs:
        return report
    bassins: dict[int, str] = {i: n for i, n in conn.execute(text("SELECT id, name FROM bassin")).all()}
    now = datetime.now(UTC).replace(tzinfo=None)
    entries: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []  # valeurs nationales écartées : une opération à part

    def journal(entity: str, entity_id: int, label: str, fld: str, old: Any, new: Any) -> None:
        entries.append({"entity": entity, "entity_id": entity_id, "entity_label": label[:200], "field": fld,
                        "old_value": journal_value(old), "new_value": journal_value(new)})  # fmt: skip

    for nat, flow in pairs:
        nat_id, direction, nat_archived = defs[nat]
        flow_id = defs[flow][0]
        # liens
        flow_links = {a: (i, kind, bool(active)) for i, a, kind, active in conn.execute(text(
            "SELECT id, action_id, kind, active FROM action_indicator WHERE indicator_id = :f"), {"f": flow_id})}  # fmt: skip
        for link_id, action_id, kind in conn.execute(text(
            "SELECT id, action_id, kind FROM action_indicator WHERE indicator_id = :n AND active = :t"),
            {"n": nat_id, "t": True}).all():  # fmt: skip
            label = f"{nat} → {flow} (action {action_id})"
            conn.execute(text("UPDATE action_indicator SET active = :f, version = version + 1 WHERE id = :i"),
                         {"f": False, "i": link_id})  # fmt: skip
            journal("action_indicator", link_id, label, "active", True, False)
            found = flow_links.get(action_id)
            if found is None:
                new_id = conn.execute(text(
                    "INSERT INTO action_indicator (action_id, indicator_id, kind, active, version) "
                    "VALUES (:a, :f, :k, :t, 1) RETURNING id"), {"a": action_id, "f": flow_id, "k": kind, "t": True},
                ).scalar_one()  # fmt: skip
                journal("action_indicator", new_id, label, "active", False, True)
            else:
                fid, fkind, factive = found
                new_kind = "tdb" if "tdb" in (kind, fkind) and factive else kind
                if not factive or new_kind != fkind:
                    conn.execute(text("UPDATE action_indicator SET active = :t, kind = :k, version = version + 1 "
                                      "WHERE id = :i"), {"t": True, "k": new_kind, "i": fid})  # fmt: skip
                    if not factive:
                        journal("action_indicator", fid, label, "active", False, True)
                    if new_kind != fkind:
                        journal("action_indicator", fid, label, "kind", fkind, new_kind)
            report.links += 1
        # valeurs
        flow_values = {(b, _day(m)): (i, v) for i, b, m, v in conn.execute(text(
            "SELECT id, bassin_id, month, value FROM flow_value WHERE indicator = :c"), {"c": flow})}  # fmt: skip
        for bid, day, value, at, by in conn.execute(text(
            "SELECT bassin_id, day, value, updated_at, updated_by FROM indicator_value "
            "WHERE indicator_id = :n AND value IS NOT NULL AND bassin_id IS NOT NULL ORDER BY day"), {"n": nat_id}).all():  # fmt: skip
            month = _day(day).replace(day=1)
            where = f"{flow} / {bassins.get(bid, bid)} / {_MONTHS[month.month - 1]} {month.year}"
            row = flow_values.get((bid, month))
            if row is not None and row[1] is not None:
                if float(row[1]) != float(value):
                    report.kept_flow.append(f"{where} : {nat} valait {value:g}, le flux {float(row[1]):g} (gardé)")
                    conflicts.append({"entity": "flow_value", "entity_id": row[0], "field": "value",
                                      "entity_label": f"{where} (valeur de {nat} : {value:g} ; valeur du flux gardée)"[:200],
                                      "old_value": journal_value(float(value)), "new_value": journal_value(float(row[1]))})  # fmt: skip
                continue
            if row is None:
                row_id = conn.execute(text(
                    "INSERT INTO flow_value (bassin_id, month, indicator, value, updated_at, updated_by, version) "
                    "VALUES (:b, :m, :c, :v, :at, :by, 1) RETURNING id"),
                    {"b": bid, "m": month, "c": flow, "v": float(value), "at": at or now, "by": by or ""},
                ).scalar_one()  # fmt: skip
            else:
                row_id = row[0]
                conn.execute(text("UPDATE flow_value SET value = :v, updated_at = :at, updated_by = :by, "
                                  "version = version + 1 WHERE id = :i"),
                             {"v": float(value), "at": at or now, "by": by or "", "i": row_id})  # fmt: skip
            flow_values[(bid, month)] = (row_id, value)
            journal("flow_value", row_id, f"{where} (repris de {nat})", "value", None, float(value))
            report.moved[nat] = report.moved.get(nat, 0) + 1
        # cibles et références
        for kind, bid, value, eff, year, label in conn.execute(text(
            "SELECT kind, bassin_id, value, effective_from, year, label FROM indicator_target "
            "WHERE indicator_id = :n AND value IS NOT NULL ORDER BY effective_from, id"), {"n": nat_id}).all():  # fmt: skip
            eff = _day(eff)
            where = f"{flow} / {bassins.get(bid, 'tous les bassins')} / {eff:%d/%m/%Y}"
            if kind == "target":
                t_kind = "min" if direction == "up" else "max"
                same = conn.execute(text(
                    "SELECT id, value FROM flow_target WHERE indicator = :c AND kind = :k AND effective_from = :e AND "
                    + ("bassin_id IS NULL" if bid is None else "bassin_id = :b")),
                    {"c": flow, "k": t_kind, "e": eff, "b": bid}).first()  # fmt: skip
                if same is not None and same[1] is not None:
                    continue  # une cible du flux à cette date : elle prime
                if same is None:
                    row_id = conn.execute(text(
                        "INSERT INTO flow_target (indicator, bassin_id, kind, value, effective_from, label, source, "
                        "version) VALUES (:c, :b, :k, :v, :e, :l, :s, 1) RETURNING id"),
                        {"c": flow, "b": bid, "k": t_kind, "v": float(value), "e": eff, "l": label or "",
                         "s": f"cible de {nat} (indicateur national fondu dans ce flux)"}).scalar_one()  # fmt: skip
                else:
                    row_id = same[0]
                    conn.execute(text("UPDATE flow_target SET value = :v, version = version + 1 WHERE id = :i"),
                                 {"v": float(value), "i": row_id})  # fmt: skip
                journal("flow_target", row_id, f"{where} (cible de {nat})", "value", None, float(value))
            else:
                same = conn.execute(text(
                    "SELECT id, value FROM indicator_target WHERE indicator_id = :f AND kind = :k AND "
                    "effective_from = :e AND " + ("bassin_id IS NULL" if bid is None else "bassin_id = :b")),
                    {"f": flow_id, "k": kind, "e": eff, "b": bid}).first()  # fmt: skip
                if same is not None and same[1] is not None:
                    continue
                if same is None:
                    row_id = conn.execute(text(
                        "INSERT INTO indicator_target (indicator_id, bassin_id, kind, value, effective_from, year, "
                        "label, updated_at, updated_by, version) VALUES (:f, :b, :k, :v, :e, :y, :l, :at, :by, 1) "
                        "RETURNING id"),
                        {"f": flow_id, "b": bid, "k": kind, "v": float(value), "e": eff, "y": year, "l": label or "",
                         "at": now, "by": FUSION_AUTHOR}).scalar_one()  # fmt: skip
                else:
                    row_id = same[0]
                    conn.execute(text("UPDATE indicator_target SET value = :v, version = version + 1 WHERE id = :i"),
                                 {"v": float(value), "i": row_id})  # fmt: skip
                journal("indicator_target", row_id, f"{where} (référence de {nat})", "value", None, float(value))
            report.steps += 1
        if not nat_archived:
            conn.execute(text("UPDATE indicator_definition SET archived = :t, version = version + 1 WHERE id = :i"),
                         {"t": True, "i": nat_id})  # fmt: skip
            journal("indicator_definition", nat_id, f"{nat} (fondu dans {flow})", "archived", False, True)
    if entries and conn.execute(text("SELECT COUNT(*) FROM journal_entry")).scalar():
        # base en service (pas une base neuve) : la fusion se lit dans l'historique et s'annule ;
        # les valeurs nationales écartées forment une seconde opération, dont l'annulation les
        # reprend à la place de celles du flux
        label = f"Indicateurs nationaux fondus dans leur flux BRSA ({', '.join(nat for nat, _f in pairs)})"
        for rows, what in ((entries, label), (conflicts, "Valeurs nationales écartées à la fusion (valeur du flux "
                                                           "gardée ; annuler pour reprendre la valeur nationale)")):  # fmt: skip
            if rows:
                op = str(uuid.uuid4())
                conn.execute(insert_journal(), [{**e, "ts": now, "author": FUSION_AUTHOR, "operation_id": op,
                                                  "operation_label": what, "source": "migration",
                                                  "reverts_operation_id": None, "atelier_id": None} for e in rows])  # fmt: skip
    return report


def insert_journal() -> Any:
    return text(
        "INSERT INTO journal_entry (ts, author, operation_id, operation_label, entity, entity_id, entity_label, "
        "field, old_value, new_value, source, reverts_operation_id, atelier_id) VALUES (:ts, :author, "
        ":operation_id, :operation_label, :entity, :entity_id, :entity_label, :field, :old_value, :new_value, "
        ":source, :reverts_operation_id, :atelier_id)"
    )


def fused_map() -> dict[str, str]:
    """Code national → code du flux (``resources/seed/indicateurs.json``, clé ``fondu_dans``)."""
    data: dict[str, Any] = read_seed_file("indicateurs.json")
    return {code: attrs["fondu_dans"] for code, attrs in data["national"].items() if attrs.get("fondu_dans")}
