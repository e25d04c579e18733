"""Erreurs métier : le message (français) est destiné tel quel à l'utilisateur."""

from __future__ import annotations

from db.errors import StaleDataError, StoreError


class UserError(Exception):
    """Demande impossible (code inconnu, valeur invalide…) ; rien n'a été modifié."""


class NotFoundError(UserError):
    pass


class ValidationError(UserError):
    pass


class UndoConflictError(UserError):
    """L'annulation toucherait une valeur modifiée depuis : refusée, rien n'est changé."""


__all__ = [
    "NotFoundError",
    "StaleDataError",
    "StoreError",
    "UndoConflictError",
    "UserError",
    "ValidationError",
]
