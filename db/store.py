"""Moteur et sessions : une façade ``Store`` qui ouvre des sessions courtes.

SQLite est configuré en WAL, avec clés étrangères et délai d'attente en cas de verrou.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Le dialecte de la base par défaut (SQLite) est chargé avec ce module et non au premier
# create_engine : l'interface importe la couche de données avant PySide6 (voir ui/app.py).
import sqlalchemy.dialects.sqlite  # noqa: F401
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, create_engine

from db.connection_errors import StoreUnavailableError, is_connection_error
from db.connection_errors import describe as describe_connection_error
from db.errors import StoreBusyError

BUSY_TIMEOUT_MS = 10_000
_IMMEDIATE = "roadmap_sqlite_immediate"


def normalize_url(target: str | Path) -> str:
    """Accepte un chemin de fichier ou une URL SQLAlchemy ; renvoie une URL."""
    text = str(target)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """Chemin du fichier pour une URL SQLite sur disque, sinon ``None``."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _sqlite_on_connect_factory(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # isolation_level=None : SQLAlchemy (événement « begin ») ouvre lui-même les transactions.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # Un autre programme écrit ? SQLite réessaie pendant ce délai avant « database is locked ».
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        # FULL : chaque validation est sur le disque avant d'être confirmée (aucune perte après un arrêt brutal).
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    return on_connect


def _sqlite_on_begin(conn: Any) -> None:
    # Écriture : BEGIN IMMEDIATE prend le verrou d'écriture dès le début de la transaction
    # (jamais d'échec « database is locked » au milieu d'une écriture) ; lecture : BEGIN simple.
    if conn.get_execution_options().get(_IMMEDIATE):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000}
        )
        event.listen(engine, "connect", _sqlite_on_connect_factory(busy_timeout_ms))
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if make_url(url).get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    return create_engine(url, pool_pre_ping=True)


class Store:
    """Accès à une base : ouvre des sessions courtes ; les objets rendus sont détachés."""

    def __init__(
        self, url: str | Path, engine: Engine | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS
    ) -> None:
        self.url = normalize_url(url)
        self.busy_timeout_ms = busy_timeout_ms
        self.engine = engine or make_engine(self.url, busy_timeout_ms)
        self._sessions = sessionmaker(self.engine, class_=Session, expire_on_commit=False)
        self._writes = 0  # écritures validées par ce programme (voir ``revision``)

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def backend(self) -> str:
        return make_url(self.url).get_backend_name()

    @property
    def display_name(self) -> str:
        p = self.path
        if p is not None:
            return str(p)
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Session en lecture ; aucun commit."""
        with self._translate_errors(), self._sessions() as s:
            yield s

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Session d'écriture : tout est validé ensemble, ou rien en cas d'erreur."""
        try:
            with self._translate_errors(), self._sessions() as s, s.begin():
                if self.backend == "sqlite":
                    s.connection(execution_options={_IMMEDIATE: True})
                yield s
        finally:
            self._writes += 1  # validée ou non : les lectures mises en cache sont à refaire

    def revision(self) -> tuple[Any, ...] | None:
        """Jeton qui change dès qu'une écriture est validée, par ce programme ou par un autre
        (fichier de la base et journal WAL : taille et date de modification). ``None`` quand aucun
        jeton n'est fiable (serveur PostgreSQL partagé) : rien n'est alors gardé en cache."""
        path = self.path
        if path is None:
            return None
        marks: list[tuple[int, int] | None] = []
        for f in (path, path.with_name(path.name + "-wal")):
            try:
                st = f.stat()
            except OSError:
                marks.append(None)
            else:
                marks.append((st.st_mtime_ns, st.st_size))
        return (self._writes, *marks)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """Connexion SQLAlchemy brute (copie de base, vérifications), erreurs réseau traduites."""
        try:
            with self._translate_errors(), self.engine.connect() as conn:
                yield conn
        finally:
            self._writes += 1

    @contextmanager
    def _translate_errors(self) -> Iterator[None]:
        """Serveur arrêté, réseau coupé : message français ; la transaction en cours est annulée
        (rien d'écrit à moitié) et la connexion suivante est rétablie quand le serveur revient."""
        try:
            yield
        except sa_exc.OperationalError as err:
            text = str(err.orig).lower()
            if self.backend == "sqlite" and (
                "database is locked" in text or "database is busy" in text
            ):
                raise StoreBusyError(
                    f"La base « {self.display_name} » est occupée par une autre application (ou une autre "
                    f"fenêtre de roadmap-app) depuis plus de {self.busy_timeout_ms // 1000} s : réessayez dans "
                    "un instant. Rien n'a été enregistré."
                ) from err
            if self.backend != "sqlite" and is_connection_error(err):
                self.engine.dispose()
                raise StoreUnavailableError(describe_connection_error(self.url, err)) from err
            raise
        except sa_exc.DBAPIError as err:
            if self.backend != "sqlite" and is_connection_error(err):
                self.engine.dispose()  # les connexions du pool sont mortes : on repartira de zéro
                raise StoreUnavailableError(describe_connection_error(self.url, err)) from err
            raise

    def dispose(self) -> None:
        self.engine.dispose()
