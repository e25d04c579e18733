"""La seule forme d'avancement des travaux longs (exports, copies, fusions, imports).

``progress(faites, total, message)`` : étapes faites sur le total, et ce qui se fait (« Feuille
« Synthèse »… »). La couche ``db`` (``db.copy``), qui n'importe pas ``roadmap_app``, emploie la
même forme ; l'interface la relaie telle quelle à sa fenêtre de progression (``ui.tasks``).
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, message: str) -> None:
    """Avancement ignoré (appel sans fenêtre ni terminal)."""
