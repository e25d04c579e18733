"""Mise en page PDF minimale avec matplotlib (pas de Qt : la CLI reste sans écran).

Pages A4 paysage, titres, paragraphes et tableaux paginés (en-tête répété, lignes de groupe,
texte replié dans les colonnes), numéros de page « Page n / N ». Les polices sont incorporées
en TrueType (``pdf.fonttype`` 42) : le texte du PDF reste sélectionnable et cherchable.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PAGE_W, PAGE_H = 11.69, 8.27  # A4 paysage, en pouces
MARGIN = 0.45
PT = 1 / 72  # un point en pouces
CHAR_W = 0.57  # largeur moyenne d'un caractère (DejaVu Sans), en fraction de la taille

INK = "#101828"
MUTED = "#667085"
LINE = "#D0D5DD"
FILLS = {
    "head": "#EEF2F7",
    "band": "#14325C",
    "group": "#D6E4FA",
    "sub": "#F2F4F7",
    "total": "#FFF4E5",
    "alert": "#FDECEA",
}


@dataclass(frozen=True)
class Col:
    title: str
    width: float  # part de la largeur utile (les parts sont normalisées)
    align: str = "left"  # left | right | center


@dataclass
class Row:
    cells: Sequence[str]
    style: str = ""  # "" | head | band | group | sub | total | alert
    bold: bool = False
    italic: bool = False
    span: bool = False  # une seule cellule sur toute la largeur


@dataclass
class PdfDocument:
    title: str
    footer: str = ""
    pages: list[Any] = field(default_factory=list)
    y: float = 0.0  # position courante depuis le haut de la page (pouces)

    # -- pages ------------------------------------------------------------------------
    @property
    def fig(self) -> Figure:
        return self.pages[-1]

    @property
    def usable_w(self) -> float:
        return PAGE_W - 2 * MARGIN

    @property
    def bottom(self) -> float:
        return PAGE_H - MARGIN - 0.3

    def new_page(self) -> None:
        from matplotlib.figure import Figure

        self.pages.append(Figure(figsize=(PAGE_W, PAGE_H)))
        self.y = MARGIN

    def add_figure(self, fig: Figure) -> None:
        """Ajoute une figure déjà construite (graphique) comme page entière."""
        fig.set_size_inches(PAGE_W, PAGE_H)
        self.pages.append(fig)
        self.y = self.bottom

    def axes(self, height: float, left: float = 0.0, bottom_pad: float = 0.7) -> Any:
        """Zone de graphique à la position courante (``left`` : place des étiquettes, en pouces)."""
        self.ensure(height + bottom_pad)
        x0 = MARGIN + left
        ax = self.fig.add_axes(
            (
                x0 / PAGE_W,
                1 - (self.y + height) / PAGE_H,
                (PAGE_W - MARGIN - 0.3 - x0) / PAGE_W,
                height / PAGE_H,
            )
        )
        self.y += height + bottom_pad
        return ax

    def ensure(self, height: float) -> None:
        if not self.pages or self.y + height > self.bottom:
            self.new_page()

    # -- texte --------------------------------------------------------------------------
    def _text(self, x: float, y: float, text: str, size: float, **kw: Any) -> None:
        self.fig.text(x / PAGE_W, 1 - y / PAGE_H, text, fontsize=size, va="top", **kw)

    def heading(self, text: str, size: float = 15, color: str = "#14325C") -> None:
        lines = wrap(text, self.usable_w, size)
        self.ensure(len(lines) * size * 1.35 * PT + 0.9)  # jamais seul en bas de page
        for line in lines:
            self._text(MARGIN, self.y, line, size, weight="bold", color=color)
            self.y += size * 1.35 * PT
        self.y += 0.06

    def paragraph(self, text: str, size: float = 9, color: str = INK, italic: bool = False) -> None:
        for para in text.split("\n"):
            for line in wrap(para, self.usable_w, size) or [""]:
                self.ensure(size * 1.4 * PT)
                self._text(
                    MARGIN, self.y, line, size, color=color, style="italic" if italic else "normal"
                )
                self.y += size * 1.4 * PT
        self.y += 0.05

    def space(self, inches: float = 0.12) -> None:
        self.y += inches

    # -- tableaux -----------------------------------------------------------------------
    def table(
        self, cols: Sequence[Col], rows: Sequence[Row], size: float = 7.5, show_header: bool = True
    ) -> None:
        """Tableau paginé : l'en-tête est répété en haut de chaque nouvelle page.

        ``show_header=False`` : pas d'en-tête au début (le tableau porte ses propres lignes
        d'en-tête), seulement en haut des pages suivantes.
        """
        total = sum(c.width for c in cols)
        widths = [c.width / total * self.usable_w for c in cols]
        head = Row([c.title for c in cols], "head", bold=True)
        if show_header:
            self._row(cols, widths, head, size, header=None)
        for r in rows:
            self._row(cols, widths, r, size, header=head)
        self.y += 0.12

    def _row(
        self, cols: Sequence[Col], widths: list[float], row: Row, size: float, header: Row | None
    ) -> None:
        pad = 0.04
        line_h = size * 1.3 * PT
        if row.span:
            cells = [wrap(row.cells[0], sum(widths) - 2 * pad, size, bold=row.bold)]
        else:
            cells = [
                wrap(text, w - 2 * pad, size, bold=row.bold)
                for text, w in zip(row.cells, widths, strict=True)
            ]
        max_lines = int((self.bottom - MARGIN - 0.6) / line_h)
        cells = [c if len(c) <= max_lines else [*c[: max_lines - 1], "[…]"] for c in cells]
        height = max(len(c) for c in cells) * line_h + 2 * pad
        keep_with_next = 0.45 if row.style in ("band", "group") and header is not None else 0.0
        if not self.pages or self.y + height + keep_with_next > self.bottom:
            self.new_page()
            if header is not None:
                self._row(cols, widths, header, size, header=None)
        self._draw_row(cols, widths, row, cells, height, size, pad, line_h)
        self.y += height

    def _draw_row(
        self,
        cols: Sequence[Col],
        widths: list[float],
        row: Row,
        cells: list[list[str]],
        height: float,
        size: float,
        pad: float,
        line_h: float,
    ) -> None:
        from matplotlib.patches import Rectangle

        fill = FILLS.get(row.style)
        color = "white" if row.style == "band" else INK
        spans = [(MARGIN, sum(widths), cells[0], cols[0])] if row.span else []
        if not row.span:
            x = MARGIN
            for w, lines, col in zip(widths, cells, cols, strict=True):
                spans.append((x, w, lines, col))
                x += w
        for x, w, lines, col in spans:
            self.fig.patches.append(
                Rectangle(
                    (x / PAGE_W, 1 - (self.y + height) / PAGE_H),
                    w / PAGE_W,
                    height / PAGE_H,
                    transform=self.fig.transFigure,
                    facecolor=fill or "white",
                    edgecolor=LINE,
                    linewidth=0.5,
                )
            )
            align = "left" if row.span else col.align
            tx = {"left": x + pad, "right": x + w - pad, "center": x + w / 2}[align]
            for i, line in enumerate(lines):
                self._text(
                    tx,
                    self.y + pad + i * line_h,
                    line,
                    size,
                    ha=align,
                    color=color,
                    weight="bold" if row.bold else "normal",
                    style="italic" if row.italic else "normal",
                )

    # -- écriture -----------------------------------------------------------------------
    def save(self, path: Any, author: str = "") -> int:
        import matplotlib
        from matplotlib.backends.backend_pdf import PdfPages

        n = len(self.pages)
        meta = {"Title": self.title, "Author": author, "Creator": "roadmap-app"}
        with (
            matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}),
            PdfPages(path, metadata=meta) as pdf,
        ):
            for i, fig in enumerate(self.pages, 1):
                fig.text(
                        1 - MARGIN / PAGE_W, MARGIN * 0.6 / PAGE_H, f"Page {i} / {n}",
                        ha="right", va="bottom", fontsize=7.5, color=MUTED,
                    )  # fmt: skip
                if self.footer:
                    fig.text(
                            MARGIN / PAGE_W, MARGIN * 0.6 / PAGE_H, self.footer,
                            ha="left", va="bottom", fontsize=7.5, color=MUTED,
                        )  # fmt: skip
                pdf.savefig(fig)
        return n


def wrap(text: str, width_in: float, size: float, bold: bool = False) -> list[str]:
    """Replie un texte (avec ses retours à la ligne) pour une largeur en pouces."""
    chars = max(int(width_in / (size * PT * CHAR_W * (1.1 if bold else 1.0))), 4)
    out: list[str] = []
    for para in str(text).split("\n"):
        out.extend(textwrap.wrap(para, chars, break_long_words=True) or [""])
    while len(out) > 1 and out[-1] == "":
        out.pop()
    return out
