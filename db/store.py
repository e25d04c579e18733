"""Moteur et sessions : une façade ``Store`` qui ouvre des sessions courtes.

SQLite est configuré en WAL, avec clés étrangères et délai d'attente en cas de verrou. Les
adresses sont des objets ``URL`` de SQLAlchemy, jamais des chaînes recollées : un chemin qui
contient ``#``, ``?``, ``%``, des espaces, une apostrophe ou des accents
(``C:\\Users\\Hélène D'Arc\\…``) désigne bien ce fichier. SQLite est ouvert par une URI ``file:``
échappée (``sqlite_file_uri``).

Une base peut être ouverte en lecture seule (``Store.read_only`` : la raison, en français) :
dossier ou fichier sans droit d'écriture, compte PostgreSQL qui ne peut que lire, ou choix de
l'utilisateur. Toute écriture est alors refusée avant de commencer (``StoreReadOnlyError``).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

# Le dialecte de la base par défaut (SQLite) est chargé avec ce module et non au premier
# create_engine : l'interface importe la couche de données avant PySide6 (voir ui/app.py).
import sqlalchemy.dialects.sqlite  # noqa: F401
from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, create_engine

from db.connection_errors import is_connection_error, unavailable
from db.errors import StoreBusyError, StoreError, StoreReadOnlyError

BUSY_TIMEOUT_MS = 10_000
#: Verrou consultatif PostgreSQL des écritures (« roadmap » en ASCII), tenu jusqu'à la validation.
WRITE_LOCK_KEY = 0x726F61646D6170
_IMMEDIATE = "roadmap_sqlite_immediate"
#: Moteurs pris en charge : un fichier SQLite, ou un serveur PostgreSQL (pilote psycopg 3).
BACKENDS = ("sqlite", "postgresql")


def sqlite_file_uri(path: Path, **params: Any) -> str:
    """URI ``file:`` de SQLite pour ``path`` (``#``, ``?``, ``%``, espaces, apostrophes, accents
    échappés ; ``file:///C:/…`` sous Windows), suivie de ses paramètres (``mode=ro``…)."""
    uri = Path(os.path.abspath(path)).as_uri()
    if params:
        uri += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return uri


def sqlite_url(path: str | Path) -> URL:
    return URL.create("sqlite", database=str(Path(path).expanduser().resolve()))


def normalize_url(target: str | Path | URL) -> URL:
    """Chemin de fichier, URL SQLAlchemy (texte) ou ``URL`` → ``URL`` ; refuse (``StoreError``,
    en français) une adresse illisible ou un moteur que l'application ne prend pas en charge."""
    if isinstance(target, URL):
        url = target
    else:
        text = str(target)
        if "://" not in text:
            return sqlite_url(text)
        try:
            url = make_url(text)
        except (sa_exc.ArgumentError, ValueError):
            raise StoreError(
                f"Adresse de base « {text.split('://', 1)[0]}://… » illisible : indiquez un chemin de "
                "fichier SQLite ou une adresse postgresql+psycopg://utilisateur@serveur/base."
            ) from None
    backend = url.get_backend_name()
    if backend not in BACKENDS:
        raise StoreError(
            f"Type de base « {backend or url.drivername} » non pris en charge : roadmap-app utilise "
            "un fichier SQLite (un chemin) ou un serveur PostgreSQL "
            "(postgresql+psycopg://utilisateur@serveur/base)."
        )
    if backend == "postgresql" and url.drivername != "postgresql+psycopg":
        url = url.set(drivername="postgresql+psycopg")  # le seul pilote livré avec l'application
    return url


def sqlite_path(url: str | URL) -> Path | None:
    """Chemin du fichier pour une URL SQLite sur disque, sinon ``None``."""
    u = url if isinstance(url, URL) else make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _sqlite_on_connect_factory(busy_timeout_ms: int, read_only: bool = False) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # isolation_level=None : SQLAlchemy (événement « begin ») ouvre lui-même les transactions.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # Un autre programme écrit ? SQLite réessaie pendant ce délai avant « database is locked ».
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not read_only:
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


def _sqlite_connector(path: Path, busy_timeout_ms: int, read_only: bool) -> Any:
    def connect() -> sqlite3.Connection:
        timeout = busy_timeout_ms / 1000
        if not read_only:
            return sqlite3.connect(
                sqlite_file_uri(path), uri=True, check_same_thread=False, timeout=timeout
            )
        try:
            return _checked(sqlite3.connect(sqlite_file_uri(path, mode="ro"), uri=True,
                                            check_same_thread=False, timeout=timeout))  # fmt: skip
        except sqlite3.OperationalError:
            # dossier sans droit d'écriture et base WAL sans fichier -shm : SQLite ne peut pas
            # créer son index partagé ; personne ne peut alors écrire, le fichier est figé
            return sqlite3.connect(sqlite_file_uri(path, mode="ro", immutable=1), uri=True,
                                   check_same_thread=False, timeout=timeout)  # fmt: skip

    return connect


def open_sqlite_readonly(path: Path, timeout: float = 10.0) -> sqlite3.Connection:
    """Connexion ``sqlite3`` en lecture seule à ``path`` (copie, vérification), même dans un
    dossier sans droit d'écriture."""
    return _sqlite_connector(path, int(timeout * 1000), read_only=True)()


def _checked(conn: sqlite3.Connection) -> sqlite3.Connection:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise sqlite3.OperationalError("lecture impossible") from None
    return conn


def make_engine(
    url: str | URL, busy_timeout_ms: int = BUSY_TIMEOUT_MS, *, read_only: bool = False
) -> Engine:
    url = normalize_url(url)
    backend = url.get_backend_name()
    path = sqlite_path(url)
    if backend == "sqlite" and path is not None:
        # connexion par une URI « file: » échappée : aucun caractère du chemin n'est interprété
        engine = create_engine(url, creator=_sqlite_connector(path, busy_timeout_ms, read_only))
        event.listen(engine, "connect", _sqlite_on_connect_factory(busy_timeout_ms, read_only))
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if backend == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000}
        )
        event.listen(engine, "connect", _sqlite_on_connect_factory(busy_timeout_ms))
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def file_read_only_reason(path: Path) -> str | None:
    """Pourquoi une base SQLite existante ne peut être ouverte qu'en lecture, ou ``None``."""
    if not path.exists():
        return None
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"le dossier « {folder} » est en lecture seule (droits du poste) : consultation "
            "seulement, aucune modification ne peut être enregistrée"
        )
    if not os.access(path, os.W_OK):
        return (
            f"le fichier « {path} » est en lecture seule : consultation seulement, aucune "
            "modification ne peut être enregistrée"
        )
    return None


