"""Emplacements des données : dossier utilisateur (appdirs) ou ``ROADMAP_APP_HOME``."""

from __future__ import annotations

import os
from pathlib import Path

from roadmap_app import APP_AUTHOR, APP_NAME

HOME_ENV = "ROADMAP_APP_HOME"
DB_FILENAME = "roadmap.sqlite3"


def data_dir() -> Path:
    """Dossier des données (base, sauvegardes). ``ROADMAP_APP_HOME`` le remplace (tests, usage portable)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import appdirs

    return Path(appdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import appdirs

    return Path(appdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / "logs"
    import appdirs

    return Path(appdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def cache_dir() -> Path:
    """Fichiers recalculables (instantanés déjà décodés) : effaçables à tout moment."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / "cache"
    import appdirs

    return Path(appdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME
