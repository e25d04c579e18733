"""Champs fusionnables d'une base, repérés par des clés stables (code d'action, code de bassin)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Atelier, Bassin, JournalEntry, StoreInfo
from roadmap_app.core.bulk import paused_gc

CELL_FIELDS = ("status", "progress", "note")
ATELIER_FIELDS = ("title", "place", "participants", "notes")


#: Indicateurs de suivi : valeurs (hors flux), liens aux actions, et valeurs des 17 flux mensuels
#: (``flux|``). Une clé absente d'un côté vaut « pas de valeur » / « pas de lien » : une valeur
#: saisie ou un lien créé en atelier est nouveau.
INDICATOR_PREFIXES = ("ind|", "lien|", "flux|")
FLOW_PREFIX = "flux|"


def is_indicator_key(key: str) -> bool:
    return key.startswith(INDICATOR_PREFIXES)


def _rows(s: Session, sql: str) -> list[Any]:
    """Lignes brutes du pilote (tuples), sur la connexion de la session : sans les objets ``Row``
    de SQLAlchemy, deux fois plus lents à 162 000 valeurs d'indicateurs. ``sql`` sans paramètre
    (identifiants entiers écrits par ``_ids``), portable (SQLite, PostgreSQL)."""
    cursor = s.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _ids(values: Collection[Any]) -> str:
    """« (1,2,3) » : identifiants entiers pour ``IN`` (jamais vide : l'appelant l'évite)."""
    return "(" + ",".join(str(int(v)) for v in values) + ")"


#: Cellules (action × bassin) : de quoi écrire leurs clés et leurs valeurs.
_CELLS = ("SELECT a.code, a.roadmap_id, ab.id, ab.bassin_id, ab.status, ab.progress, ab.note, ab.version "
          "FROM action a JOIN action_bassin ab ON ab.action_id = a.id")  # fmt: skip


def _indicator_rows(
    s: Session, values: bool = True, links: bool = True, only: dict[str, Collection[int]] | None = None
) -> tuple[list[Any], list[Any]]:
    """Valeurs d'indicateurs et liens ; ``only`` : seulement ces identifiants par entité
    (« indicator_value », « action_indicator »), pour celles qui y sont."""
    only = only or {}
    found = _rows(s,
        "SELECT v.id, d.code, v.bassin_id, v.day, v.value FROM indicator_value v "
        "JOIN indicator_definition d ON d.id = v.indicator_id" + _where("v.id", only.get("indicator_value"))
    ) if values else []  # fmt: skip
    linked = _rows(s,
        "SELECT l.id, a.code, a.roadmap_id, d.code, l.active, l.kind FROM action_indicator l "
        "JOIN action a ON a.id = l.action_id JOIN indicator_definition d ON d.id = l.indicator_id"
        + _where("l.id", only.get("action_indicator"))
    ) if links else []  # fmt: skip
    return found, linked


def _where(column: str, ids: Collection[int] | None) -> str:
    """« WHERE colonne IN (…) » pour ces identifiants ; rien sans identifiants donnés ; une
    condition toujours fausse pour un ensemble vide."""
    if ids is None:
        return ""
    return f" WHERE {column} IN {_ids(ids)}" if ids else " WHERE 1 = 0"


def _flow_rows(s: Session, bassin_ids: list[Any] | None = None) -> list[Any]:
    """Valeurs des flux mensuels ; de ces bassins seulement si ``bassin_ids`` est donné."""
    sql = "SELECT id, indicator, bassin_id, month, value FROM flow_value"
    if bassin_ids is None:
        return _rows(s, sql)
    return _rows(s, f"{sql} WHERE bassin_id IN {_ids(bassin_ids)}") if bassin_ids else []


def flow_key(code: str, bassin: str, month: Any) -> str:
    """« flux|entrants|LEN|2024-09 » : valeur d'un flux mensuel (code, bassin, mois)."""
    return f"flux|{code}|{bassin}|{str(month)[:7]}"


