"""Erreurs de la couche de persistance, chacune avec un message destiné à l'utilisateur (français)."""

from __future__ import annotations


class StoreError(Exception):
    """La base ne peut pas être ouverte ou modifiée ; ``str(err)`` est un message en français."""


class NotAStoreError(StoreError):
    """Le fichier n'est pas une base de roadmap-app."""


class StoreTooNewError(StoreError):
    """La base a été écrite par une version plus récente de l'application."""


class StoreCorruptError(StoreError):
    """Le fichier est endommagé."""


class StoreBusyError(StoreError):
    """La base est verrouillée par un autre programme au-delà du délai d'attente ; rien n'a été écrit."""


class StaleDataError(StoreError):
    """La donnée a été modifiée par ailleurs depuis sa lecture (contrôle de version)."""


class StoreReadOnlyError(StoreError):
    """La base n'est ouverte qu'en lecture (droits du dossier, du fichier ou du compte, ou choix de
    l'utilisateur) ; l'écriture est refusée avant de commencer, rien n'a été écrit."""
