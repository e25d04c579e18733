"""Contexte applicatif passé aux services (pas de variables globales) et ouverture de la base."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from db.migrate import PrepareResult, prepare_store
from db.store import Store
from roadmap_app import __version__, clock
from roadmap_app.paths import default_db_path
from roadmap_app.services.undo import UndoManager
from roadmap_app.settings import author_name, saved_store


@dataclass
class AppContext:
    store: Store
    author: str
    prepared: PrepareResult = field(default_factory=PrepareResult)
    undo: UndoManager = field(default_factory=UndoManager)
    #: Feuille de route choisie (id) ; ``None`` : la plus récente (année la plus haute, puis id).
    roadmap_id: int | None = None
    #: Dernières lectures du plan, valables tant que ``store.revision()`` ne change pas
    #: (tableau de bord, Feuille de route et instantané partagent alors la même lecture).
    reads: dict[Any, Any] = field(default_factory=dict)
    #: d'où viennent les modifications, inscrit au journal : « gui » (fenêtre) ou « cli » (commande)
    origin: str = "gui"

    def today(self) -> date:
        return clock.today()

    def close(self) -> None:
        self.store.dispose()


def seed_store(session) -> None:  # type: ignore[no-untyped-def]
    """Base neuve : le plan réel (chargé seulement dans ce cas, pas à chaque démarrage)."""
    from db.seed import load_seed
    from roadmap_app.rules.echeance import parse_echeance

    load_seed(session, parse_echeance, __version__)


DB_ENV = "ROADMAP_APP_DB"


def resolve_target(db: str | Path | None) -> str | Path:
    """Base à ouvrir : ``--db``, sinon ``ROADMAP_APP_DB``, sinon la préférence enregistrée
    (« base partagée »), sinon le fichier SQLite du dossier utilisateur."""
    if db is not None and str(db) != "":
        return db
    env = os.environ.get(DB_ENV, "").strip()
    if env:
        return env
    return saved_store() or default_db_path()


def open_context(
    db: str | Path | None = None, author: str | None = None, *, check_later: bool = False
) -> AppContext:
    """Ouvre (et crée, migre si besoin) la base ; lève ``StoreError`` avec un message français.

    ``check_later`` : voir ``prepare_store`` ; l'appelant attend ``ctx.prepared.failure()`` avant
    de montrer ou d'écrire quoi que ce soit."""
    store = Store(resolve_target(db))
    try:
        prepared = prepare_store(store, seed_store, check_later=check_later)
    except Exception:
        store.dispose()
        raise
    return AppContext(
        store=store, author=(author or "").strip() or author_name(), prepared=prepared
    )
