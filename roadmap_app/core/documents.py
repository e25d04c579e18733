"""Fichiers ouverts comme des documents : ``roadmap-app FICHIER``, *Fichier → Ouvrir…*, récents.

Un fichier est reconnu par son contenu, sans rien y écrire (``db.probe``) : une base
roadmap-app s'ouvre à la place de la base en cours ; un paquet d'atelier se fusionne dans la base
d'où il a été exporté (ou s'ouvre pour y travailler, sur le portable de l'atelier). Tout autre
fichier est refusé avec un message d'une ligne qui le nomme ; rien n'est créé ni modifié.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from db.errors import StoreError
from db.probe import FileProbe, probe_file
from roadmap_app.core.context import AppContext, resolve_target
from roadmap_app.core.errors import UserError


class UnopenableFileError(UserError):
    """Fichier refusé (absent, étranger, endommagé, trop récent) ; rien n'a été créé ni modifié."""


@dataclass(frozen=True)
class Document:
    path: Path
    probe: FileProbe

    @property
    def is_package(self) -> bool:
        return self.probe.is_package

    @property
    def kind_label(self) -> str:
        return "paquet d'atelier" if self.is_package else "base"


def inspect_file(path: str | Path) -> Document:
    """Le document ``path`` ; lève ``UnopenableFileError`` (rien n'est écrit, même à côté)."""
    target = Path(path).expanduser()
    try:
        probe = probe_file(target)
    except StoreError as err:
        raise UnopenableFileError(str(err)) from None
    return Document(target.resolve(), probe)


def current_store_uuid(ctx: AppContext) -> str:
    from sqlmodel import select

    from db.models import StoreInfo

    with ctx.store.session() as s:
        info = s.exec(select(StoreInfo)).first()
        return "" if info is None else info.store_uuid


def is_current_store(ctx: AppContext, document: Document) -> bool:
    path = ctx.store.path
    return path is not None and path.resolve() == document.path


def package_belongs_here(ctx: AppContext, document: Document) -> bool:
    """Le paquet a été exporté de la base ouverte : il peut y être fusionné."""
    return document.is_package and document.probe.package_source_uuid == current_store_uuid(ctx)


def default_store_missing(db: str | None) -> bool:
    """La base par défaut (``--db``, variable, préférence ou dossier utilisateur) est un fichier
    qui n'existe pas encore : poste neuf, comme le portable d'un atelier."""
    target = resolve_target(db)
    if isinstance(target, str) and "://" in target:
        return False
    return not Path(target).expanduser().exists()
