"""Copie intégrale d'une base vers une autre (SQLite ⇄ PostgreSQL), vérifiée par comptes et empreintes.

Le journal, les instantanés et toutes les tables suivent : la copie parcourt la métadonnée complète.
La destination doit être vide ; son schéma est créé par les migrations Alembic, puis toutes les
lignes sont copiées dans une seule transaction, vérifiées, et validées seulement si tout concorde.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import db.models
from db.errors import StoreError
from db.migrate import prepare_store
from db.schema import HEAD, current_revision, has_user_tables
from db.store import Store

CHUNK = 2000
#: avancement (tables copiées, tables, nom) : la forme de ``roadmap_app.core.progress``
Progress = Callable[[int, int, str], None]


@dataclass
class TableReport:
    name: str
    rows: int
    checksum: str


@dataclass
class CopyReport:
    source: str
    target: str
    tables: list[TableReport] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


def _tables() -> list[Table]:
    db.models.load_all()
    return [t for t in SQLModel.metadata.sorted_tables]


def _canonical(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(round(value, 9))
    if isinstance(value, Decimal):
        return str(value.normalize())
    return str(value)


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def table_fingerprint(conn: Connection, table: Table) -> TableReport:
    digest = hashlib.sha256()
    rows = 0
    for row in conn.execute(select(table).order_by(*_order(table))):
        digest.update("\x1f".join(_canonical(v) for v in row).encode("utf-8"))
        digest.update(b"\x1e")
        rows += 1
    return TableReport(table.name, rows, digest.hexdigest())


def fingerprint(store: Store) -> list[TableReport]:
    with store.connection() as conn:
        return [table_fingerprint(conn, t) for t in _tables()]


def copy_store(source: Store, target: Store, progress: Progress | None = None) -> CopyReport:
    """Copie ``source`` (à jour) dans ``target`` (vide). Lève ``StoreError`` en français sinon."""
    with source.connection() as conn:
        rev = current_revision(conn)
    if rev != HEAD:
        raise StoreError(
            f"La base source n'est pas au schéma attendu ({rev} au lieu de {HEAD}) ; ouvrez-la d'abord."
        )
    with target.connection() as conn:
        if has_user_tables(conn):
            raise StoreError(
                f"La base de destination « {target.display_name} » n'est pas vide : la copie n'écrase jamais "
                "une base existante. Choisissez une base neuve."
            )
    prepare_store(target, seeder=None)  # schéma par les migrations, sans jeu initial

    report = CopyReport(source.display_name, target.display_name)
    tables = _tables()
    with source.connection() as src, target.connection() as dst, dst.begin():
        for i, table in enumerate(tables, 1):
            if progress:
                progress(i, len(tables), table.name)
            cols = [c.name for c in table.columns]
            result = src.execute(select(table).order_by(*_order(table)))
            while batch := result.fetchmany(CHUNK):
                dst.execute(table.insert(), [dict(zip(cols, row, strict=True)) for row in batch])
        if dst.dialect.name == "postgresql":
            _reset_sequences(dst, tables)
        # vérification avant validation : comptes et empreintes identiques, table par table
        for table in tables:
            a = table_fingerprint(src, table)
            b = table_fingerprint(dst, table)
            if (a.rows, a.checksum) != (b.rows, b.checksum):
                raise StoreError(
                    f"Vérification échouée pour la table « {table.name} » ({a.rows} lignes à la source, "
                    f"{b.rows} copiées) : la copie est annulée, la destination reste vide."
                )
            report.tables.append(b)
    return report


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
            continue
        seq = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
        ).scalar()
        if seq:
            top = conn.execute(select(func.max(pk[0]))).scalar()
            conn.execute(
                text("SELECT setval(:s, :v, :called)"),
                {"s": seq, "v": top or 1, "called": top is not None},
            )
