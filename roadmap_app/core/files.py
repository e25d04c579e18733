"""Écriture atomique : un échec ne laisse jamais de fichier à moitié écrit à destination."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from db.lock import refuse_if_in_use
from roadmap_app.core.errors import UserError


class OutputError(UserError):
    """Le fichier demandé ne peut pas être écrit (dossier absent ou protégé, disque plein…) ;
    la destination est restée telle qu'elle était."""


def _cannot_write(dest: Path, err: OSError) -> OutputError:
    reason = err.strerror or str(err)
    if isinstance(err, FileNotFoundError | NotADirectoryError):
        reason = "le dossier n'existe pas ou n'accepte pas de fichiers"
    elif isinstance(err, PermissionError):
        reason = "droits insuffisants (dossier ou fichier en lecture seule)"
    elif isinstance(err, IsADirectoryError):
        reason = "c'est un dossier : indiquez un nom de fichier"
    return OutputError(f"Impossible d'écrire « {dest} » : {reason}. Rien n'a été écrit.")


@contextlib.contextmanager
def atomic_output(destination: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Donne un chemin temporaire dans le même dossier ; à la sortie sans erreur, il remplace la
    destination (``os.replace``, atomique) ; sur erreur, il est supprimé et la destination intacte.

    Une erreur du système (dossier absent, droits, disque plein) devient ``OutputError`` (message
    français). Une destination qui est un dossier, ou une base ouverte par un programme
    roadmap-app, est refusée avant d'écrire quoi que ce soit.
    """
    dest = Path(destination)
    if dest.is_dir():
        raise _cannot_write(dest, IsADirectoryError(21, "dossier"))
    refuse_if_in_use(dest, "l'écraser par un autre fichier")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{dest.name}.", suffix=suffix or dest.suffix, dir=dest.parent
        )
        os.close(fd)
    except OSError as err:
        raise _cannot_write(dest, err) from None
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp crée en 0600 : droits habituels d'un fichier exporté
    try:
        yield tmp
        os.replace(tmp, dest)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _cannot_write(dest, err) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
