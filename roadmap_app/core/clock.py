"""Date du jour, remplaçable (``ROADMAP_APP_TODAY=AAAA-MM-JJ``) pour les tests et les démonstrations."""

from __future__ import annotations

import os
from datetime import date

TODAY_ENV = "ROADMAP_APP_TODAY"


def today() -> date:
    forced = os.environ.get(TODAY_ENV)
    if forced:
        return date.fromisoformat(forced)
    return date.today()
