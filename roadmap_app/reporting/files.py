"""Écriture atomique : un échec ne laisse jamais de fichier à moitié écrit à destination."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_output(destination: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Donne un chemin temporaire dans le même dossier ; à la sortie sans erreur, il remplace la
    destination (``os.replace``, atomique) ; sur erreur, il est supprimé et la destination intacte.
    """
    dest = Path(destination)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{dest.name}.", suffix=suffix or dest.suffix, dir=dest.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp crée en 0600 : droits habituels d'un fichier exporté
    try:
        yield tmp
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
