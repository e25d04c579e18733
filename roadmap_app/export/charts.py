"""Graphiques des exports : une fonction pure qui rend une ``matplotlib.figure.Figure``, tracée à la
demande en PNG (classeurs) ou en PDF vectoriel (incrusté tel quel dans les pages du moteur
``export.pdf``). matplotlib n'est importé qu'à l'appel.

``Chart(titre, fonction)`` ne dessine rien à la création : un pack à 100× porte une vingtaine de
graphiques, chacun est tracé puis libéré au moment de l'écrire (mémoire bornée).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Chart:
    """Un graphique d'export : son titre et la fonction (sans argument) qui rend sa figure."""

    title: str
    draw: Callable[[], Figure]

    def png(self, dpi: int = 110) -> bytes:
        return figure_png(self.draw(), dpi)

    def pdf(self) -> bytes:
        return figure_pdf(self.draw())


def _release(fig: Any, canvas: Any) -> None:
    # La figure forme des cycles que le ramasse-miettes ne reprendrait que tard, et l'image de
    # rendu pèse ≈ 2 Mo : tout est libéré tout de suite (un pack à 100× en dessine une vingtaine).
    canvas.__dict__.pop("renderer", None)
    fig.clear()


def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    """Image PNG d'une figure (classeurs), sans pyplot ; la figure est vidée ensuite."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    _release(fig, canvas)
    return buf.getvalue()


def figure_pdf(fig: Figure) -> bytes:
    """Page PDF vectorielle d'une figure (polices TrueType incorporées : le texte reste du texte,
    sélectionnable et cherchable ; hachures et transparences comprises). La figure est vidée
    ensuite."""
    import matplotlib
    from matplotlib.backends.backend_pdf import FigureCanvasPdf

    canvas = FigureCanvasPdf(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig.savefig(buf, format="pdf", metadata={"Creator": None, "Producer": None,
                                                  "CreationDate": None})  # fmt: skip
    _release(fig, canvas)
    return buf.getvalue()
