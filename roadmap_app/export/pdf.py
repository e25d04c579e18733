"""Rapports PDF lisibles sur papier, construits avec matplotlib (aucune dépendance à Qt).

A4 paysage, titres, paragraphes, tableaux avec retour à la ligne et pagination automatique,
graphiques ; numéro de page en pied. Écriture atomique.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import Any

from roadmap_app.core.files import atomic_output

PAGE_W, PAGE_H = 11.69, 8.27  # pouces, A4 paysage
MARGIN = 0.55
HEADER_BG = "#14325C"
ZEBRA = "#F2F4F7"
TEXT = "#101828"
MUTED = "#667085"


def wrap(text: Any, width_in: float, size: float) -> list[str]:
    """Découpe un texte en lignes tenant dans ``width_in`` pouces à la taille ``size`` (approché)."""
    chars = max(int(width_in * 72 / (size * 0.52)), 4)
    lines: list[str] = []
    for para in str("" if text is None else text).splitlines() or [""]:
        lines.extend(
            textwrap.wrap(para, chars, break_long_words=True, replace_whitespace=False) or [""]
        )
    return lines


class PdfReport:
    """Utilisation : ``with PdfReport(chemin, titre) as pdf: pdf.cover(...); pdf.table(...)``."""

    def __init__(self, destination: str | Path, title: str) -> None:
        self.destination = Path(destination)
        self.title = title
        self.page_no = 0
        self._stack = ExitStack()
        self._fig: Any = None
        self._y = 0.0

    def __enter__(self) -> PdfReport:
        from matplotlib.backends.backend_pdf import PdfPages

        tmp = self._stack.enter_context(atomic_output(self.destination))
        self._pdf = self._stack.enter_context(
            PdfPages(tmp, metadata={"Title": self.title, "Creator": "roadmap-app"})
        )
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if et is None:
            self._flush()
        self._stack.__exit__(et, ev, tb)

    # -- pages ---------------------------------------------------------------------
    def _flush(self) -> None:
        if self._fig is not None:
            self._pdf.savefig(self._fig)
            self._fig = None

    def new_page(self) -> None:
        from matplotlib.figure import Figure

        self._flush()
        self.page_no += 1
        self._fig = Figure(figsize=(PAGE_W, PAGE_H))
        self._fig.text(MARGIN / PAGE_W, 0.3 / PAGE_H, self.title, fontsize=7, color=MUTED)
        self._fig.text(
            1 - MARGIN / PAGE_W,
            0.3 / PAGE_H,
            f"page {self.page_no}",
            fontsize=7,
            color=MUTED,
            ha="right",
        )
        self._y = PAGE_H - MARGIN

    def _text(self, x: float, y: float, s: str, **kw: Any) -> None:
        self._fig.text(x / PAGE_W, y / PAGE_H, s, va="top", **kw)

    def _room(self, height: float) -> None:
        if self._fig is None or self._y - height < MARGIN + 0.3:
            self.new_page()

    # -- contenu -------------------------------------------------------------------
    def cover(self, title: str, subtitle: str, lines: Sequence[str]) -> None:
        from matplotlib.patches import Rectangle

        self.new_page()
        self._fig.patches.append(
            Rectangle(
                (0, 0.62), 1, 0.38, transform=self._fig.transFigure, color=HEADER_BG, zorder=0
            )
        )
        self._text(MARGIN + 0.2, PAGE_H - 1.2, title, fontsize=26, color="white", weight="bold")
        self._text(MARGIN + 0.2, PAGE_H - 2.0, subtitle, fontsize=15, color="white")
        y = PAGE_H * 0.55
        for line in lines:
            self._text(MARGIN + 0.2, y, line, fontsize=12, color=TEXT)
            y -= 0.32

    def heading(self, text: str, size: float = 15) -> None:
        self._room(0.8)
        self._text(MARGIN, self._y, text, fontsize=size, weight="bold", color=HEADER_BG)
        self._y -= size / 72 * 1.9

    def paragraph(self, text: str, size: float = 9.5, color: str = TEXT) -> None:
        width = PAGE_W - 2 * MARGIN
        for line in wrap(text, width, size):
            self._room(size / 72 * 1.5)
            self._text(MARGIN, self._y, line, fontsize=size, color=color)
            self._y -= size / 72 * 1.45
        self._y -= 0.08

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        size: float = 8,
        styles: Sequence[dict[str, Any] | None] | None = None,
    ) -> None:
        """Tableau paginé (en-tête répété) ; ``widths`` en fractions de la largeur utile ;
        ``styles[i]`` optionnel par ligne : ``{"bold": bool, "bg": couleur, "color": couleur}``."""
        usable = PAGE_W - 2 * MARGIN
        cols = [w / sum(widths) * usable for w in widths]
        line_h = size / 72 * 1.35
        pad = 0.05

        def draw_row(
            cells: Sequence[Any], *, header: bool = False, style: dict[str, Any] | None = None
        ) -> None:
            wrapped = [wrap(c, w - 2 * pad, size) for c, w in zip(cells, cols, strict=True)]
            height = max(len(w) for w in wrapped) * line_h + 2 * pad
            if not header:
                self._room(height)
                if self._y == PAGE_H - MARGIN:  # nouvelle page : l'en-tête est répété
                    draw_row(headers, header=True)
            bg = HEADER_BG if header else (style or {}).get("bg")
            if bg:
                from matplotlib.patches import Rectangle

                self._fig.patches.append(
                    Rectangle(
                        (MARGIN / PAGE_W, (self._y - height) / PAGE_H), usable / PAGE_W, height / PAGE_H,
                        transform=self._fig.transFigure, color=bg, zorder=0,
                    )
                )  # fmt: skip
            x = MARGIN
            color = "white" if header else (style or {}).get("color", TEXT)
            weight = "bold" if header or (style or {}).get("bold") else "normal"
            for lines, w in zip(wrapped, cols, strict=True):
                self._text(
                    x + pad,
                    self._y - pad,
                    "\n".join(lines),
                    fontsize=size,
                    color=color,
                    weight=weight,
                    linespacing=1.2,
                )
                x += w
            self._y -= height

        self._room(line_h * 3)
        draw_row(headers, header=True)
        for i, r in enumerate(rows):
            style = styles[i] if styles is not None else None
            if style is None and i % 2 == 1:
                style = {"bg": ZEBRA}
            draw_row(r, style=style)
        self._y -= 0.15

    def figure(self, fig: Any) -> None:
        """Un graphique matplotlib sur une page entière."""
        self._flush()
        self.page_no += 1
        fig.set_size_inches(PAGE_W, PAGE_H)
        fig.text(
            1 - MARGIN / PAGE_W,
            0.3 / PAGE_H,
            f"page {self.page_no}",
            fontsize=7,
            color=MUTED,
            ha="right",
        )
        self._pdf.savefig(fig)

    def image(self, title: str, png: bytes) -> None:
        import io

        from matplotlib.figure import Figure
        from matplotlib.image import imread

        fig = Figure(figsize=(PAGE_W, PAGE_H))
        ax = fig.add_axes((0.05, 0.06, 0.9, 0.84))
        ax.imshow(imread(io.BytesIO(png), format="png"))
        ax.axis("off")
        fig.text(0.05, 0.95, title, fontsize=14, weight="bold", color=HEADER_BG)
        self.figure(fig)

    def image_pair(self, title: str, images: list[tuple[str, bytes]]) -> None:
        """Deux graphiques l'un sous l'autre sur une page (chaque graphique porte son propre titre)."""
        import io

        from matplotlib.figure import Figure
        from matplotlib.image import imread

        fig = Figure(figsize=(PAGE_W, PAGE_H))
        fig.text(0.05, 0.95, title, fontsize=14, weight="bold", color=HEADER_BG)
        for i, (_caption, png) in enumerate(images[:2]):
            ax = fig.add_axes((0.05, 0.5 - 0.45 * i, 0.9, 0.43))
            ax.imshow(imread(io.BytesIO(png), format="png"))
            ax.axis("off")
        self.figure(fig)
