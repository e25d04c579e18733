"""Contexte applicatif passé aux services (pas de variables globales) et ouverture de la base."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from db.connection_errors import StoreAuthError
from db.errors import StoreError
from db.lock import StoreUsage
from db.migrate import PrepareResult, prepare_store
from db.network import refuse_network_share
from db.store import Store, server_read_only_reason
from roadmap_app import __version__
from roadmap_app.core import clock
from roadmap_app.core.paths import default_db_path
from roadmap_app.core.settings import author_name, saved_store
from roadmap_app.core.undo import UndoManager


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
    #: Inscription de ce programme comme utilisateur de la base (fichier SQLite), levée à ``close``.
    usage: StoreUsage | None = None
    #: d'où viennent les modifications, inscrit au journal : « gui » (fenêtre) ou « cli » (commande)
    origin: str = "gui"

    def today(self) -> date:
        return clock.today()

    def close(self) -> None:
        self.store.dispose()
        if self.usage is not None:
            self.usage.release()


def seed_store(session) -> None:  # type: ignore[no-untyped-def]
    """Base neuve : le plan réel (chargé seulement dans ce cas, pas à chaque démarrage)."""
    from db.seed import load_seed
    from roadmap_app.core.echeance import parse_echeance

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


#: Demande le mot de passe du serveur (``display_name`` de la base) ; ``None`` : abandon.
PasswordPrompt = Callable[[str], "str | None"]
PASSWORD_ATTEMPTS = 3


def open_context(
    db: str | Path | None = None,
    author: str | None = None,
    *,
    check_later: bool = False,
    usage: str = "roadmap-app",
    create: bool = True,
    ask_password: PasswordPrompt | None = None,
) -> AppContext:
    """Ouvre (et crée, migre si besoin) la base ; lève ``StoreError`` avec un message français.

    ``check_later`` : voir ``prepare_store`` ; l'appelant attend ``ctx.prepared.failure()`` avant
    de montrer ou d'écrire quoi que ce soit. ``usage`` : le programme inscrit comme utilisateur
    de la base (``db.lock`` : qui l'a ouverte, pour qui voudrait la remplacer). ``create=False`` :
    une base SQLite absente est refusée au lieu d'être créée. ``ask_password`` : appelé quand le
    serveur PostgreSQL demande un mot de passe (rien n'est enregistré)."""
    store = Store(resolve_target(db))
    path = store.path
    registration: StoreUsage | None = None
    try:
        if path is not None:
            refuse_network_share(path)
            if not create and not path.exists():
                raise StoreError(
                    f"La base « {path} » n'existe pas (vérifiez le chemin ; --create pour en créer une neuve)."
                )
            registration = StoreUsage.register(path, usage)
        attempts = 0
        while True:
            try:
                prepared = prepare_store(store, seed_store, check_later=check_later)
                break
            except StoreAuthError:
                attempts += 1
                password = ask_password(store.display_name) if ask_password else None
                if not password or attempts > PASSWORD_ATTEMPTS:
                    raise
                store.dispose()
                store = Store(store.url.set(password=password))
        reason = server_read_only_reason(store)
        if reason:
            store.set_read_only(reason)
    except BaseException:
        store.dispose()
        if registration is not None:
            registration.release()
        raise
    return AppContext(
        store=store,
        author=(author or "").strip() or author_name(),
        prepared=prepared,
        usage=registration,
    )