def is_read_only_error(err: BaseException) -> bool:
    """Écriture refusée par les droits : fichier ou dossier en lecture seule (SQLite), compte ou
    transaction en lecture seule (PostgreSQL)."""
    text = str(getattr(err, "orig", None) or err).lower()
    return (
        "attempt to write a readonly database" in text
        or "read-only transaction" in text
        or ("permission denied" in text and "for " in text)
    )


def read_only_cause(backend: str) -> str:
    if backend == "sqlite":
        return "fichier ou dossier en lecture seule"
    return "votre compte n'a pas le droit de modifier cette base"


class Store:
    """Accès à une base : ouvre des sessions courtes ; les objets rendus sont détachés."""

    def __init__(
        self,
        url: str | Path | URL,
        engine: Engine | None = None,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        *,
        read_only: str | None = None,
    ) -> None:
        self.url: URL = normalize_url(url)
        self.busy_timeout_ms = busy_timeout_ms
        path = sqlite_path(self.url)
        #: Raison (en français) pour laquelle la base n'est ouverte qu'en lecture, sinon ``None``.
        self.read_only: str | None = read_only or (
            None if path is None else file_read_only_reason(path)
        )
        self.engine = engine or make_engine(
            self.url, busy_timeout_ms, read_only=self.read_only is not None
        )
        self._sessions = sessionmaker(self.engine, class_=Session, expire_on_commit=False)
        self._writes = 0  # écritures validées par ce programme (voir ``revision``)
        # écritures des autres programmes (voir ``changed_elsewhere``) : la marque vue en dernier,
        # une écriture d'ailleurs remarquée juste avant une des nôtres, la connexion qui regarde
        self._seen: tuple[Any, ...] | None = None
        self._elsewhere = False
        self._watch: sqlite3.Connection | None = None
        self._watch_lock = threading.Lock()

    def set_read_only(self, reason: str) -> None:
        """Désormais, toute écriture est refusée (``StoreReadOnlyError``) avec cette raison."""
        self.read_only = reason

    def refuse_writes(self) -> None:
        """Lève ``StoreReadOnlyError`` si la base n'est ouverte qu'en lecture."""
        if self.read_only:
            raise StoreReadOnlyError(
                f"La base « {self.display_name} » est ouverte en lecture seule ({self.read_only}). "
                "Rien n'a été enregistré."
            )

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def display_name(self) -> str:
        p = self.path
        if p is not None:
            return str(p)
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Session en lecture ; aucun commit."""
        with self._translate_errors(), self._sessions() as s:
            yield s

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Session d'écriture : tout est validé ensemble, ou rien en cas d'erreur."""
        self.refuse_writes()
        try:
            with self._translate_errors(), self._sessions() as s, s.begin():
                if self.backend == "sqlite":
                    s.connection(execution_options={_IMMEDIATE: True})
                elif self.backend == "postgresql":
                    # Comme BEGIN IMMEDIATE sous SQLite : une écriture à la fois. Chaque écriture
                    # lit donc l'état validé par la précédente (READ COMMITTED) ; deux personnes qui
                    # changent des champs différents de la même action passent toutes les deux,
                    # comme sous SQLite, au lieu d'un refus « modifiée ailleurs ».
                    s.execute(text(f"SET LOCAL lock_timeout = '{int(self.busy_timeout_ms)}ms'"))
                    s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
                self._before_own_write()
                yield s
        finally:
            self._writes += 1  # validée ou non : les lectures mises en cache sont à refaire
            self._after_own_write()

    # -- écritures des autres programmes ----------------------------------------------
    def _mark(self) -> tuple[Any, ...] | None:
        """Marque qui change quand une écriture est validée (par n'importe qui). SQLite :
        ``PRAGMA data_version`` d'une connexion gardée pour cela (il change quand une autre
        connexion valide) ; PostgreSQL : le dernier identifiant du journal (chaque modification y
        passe) et celui des instantanés (figés sans entrée au journal). ``None`` : rien à suivre
        (base en mémoire)."""
        path = self.path
        if path is not None:
            with self._watch_lock:
                try:
                    if self._watch is None:
                        self._watch = _sqlite_connector(
                            path, self.busy_timeout_ms, read_only=True
                        )()
                    return (self._watch.execute("PRAGMA data_version").fetchone()[0],)
                except sqlite3.Error:
                    self._close_watch()
                    return None
        if self.backend != "postgresql":
            return None
        with self._translate_errors(), self.engine.connect() as conn:
            row = conn.execute(
                text("SELECT (SELECT max(id) FROM journal_entry), (SELECT max(id) FROM snapshot)")
            )
            return tuple(row.one())

    def _close_watch(self) -> None:
        if self._watch is not None:
            with suppress(sqlite3.Error):
                self._watch.close()
            self._watch = None

    def _before_own_write(self) -> None:
        # une écriture d'ailleurs, validée depuis le dernier regard, ne se confond pas avec la nôtre
        if self._seen is not None and not self._elsewhere:
            with suppress(StoreError):
                self._elsewhere = self._mark() != self._seen

    def _after_own_write(self) -> None:
        if self._seen is not None:
            with suppress(StoreError):
                self._seen = self._mark()

    def changed_elsewhere(self) -> bool:
        """Vrai si un autre programme (la ligne de commande, une autre fenêtre, un collègue sur
        la base partagée) a validé une écriture depuis l'appel précédent ; les écritures de ce
        programme ne comptent pas. Le premier appel pose le repère (``False``). Peut lever
        ``StoreError`` (serveur injoignable)."""
        mark = self._mark()
        if mark is None:
            return False
        changed = self._seen is not None and (self._elsewhere or mark != self._seen)
        self._seen, self._elsewhere = mark, False
        return changed

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
        except sa_exc.DBAPIError as err:
            if is_read_only_error(err):
                raise StoreReadOnlyError(
                    f"La base « {self.display_name} » refuse l'écriture "
                    f"({read_only_cause(self.backend)}). Rien n'a été enregistré."
                ) from err
            self._translate_dbapi(err)
            raise

    def _translate_dbapi(self, err: sa_exc.DBAPIError) -> None:
        if isinstance(err, sa_exc.OperationalError):
            low = str(err.orig).lower()
            if "database is locked" in low or "database is busy" in low or "lock timeout" in low:
                raise StoreBusyError(
                    f"La base « {self.display_name} » est occupée par une autre application (ou une autre "
                    f"fenêtre de roadmap-app) depuis plus de {self.busy_timeout_ms // 1000} s : réessayez dans "
                    "un instant. Rien n'a été enregistré."
                ) from err
        if self.backend != "sqlite" and is_connection_error(err):
            self.engine.dispose()  # les connexions du pool sont mortes : on repartira de zéro
            raise unavailable(self.url, err) from err

    def dispose(self) -> None:
        self.engine.dispose()
        with self._watch_lock:  # aucune connexion gardée : la base peut être remplacée
            self._close_watch()
        self._seen, self._elsewhere = None, False


def server_read_only_reason(store: Store) -> str | None:
    """Base PostgreSQL : pourquoi le compte ne peut que lire (droits, transactions en lecture
    seule, serveur de secours), ou ``None`` s'il peut écrire."""
    if store.backend != "postgresql":
        return None
    user = store.url.username or "courant"
    with store.connection() as conn:
        if conn.exec_driver_sql("SELECT pg_is_in_recovery()").scalar():
            return "serveur PostgreSQL de secours, en lecture seule"
        if str(conn.exec_driver_sql("SHOW transaction_read_only").scalar()).lower() == "on":
            return f"le compte PostgreSQL « {user} » n'ouvre que des transactions en lecture seule"
        can_write = conn.exec_driver_sql(
            "SELECT has_table_privilege('action_bassin', 'UPDATE')"
            " AND has_table_privilege('journal_entry', 'INSERT')"
        ).scalar()
    if not can_write:
        return f"le compte PostgreSQL « {user} » n'a que le droit de lecture sur cette base"
    return None
