"""Contexte applicatif passé aux services (pas de variables globales) et ouverture de la base."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from db.migrate import PrepareResult, prepare_store
from db.seed import load_seed
from db.store import Store
from roadmap_app import __version__, clock
from roadmap_app.paths import default_db_path
from roadmap_app.rules.echeance import parse_echeance
from roadmap_app.services.undo import UndoManager
from roadmap_app.settings import author_name


@dataclass
class AppContext:
    store: Store
    author: str
    prepared: PrepareResult = field(default_factory=PrepareResult)
    undo: UndoManager = field(default_factory=UndoManager)
    #: Feuille de route choisie (id) ; ``None`` : la plus récente (année la plus haute, puis id).
    roadmap_id: int | None = None

    def today(self) -> date:
        return clock.today()

    def close(self) -> None:
        self.store.dispose()


def seed_store(session) -> None:  # type: ignore[no-untyped-def]
    load_seed(session, parse_echeance, __version__)


def resolve_target(db: str | Path | None) -> str | Path:
    return default_db_path() if db in (None, "") else db


def open_context(db: str | Path | None = None, author: str | None = None) -> AppContext:
    """Ouvre (et crée, migre si besoin) la base ; lève ``StoreError`` avec un message français."""
    store = Store(resolve_target(db))
    try:
        prepared = prepare_store(store, seed_store)
    except Exception:
        store.dispose()
        raise
    return AppContext(
        store=store, author=(author or "").strip() or author_name(), prepared=prepared
    )
