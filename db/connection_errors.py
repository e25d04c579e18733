"""Traduction des erreurs de connexion (serveur arrêté, mot de passe, réseau coupé) en français."""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url

from db.errors import StoreError


class StoreUnavailableError(StoreError):
    """Le serveur de base de données est injoignable ou refuse la connexion ; rien n'a été écrit."""


class StoreAuthError(StoreUnavailableError):
    """Le serveur refuse l'authentification (mot de passe absent ou faux) : on peut le demander."""


def auth_failed(error: BaseException) -> bool:
    low = str(getattr(error, "orig", None) or error).lower()
    return "password authentication failed" in low or "no password supplied" in low


def unavailable(url: str | URL, error: BaseException) -> StoreUnavailableError:
    """L'erreur française à lever pour une erreur de connexion sur ``url``."""
    cls = StoreAuthError if auth_failed(error) else StoreUnavailableError
    return cls(describe(url, error))


def _where(url: str | URL) -> str:
    u = make_url(url)
    host = u.host or "localhost"
    port = f":{u.port}" if u.port else ""
    return f"{host}{port}"


def describe(url: str | URL, error: BaseException) -> str:
    """Message français pour une erreur de connexion ou de réseau sur ``url``."""
    u = make_url(url)
    text = str(getattr(error, "orig", None) or error)
    low = text.lower()
    user = u.username or ""
    database = u.database or ""
    where = _where(url)
    if "password authentication failed" in low or "no password supplied" in low:
        return (
            f"Authentification refusée par le serveur PostgreSQL {where} pour l'utilisateur « {user} » : "
            "mot de passe incorrect ou absent (il se donne dans ~/.pgpass, PGPASSFILE ou PGSERVICE, "
            "ou quand roadmap-app le demande ; voir le README, « Base partagée »)."
        )
    m = re.search(r'role "([^"]+)" does not exist', text)
    if m:
        return f"L'utilisateur « {m.group(1)} » n'existe pas sur le serveur PostgreSQL {where}."
    m = re.search(r'database "([^"]+)" does not exist', text)
    if m:
        return (
            f"La base « {m.group(1)} » n'existe pas sur le serveur PostgreSQL {where}. "
            "Elle doit être créée par l'administrateur (voir le README, « Base partagée »)."
        )
    if "permission denied" in low:
        return f"Droits insuffisants sur la base « {database} » ({where}) pour l'utilisateur « {user} »."
    if "timeout" in low or "timed out" in low:
        return f"Le serveur PostgreSQL {where} ne répond pas (délai dépassé). Vérifiez le réseau."
    if (
        "connection refused" in low
        or "could not connect" in low
        or "connection failed" in low
        or "server closed the connection" in low
        or "terminating connection" in low
        or "connection is closed" in low
        or "consuming input failed" in low
        or "no route to host" in low
        or "name or service not known" in low
    ):
        return (
            f"Impossible de joindre le serveur PostgreSQL {where} : serveur arrêté ou réseau coupé. "
            "Aucune modification n'a été enregistrée pendant la coupure ; réessayez quand le serveur "
            "est de nouveau disponible."
        )
    return f"Erreur de connexion à la base ({where}) : {text.strip().splitlines()[0] if text.strip() else error!r}"


def is_connection_error(error: BaseException) -> bool:
    """Vrai pour une perte ou un refus de connexion (pas pour une erreur SQL ordinaire)."""
    from sqlalchemy import exc as sa_exc

    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if not isinstance(error, sa_exc.OperationalError):
        return False
    low = str(error.orig).lower()
    return "database is locked" not in low and "disk i/o" not in low and "no such table" not in low
