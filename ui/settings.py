"""État de l'interface (géométrie, filtres…) dans un fichier INI du dossier de configuration."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSettings

from roadmap_app.core.paths import config_dir


def ui_settings() -> QSettings:
    path = config_dir() / "interface.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def load_json(settings: QSettings, key: str, default: Any) -> Any:
    raw = settings.value(key)
    if not raw:
        return default
    try:
        return json.loads(str(raw))
    except ValueError:
        return default


def save_json(settings: QSettings, key: str, value: Any) -> None:
    settings.setValue(key, json.dumps(value, ensure_ascii=False))


#: Fermer l'application N ms après le démarrage (tests, mesures) ; aussi les boîtes d'erreur.
EXIT_ENV = "ROADMAP_APP_EXIT_AFTER_START"


# -- rappel à l'ouverture (bandeau du tableau de bord) -------------------------------------------
REMINDER_DAYS_KEY = "reminders/days"
LAST_OPENED_KEY = "reminders/last_opened"
DISMISSED_KEY = "reminders/dismissed"
DEFAULT_REMINDER_DAYS = 30


def reminder_days(settings: QSettings) -> int:
    """Horizon du rappel des échéances (préférence), 30 jours par défaut."""
    try:
        days = int(str(settings.value(REMINDER_DAYS_KEY, DEFAULT_REMINDER_DAYS)))
    except ValueError:
        return DEFAULT_REMINDER_DAYS
    return days if 1 <= days <= 365 else DEFAULT_REMINDER_DAYS


def set_reminder_days(settings: QSettings, days: int) -> None:
    settings.setValue(REMINDER_DAYS_KEY, int(days))
    settings.sync()