def flow_base_from_journal(s: Session, after_id: int, theirs: dict[str, Any]) -> dict[str, Any]:
    """État de départ des flux d'un paquet exporté avant qu'ils ne voyagent (pas de clé ``flux|``
    dans son état de départ) : la valeur du paquet si son journal ne la change pas depuis
    l'export, sinon l'ancienne valeur de son premier changement."""
    bassins = {b.id: b.code for b in s.exec(select(Bassin)).all()}
    ids = {
        vid: flow_key(code, bassins.get(bid, ""), month)
        for vid, code, bid, month, _v in _flow_rows(s)
    }
    first_old: dict[str, Any] = {}
    for entity_id, old in s.connection().execute(
        sa_select(col(JournalEntry.entity_id), col(JournalEntry.old_value))
        .where(col(JournalEntry.id) > after_id, col(JournalEntry.entity) == "flow_value",
               col(JournalEntry.field) == "value")
        .order_by(col(JournalEntry.id))
    ):  # fmt: skip
        key = ids.get(entity_id)
        if key is not None:
            first_old.setdefault(key + "|value", None if old is None else json.loads(old))
    base = {k: v for k, v in theirs.items() if k.startswith(FLOW_PREFIX) and k not in first_old}
    base.update({k: v for k, v in first_old.items() if v is not None})
    return base


def indicator_value_key(code: str, bassin: str, day: str) -> str:
    return f"ind|{code}|{bassin}|{str(day)[:10]}"


def link_key(action: str, roadmap_id: int, code: str) -> str:
    return f"lien|{action}@{roadmap_id}|{code}"


def cell_key(code: str, bassin: str, field: str) -> str:
    return f"{code}|{bassin}|{field}"


def atelier_key(atelier_id: int, field: str) -> str:
    return f"atelier|{atelier_id}|{field}"


@dataclass(frozen=True)
class Provenance:
    author: str
    ts: datetime | None


@paused_gc()
def mergeable_state(
    s: Session,
    series: Collection[str] | None = None,
    *,
    only: Collection[str] | None = None,
    with_ids: bool = True,
) -> dict[str, Any]:
    """{clé → valeur} pour chaque champ fusionnable, plus les identifiants pour écrire ; les valeurs
    d'indicateurs par série (``SERIES``), seulement celles nommées dans ``series`` s'il est donné.

    ``only`` : les clés dont la fusion a besoin ; seuls les statuts et les flux de leurs bassins,
    et les liens s'il y en a, sont lus (l'état rendu peut contenir d'autres clés, jamais en
    omettre une d'``only`` qui existe dans la base). ``with_ids`` : sans les identifiants (état
    d'un paquet, qui n'est jamais écrit)."""
    bassins = {b.id: b.code for b in s.exec(select(Bassin)).all()}
    cell_bassins: list[Any] | None = None
    flow_bassins: list[Any] | None = None
    links_needed = True
    if only is not None:
        wanted_cells = {k.split("|", 2)[1] for k in only if not k.startswith((*INDICATOR_PREFIXES, "atelier|"))}
        wanted_flows = {k.split("|", 3)[2] for k in only if k.startswith(FLOW_PREFIX)}
        cell_bassins = [i for i, code in bassins.items() if code in wanted_cells]
        flow_bassins = [i for i, code in bassins.items() if code in wanted_flows]
        links_needed = any(k.startswith("lien|") for k in only)
    # lignes brutes (31 500 cellules à 100×)
    if cell_bassins is None:
        rows = _rows(s, _CELLS)
    else:
        rows = _rows(s, f"{_CELLS} WHERE ab.bassin_id IN {_ids(cell_bassins)}") if cell_bassins else []
    values: dict[str, Any] = {}
    ids: dict[str, tuple[str, int, int]] = {}
    assert CELL_FIELDS == ("status", "progress", "note")  # clés de ``cell_key``, écrites à la main ici
    if with_ids:
        for code, roadmap_id, cell_id, bassin_id, status, progress, note, version in rows:
            prefix = f"{code}@{roadmap_id}|{bassins[bassin_id]}|"
            ident = ("action_bassin", cast(int, cell_id), version)  # une ligne, ses trois champs
            values[prefix + "status"], values[prefix + "progress"], values[prefix + "note"] = status, progress, note
            ids[prefix + "status"] = ids[prefix + "progress"] = ids[prefix + "note"] = ident
    else:
        for code, roadmap_id, _cell_id, bassin_id, status, progress, note, _version in rows:
            prefix = f"{code}@{roadmap_id}|{bassins[bassin_id]}|"
            values[prefix + "status"], values[prefix + "progress"], values[prefix + "note"] = status, progress, note
    for a in s.exec(select(Atelier)).all():
        assert a.id is not None
        for field in ATELIER_FIELDS:
            key = atelier_key(a.id, field)
            values[key] = getattr(a, field)
            ids[key] = ("atelier", a.id, a.version)
    _none, links = _indicator_rows(s, values=False, links=links_needed)
    for _lid, action, roadmap_id, code, active, kind in links:
        if active:
            prefix = link_key(action, roadmap_id, code)
            values[prefix + "|active"], values[prefix + "|kind"] = True, kind
    for _fid, code, bassin_id, month, value in _flow_rows(s, flow_bassins):
        if value is not None:
            key = flow_key(code, bassins.get(bassin_id, ""), month) + "|value"
            values[key] = value
    # (entité, identifiant, version) des statuts et des ateliers seulement (écrits par ligne et
    # version) ; indicateurs, liens et flux s'écrivent par leur clé. Le paquet ne les garde pas.
    return {"values": values, "ids": ids if with_ids else {}, SERIES: indicator_series(s, bassins, series)}


#: Partie de l'état fusionnable qui porte les valeurs d'indicateurs (hors flux) par série :
#: « CODE|BASSIN » → [jour, valeur, jour, valeur…] (jours croissants « AAAA-MM-JJ », valeurs non
#: vides). Deux séries égales ont les mêmes valeurs jour par jour : la fusion ne détaille en clés
#: « ind|CODE|BASSIN|JOUR|value » que les séries qui diffèrent (162 000 valeurs à 100×). Les
#: paquets d'avant la portaient clé par clé dans « values » (``split_series`` les regroupe).
SERIES = "series"


def indicator_series(
    s: Session, bassins: dict[Any, str], only: Collection[str] | None = None
) -> dict[str, list[Any]]:
    """Séries des valeurs d'indicateurs de la base, sans une clé par valeur ; celles d'``only``
    seulement s'il est donné (« CODE|BASSIN » : seuls les indicateurs nommés sont lus)."""
    codes: dict[Any, str] = dict(_rows(s, "SELECT id, code FROM indicator_definition"))
    if only is not None:
        wanted = {name.split("|", 1)[0] for name in only}
        ids = [i for i, code in codes.items() if code in wanted]
        if not ids:
            return {}
        rows = _rows(s, "SELECT indicator_id, bassin_id, day, value FROM indicator_value "
                        f"WHERE value IS NOT NULL AND indicator_id IN {_ids(ids)} ORDER BY indicator_id, bassin_id, day")  # fmt: skip
    else:
        rows = _rows(s, "SELECT indicator_id, bassin_id, day, value FROM indicator_value "
                        "WHERE value IS NOT NULL ORDER BY indicator_id, bassin_id, day")  # fmt: skip
    found: dict[str, list[Any]] = {}
    current: tuple[Any, Any] | None = None
    flat: list[Any] = []
    last = ""
    for ind, bassin_id, day, value in rows:
        if (ind, bassin_id) != current:
            current, last = (ind, bassin_id), ""
            flat = found.setdefault(f"{codes.get(ind, '')}|{bassins.get(bassin_id, '')}", [])
        d = str(day)[:10]
        if d == last:  # même jour deux fois : la dernière valeur, comme une clé par valeur
            flat[-1] = value
        else:
            flat += (d, value)
            last = d
    if only is not None:
        return {name: flat for name, flat in found.items() if name in only}
    return found


def split_series(values: dict[str, Any]) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """(séries, autres clés) d'un état écrit avec une clé par valeur d'indicateur (paquets d'avant)."""
    per_series: dict[str, dict[str, Any]] = {}
    rest: dict[str, Any] = {}
    for key, value in values.items():
        if key.startswith("ind|") and key.endswith("|value"):
            if value is not None:
                prefix, day, _field = key.rsplit("|", 2)
                per_series.setdefault(prefix[4:], {})[day] = value
        else:
            rest[key] = value
    found = {k: [x for item in sorted(days.items()) for x in item] for k, days in per_series.items()}
    return found, rest


