"""Qui utilise une base SQLite : un registre à côté du fichier, tenu par des verrous du système.

Chaque programme roadmap-app qui ouvre une base s'inscrit dans le dossier caché
``.<nom>.utilisations`` placé à côté d'elle : un petit fichier (poste, utilisateur, programme,
depuis quand) qu'il garde verrouillé (``flock`` sous Linux et macOS, ``msvcrt.locking`` sous
Windows) tant que la base est ouverte. Le système lève ce verrou quand le programme se termine,
même tué ou planté : une inscription dont le verrou est libre est périmée, et le premier qui la
voit l'efface. Aucun marqueur oublié ne bloque donc la base.

Remplacer le fichier de la base (restauration d'une sauvegarde, mise de côté d'une base
endommagée) passe par ``replacing`` : sous la « porte » (verrou exclusif sur le fichier ``porte``
du même dossier), il vérifie qu'aucune autre inscription n'est vivante, puis que SQLite ne voit
aucune autre connexion (un programme qui n'est pas roadmap-app : demande d'un
verrou exclusif, que SQLite refuse tant qu'une autre connexion est ouverte). Sinon
``StoreInUseError`` nomme qui utilise la base. S'inscrire passe aussi par la porte : personne ne
peut ouvrir la base pendant qu'on la remplace.

Les écritures ordinaires de plusieurs programmes en même temps (interface et ligne de commande)
ne sont pas concernées : SQLite les sérialise (mode WAL, délai d'attente).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from db.errors import StoreError
from db.store import sqlite_file_uri

#: Octet verrouillé, loin après le contenu : sous Windows, un octet verrouillé ne peut pas être
#: lu par les autres, et ils doivent pouvoir lire qui tient la base.
_LOCK_OFFSET = 1 << 30
#: Attente de la porte pour s'inscrire (une restauration en cours dure quelques secondes).
REGISTER_WAIT_S = 10.0
#: Attente de la porte pour remplacer la base (une inscription dure quelques millisecondes).
REPLACE_WAIT_S = 2.0
GATE = "porte"


class StoreInUseError(StoreError):
    """La base est ouverte par un autre programme : elle ne peut pas être remplacée."""


def usage_dir(store_path: Path) -> Path:
    return store_path.parent / f".{store_path.name}.utilisations"


def _try_lock(fh: IO[bytes]) -> bool:
    """Verrou exclusif sans attendre ; ``False`` s'il est tenu (par un autre fichier ouvert)."""
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        fh.seek(_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        finally:
            fh.seek(0)
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fh: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            fh.seek(_LOCK_OFFSET)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - dépend du système
        return "utilisateur inconnu"


@dataclass(frozen=True)
class Holder:
    """Un programme qui a la base ouverte (lu dans son inscription)."""

    host: str
    user: str
    program: str
    pid: int
    since: datetime | None

    @classmethod
    def me(cls, program: str) -> Holder:
        return cls(socket.gethostname(), _os_user(), program, os.getpid(), datetime.now())

    def to_json(self) -> bytes:
        data = {
            "poste": self.host,
            "utilisateur": self.user,
            "programme": self.program,
            "processus": self.pid,
            "depuis": None if self.since is None else self.since.isoformat(timespec="seconds"),
        }
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Holder:
        try:
            data = json.loads(raw.decode("utf-8"))
            since = datetime.fromisoformat(data["depuis"]) if data.get("depuis") else None
            return cls(
                str(data.get("poste", "?")), str(data.get("utilisateur", "?")),
                str(data.get("programme", "roadmap-app")), int(data.get("processus", 0)), since,
            )  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls("poste inconnu", "utilisateur inconnu", "roadmap-app", 0, None)

    def describe(self) -> str:
        """« Hélène sur le poste PC-42 (roadmap-app — interface, processus 812) depuis le 02/12/2025 à 09:14 »"""
        when = "" if self.since is None else f" depuis le {self.since:%d/%m/%Y à %H:%M}"
        pid = f", processus {self.pid}" if self.pid else ""
        return f"{self.user} sur le poste {self.host} ({self.program}{pid}){when}"


@contextlib.contextmanager
def _gate(directory: Path, wait_s: float, me: Holder | None = None) -> Iterator[bool]:
    """Tient la porte du dossier (attente bornée) ; rend ``False`` si elle n'a pas pu être prise."""
    path = directory / GATE
    fh = open(path, "a+b")  # noqa: SIM115 - gardé ouvert pendant le bloc
    try:
        deadline = time.monotonic() + wait_s
        while not _try_lock(fh):
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(0.02)
        try:
            if me is not None:  # qui remplace la base : lu par ceux qui attendent
                fh.seek(0)
                fh.truncate()
                fh.write(me.to_json())
                fh.flush()
            yield True
        finally:
            if me is not None:
                with contextlib.suppress(OSError):
                    fh.seek(0)
                    fh.truncate()
            _unlock(fh)
    finally:
        fh.close()


def _gate_holder(directory: Path) -> Holder | None:
    try:
        raw = (directory / GATE).read_bytes()[:4096]
    except OSError:
        return None
    return Holder.from_json(raw) if raw.strip() else None


class StoreUsage:
    """Inscription de ce programme comme utilisateur de la base ``path`` (``release`` à la fin)."""

    def __init__(self, path: Path, file: Path, handle: IO[bytes], holder: Holder) -> None:
        self.store_path, self.file, self._handle, self.holder = path, file, handle, holder

    @classmethod
    def register(cls, store_path: Path, program: str) -> StoreUsage | None:
        """S'inscrit ; ``None`` si le dossier n'accepte pas l'écriture (la base est alors ouverte
        en lecture seule et personne ne peut la remplacer). Attend la fin d'un remplacement en
        cours, au plus ``REGISTER_WAIT_S``, sinon ``StoreInUseError``."""
        directory = usage_dir(store_path)
        try:
            directory.mkdir(exist_ok=True)
        except OSError:
            return None
        me = Holder.me(program)
        try:
            with _gate(directory, REGISTER_WAIT_S) as ok:
                if not ok:
                    who = _gate_holder(directory)
                    raise StoreInUseError(
                        f"La base « {store_path} » est en cours de remplacement (restauration) par "
                        f"{who.describe() if who else 'un autre programme'} : réessayez dans un instant."
                    )
                file = directory / f"{me.host}-{me.pid}-{uuid.uuid4().hex[:8]}.json"
                handle = open(file, "w+b")  # noqa: SIM115 - gardé ouvert tant que la base l'est
                if not _try_lock(handle):  # pragma: no cover - nom unique
                    handle.close()
                    return None
                handle.write(me.to_json())
                handle.flush()
        except PermissionError:
            return None
        return cls(store_path, file, handle, me)

    def release(self) -> None:
        if self._handle.closed:
            return
        _unlock(self._handle)
        self._handle.close()
        with contextlib.suppress(OSError):
            self.file.unlink()


def live_holders(store_path: Path, exclude: StoreUsage | None = None) -> list[Holder]:
    """Les programmes qui ont la base ouverte (sauf ``exclude``) ; les inscriptions périmées
    (programme terminé ou tué : verrou libre) sont effacées au passage."""
    directory = usage_dir(store_path)
    if not directory.is_dir():
        return []
    found: list[Holder] = []
    for file in sorted(directory.glob("*.json")):
        if exclude is not None and file == exclude.file:
            continue
        try:
            fh = open(file, "r+b")  # noqa: SIM115
        except FileNotFoundError:
            continue
        except OSError:  # illisible : on le compte comme vivant, par prudence
            found.append(Holder("poste inconnu", "utilisateur inconnu", "roadmap-app", 0, None))
            continue
        try:
            if _try_lock(fh):  # personne ne le tient : programme terminé
                _unlock(fh)
                fh.close()
                with contextlib.suppress(OSError):
                    file.unlink()
                continue
            fh.seek(0)
            found.append(Holder.from_json(fh.read(4096)))
        finally:
            fh.close()
    return found


def in_use_message(store_path: Path, holders: list[Holder], action: str) -> str:
    who = " ; ".join(h.describe() for h in holders)
    return (
        f"La base « {store_path} » est en cours d'utilisation par {who}. Impossible de {action} "
        "pendant qu'elle est ouverte ailleurs : fermez d'abord ce programme (ou attendez la fin de "
        "la commande), puis recommencez. Rien n'a été modifié."
    )


def refuse_if_in_use(path: Path, action: str, exclude: StoreUsage | None = None) -> None:
    """Refuse (``StoreInUseError``) si ``path`` est une base ouverte par un programme roadmap-app
    (avant d'écrire un autre fichier à sa place : export, sauvegarde, paquet)."""
    holders = live_holders(path, exclude)
    if holders:
        raise StoreInUseError(in_use_message(path, holders, action))


def _sqlite_alone(store_path: Path) -> bool:
    """Vrai si aucune autre connexion SQLite n'a la base ouverte : en mode de verrouillage
    exclusif, SQLite n'accorde une transaction exclusive qu'à une connexion seule (en mode WAL,
    chaque connexion ouverte garde un verrou partagé). Rien n'est écrit dans la base."""
    if not store_path.is_file():
        return True
    try:
        conn = sqlite3.connect(
            sqlite_file_uri(store_path), uri=True, timeout=0.2, isolation_level=None
        )
    except sqlite3.Error:
        return True
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as err:
        return "locked" not in str(err) and "busy" not in str(err)
    except (sqlite3.Error, UnicodeDecodeError):
        return True
    finally:
        conn.close()


@contextlib.contextmanager
def replacing(
    store_path: Path, action: str, own: StoreUsage | None = None, *, damaged: bool = False
) -> Iterator[None]:
    """Bloc pendant lequel le fichier de la base peut être remplacé : personne d'autre ne l'a
    ouverte (sauf ``own``, ce programme, qui a fermé ses connexions) et personne ne peut
    l'ouvrir. Lève ``StoreInUseError`` (rien n'est fait) sinon. Une base endommagée
    (``damaged``) n'est pas ouverte par SQLite : seul le registre est consulté."""
    directory = usage_dir(store_path)
    try:
        directory.mkdir(exist_ok=True)
    except OSError as err:
        raise StoreError(
            f"Impossible de {action} : le dossier « {store_path.parent} » n'accepte pas l'écriture "
            f"({err.strerror or err}). Rien n'a été modifié."
        ) from None
    me = Holder.me(own.holder.program if own else "roadmap-app — restauration")
    with _gate(directory, REPLACE_WAIT_S, me) as ok:
        if not ok:
            who = _gate_holder(directory)
            raise StoreInUseError(
                f"Impossible de {action} : la base « {store_path} » est déjà en cours de "
                f"remplacement par {who.describe() if who else 'un autre programme'}. Rien n'a été modifié."
            )
        holders = live_holders(store_path, own)
        if holders:
            raise StoreInUseError(in_use_message(store_path, holders, action))
        if not damaged and not _sqlite_alone(store_path):
            raise StoreInUseError(
                f"La base « {store_path} » est en cours d'utilisation par un autre programme (un "
                f"outil SQLite, une autre application) : impossible de {action} tant qu'il l'a "
                "ouverte. Fermez-le puis recommencez. Rien n'a été modifié."
            )
        yield
