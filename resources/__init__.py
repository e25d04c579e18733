"""Fichiers de données livrés avec l'application, et la seule façon de les trouver.

``locate`` passe par ``importlib.resources`` : le même appel trouve le fichier dans un
environnement virtuel (sources ou installation éditable), dans une roue installée et dans
l'application figée par PyInstaller (``dist/roadmap-app/``), où les fichiers de données sont
rangés à côté des modules sous le même nom de paquet. Aucun code ne doit construire le chemin
d'une ressource à partir de ``__file__`` ou du dossier courant.

Ressources et paquets qui les portent :

- ``resources`` : jeu initial (``seed/*.json``), icônes (``icons/*.svg``, ``icons/app/``),
  feuille de style (``style.qss``) ;
- ``db`` : migrations Alembic (``migrations/``) ;
- ``guide`` : le guide d'utilisation (``docs/guide/`` dans le dépôt : Markdown et captures).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


class MissingResourceError(FileNotFoundError):
    """Une ressource attendue n'est pas livrée (installation incomplète)."""


def locate(package: str, *parts: str) -> Path:
    """Chemin réel (sur le disque) de ``parts`` dans le paquet ``package``.

    Un vrai chemin est nécessaire : Alembic lit ses migrations par leur nom de fichier, Qt
    charge traductions, images et pages du guide par leur chemin. Lève
    ``MissingResourceError`` (message en français) si la ressource manque."""
    target = resources.files(package).joinpath(*parts)
    if not isinstance(target, Path):  # paquet importé d'une archive zip : non pris en charge
        raise MissingResourceError(
            f"Ressource « {'/'.join((package, *parts))} » inaccessible : le paquet {package} "
            "n'est pas installé dans un dossier."
        )
    if not target.exists():
        raise MissingResourceError(
            f"Ressource « {'/'.join((package, *parts))} » absente : installation incomplète "
            "(réinstallez l'application)."
        )
    return target