#: Révision du schéma qui fond les nationaux dans leur flux (migration 0016) : l'état de départ
#: d'un paquet exporté avant peut porter leurs codes (``fused_keys``).
FUSION_REVISION = 16


def exported_before_fusion(schema_revision: str) -> bool:
    """Le paquet (révision du schéma à son export) a-t-il été exporté avant la fusion ?"""
    return not (schema_revision.isdigit() and int(schema_revision) >= FUSION_REVISION)


def fused_keys(
    values: dict[str, Any], series: dict[str, list[Any]], *, keys: bool = True
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """(valeurs, séries) d'un état écrit avant la fusion des indicateurs nationaux dans leur flux
    (``indicators.model.FUSED_INTO_FLOW``, migration 0016), réécrites comme la migration l'a fait
    dans la base : « ind|M2|LEN|2025-03-01|value » (ou la série « M2|LEN ») devient
    « flux|delai_premier_entretien|LEN|2025-03|value », sauf si le flux a déjà sa valeur ce
    mois-là (elle reste) ; « lien|A@1|M2|… » devient le lien au flux (une action liée aux deux
    garde un lien, « TDB national » si l'un l'était). Sans code fondu : les mêmes objets, rendus
    tels quels (rien n'est recopié).

    ``keys=False`` : seules les séries sont examinées (9 000 à 100×, 2 ms) et non les 150 000
    clés (50 ms) ; pour un état lu dans une base migrée, dont les liens actifs et les clés ne
    portent plus de code fondu (seule une valeur nationale écartée par la migration, restée
    sur la ligne archivée, y fait encore une série)."""
    from roadmap_app.indicators.model import FUSED_INTO_FLOW

    fused = FUSED_INTO_FLOW.get  # codes tels que la base les écrit
    names = [name for name in series if name.split("|", 1)[0] in FUSED_INTO_FLOW]
    if not names and not (keys and any(k.split("|", 3)[2 if k[0] == "l" else 1] in FUSED_INTO_FLOW
                                       for k in values if k.startswith(("ind|", "lien|")))):  # fmt: skip
        return values, series
    # valeurs nationales par clé de flux : (jour, valeur) ; deux valeurs d'un même mois, la
    # première (la migration reprend la première, puis garde le flux ainsi rempli)
    national: dict[str, tuple[str, Any]] = {}

    def add(flow: str, bassin: str, day: str, value: Any) -> None:
        if bassin and value is not None:
            key = flow_key(flow, bassin, day) + "|value"
            if key not in national or day < national[key][0]:
                national[key] = (day, value)

    for name in names:
        code, bassin = name.split("|", 1)
        flat = series[name]
        for day, value in zip(flat[::2], flat[1::2], strict=True):
            add(FUSED_INTO_FLOW[code], bassin, str(day), value)
    out: dict[str, Any] = {}
    for key, value in values.items():
        parts = key.split("|")
        if parts[0] == "ind" and len(parts) == 5 and (flow := fused(parts[1])):
            if parts[4] == "value":
                add(flow, parts[2], parts[3], value)
        elif parts[0] == "lien" and len(parts) == 4 and (flow := fused(parts[2])):
            renamed = f"lien|{parts[1]}|{flow}|{parts[3]}"
            if parts[3] == "kind" and renamed in values:  # lié aux deux : « tdb » si l'un l'était
                value = "tdb" if "tdb" in (value, values[renamed]) else values[renamed]
            out[renamed] = value
        elif key not in out:  # un lien au flux déjà réécrit garde sa sorte (« tdb » l'emporte)
            out[key] = value
    for key, (_day, value) in national.items():
        out.setdefault(key, value)  # le flux l'emporte sur le national, comme la migration
    return out, {name: flat for name, flat in series.items() if name not in names}


def expand_series(series_key: str, flat: list[Any] | None) -> dict[str, Any]:
    """{« ind|CODE|BASSIN|JOUR|value » → valeur} d'une série (clés de la fusion champ par champ)."""
    if not flat:
        return {}
    return {f"ind|{series_key}|{day}|value": value for day, value in zip(flat[::2], flat[1::2], strict=True)}



def entity_keys(
    s: Session, entities: Collection[str] | None = None, ids: dict[str, Collection[int]] | None = None
) -> dict[tuple[str, int], str]:
    """(entité, id) → préfixe de clé, pour rattacher les entrées du journal aux champs ; seulement
    les sortes d'``entities`` si elles sont données (les autres tables ne sont pas lues), et pour
    une sorte présente dans ``ids``, seulement ces lignes."""

    def wanted(entity: str) -> bool:
        return entities is None or entity in entities

    ids = ids or {}
    bassins = {b.id: b.code for b in s.exec(select(Bassin)).all()}
    found: dict[tuple[str, int], str] = {}
    if wanted("action_bassin"):
        for code, roadmap_id, cell_id, bassin_id, *_values in _rows(s, _CELLS + _where("ab.id", ids.get("action_bassin"))):
            found[("action_bassin", cast(int, cell_id))] = f"{code}@{roadmap_id}|{bassins[bassin_id]}"
    if wanted("atelier"):
        for a in s.exec(select(Atelier)).all():
            assert a.id is not None
            found[("atelier", a.id)] = f"atelier|{a.id}"
    ind_values, links = _indicator_rows(s, wanted("indicator_value"), wanted("action_indicator"), ids)
    for vid, code, bassin_id, day, _value in ind_values:
        found[("indicator_value", vid)] = indicator_value_key(code, bassins.get(bassin_id, ""), day)
    for lid, action, roadmap_id, code, _active, _kind in links:
        found[("action_indicator", lid)] = link_key(action, roadmap_id, code)
    if wanted("flow_value"):
        flow_ids = ids.get("flow_value")
        rows = _rows(s, "SELECT id, indicator, bassin_id, month, value FROM flow_value" + _where("id", flow_ids))
        for fid, code, bassin_id, month, _value in rows:
            found[("flow_value", fid)] = flow_key(code, bassins.get(bassin_id, ""), month)
    return found


#: Au-delà, les lignes d'une table que le journal touche sont toutes lues plutôt que nommées.
_NAMED_ROWS = 5000


def provenance_after(s: Session, after_id: int) -> dict[str, tuple[Provenance, Any]]:
    """Dernière modification de chaque champ après l'entrée ``after_id`` du journal : (qui/quand, nouvelle valeur).

    Seules les lignes que ces entrées touchent sont relues (par identifiant, ou toute la table
    au-delà de quelques milliers) : à 100×, ni les 31 500 cellules ni les 162 000 valeurs
    d'indicateurs quand l'atelier a changé 2 000 statuts."""
    entries = s.connection().execute(
        sa_select(col(JournalEntry.entity), col(JournalEntry.entity_id), col(JournalEntry.field),
                  col(JournalEntry.author), col(JournalEntry.ts), col(JournalEntry.new_value))
        .where(col(JournalEntry.id) > after_id).order_by(col(JournalEntry.id))
    ).all()  # fmt: skip
    if not entries:
        return {}
    touched: dict[str, set[int]] = {}
    for entity, entity_id, *_rest in entries:
        touched.setdefault(entity, set()).add(entity_id)
    keys = entity_keys(s, touched, {e: i for e, i in touched.items() if len(i) <= _NAMED_ROWS})
    found: dict[str, tuple[Provenance, Any]] = {}
    for entity, entity_id, field, author, ts, new_value in entries:
        prefix = keys.get((entity, entity_id))
        if prefix is None:
            continue
        found[f"{prefix}|{field}"] = (Provenance(author, ts), None if new_value is None else json.loads(new_value))
    return found


def max_journal_id(s: Session) -> int:
    value = s.exec(select(func.coalesce(func.max(JournalEntry.id), 0))).one()
    return int(value or 0)


def store_uuid(s: Session) -> str:
    info = s.exec(select(StoreInfo)).first()
    return "" if info is None else info.store_uuid


def canonical(data: Any) -> bytes:
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "big"))
        h.update(p)
    return h.hexdigest()
