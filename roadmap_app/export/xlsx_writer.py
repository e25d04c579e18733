"""Écriture rapide de classeurs (openpyxl en mode « write-only ») avec styles, dates et formats français."""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from roadmap_app.core.files import atomic_output
from roadmap_app.export.cells import FMT_DATE, safe_text

HEADER_FILL = "14325C"
LINE_HEIGHT = 13.0  # points par ligne de texte (police par défaut 11 pt)
MAX_LINES = 12


class Sheet:
    """Feuille en écriture séquentielle : largeurs, en-tête figé, filtre, impression, groupes."""

    def __init__(
        self, book: Book, title: str, widths: Sequence[float], header_row: int | None = None
    ) -> None:
        from openpyxl.utils import get_column_letter

        self.book = book
        self.ws = book.wb.create_sheet(title)
        self.row = 0
        self.ncols = len(widths)
        self.widths = list(widths)
        for i, w in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        ps = self.ws.page_setup
        ps.orientation = "landscape"
        ps.paperSize = 9  # A4
        ps.fitToWidth = 1
        ps.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.sheet_properties.outlinePr.summaryBelow = False
        self.ws.print_options.gridLines = False
        self.ws.oddFooter.center.text = "&P / &N"
        self.ws.oddHeader.left.text = safe_text(title)
        # En écriture seule, la vue (volet figé) part avec la première ligne : à fixer dès maintenant.
        self.header_row = header_row
        self._wrapped: set[int] = set()  # cellules de texte à la ligne de la ligne en préparation
        if header_row is not None:
            self.ws.freeze_panes = f"A{header_row + 1}"
            self.ws.print_title_rows = f"{header_row}:{header_row}"

    def cell(
        self,
        value: Any,
        *,
        bold: bool = False,
        fill: str | None = None,
        color: str | None = None,
        fmt: str | None = None,
        indent: int = 0,
        wrap: bool = False,
        size: float | None = None,
        italic: bool = False,
    ) -> Any:
        if (value is None or value == "") and not fill:
            return None  # cellule vide sans fond : rien à écrire (des milliers à 100×)
        if isinstance(value, str):
            value = safe_text(value)
        elif isinstance(value, Decimal):
            value = float(value) if value != value.to_integral_value() else int(value)
        c = self.book.new_cell(self.ws, value)
        if not fmt and isinstance(value, date | datetime):
            fmt = FMT_DATE
        # Affecter police, remplissage, format et alignement coûte cher dans openpyxl (chaque style
        # est haché à chaque affectation) : la combinaison est calculée une fois, puis recopiée.
        key = (bold, fill, color, fmt, indent, wrap, size, italic)
        style = self.book.styles.get(key)
        if style is not None:
            c._style = copy(style)
        else:
            if bold or color or size or italic:
                c.font = self.book.font(bold=bold, color=color, size=size, italic=italic)
            if fill:
                c.fill = self.book.fill(fill)
            if fmt:
                c.number_format = fmt
            c.alignment = self.book.alignment(
                indent=indent, wrap=wrap
            )  # toujours en haut de cellule
            self.book.styles[key] = copy(c._style)
        if wrap and isinstance(value, str):
            self._wrapped.add(id(c))
        return c

    def append(
        self, values: Sequence[Any], *, outline: int = 0, height: float | None = None
    ) -> None:
        self.row += 1
        if outline:
            self.ws.row_dimensions[self.row].outlineLevel = outline
        height = height or (self._wrapped_height(values) if self._wrapped else None)
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(list(values))
        self._wrapped.clear()

    def _wrapped_height(self, values: Sequence[Any]) -> float | None:
        """Hauteur de ligne pour les textes à la ligne : les tableurs ne la recalculent pas tous à
        l'ouverture (LibreOffice superpose sinon les lignes). Bornée à ``MAX_LINES`` lignes."""
        lines = 1
        for i, c in enumerate(values):
            if id(c) not in self._wrapped or i >= len(self.widths):
                continue
            value = c.value
            per_line = max(int(self.widths[i] * 1.1) - 1, 4)
            n = sum(max(1, -(-len(par) // per_line)) for par in value.split("\n"))
            lines = max(lines, n)
        if lines <= 1:
            return None
        return min(lines, MAX_LINES) * LINE_HEIGHT

    def header(self, labels: Sequence[str], *, filter_rows: int | None = None) -> None:
        """Ligne d'en-tête (figée et répétée à l'impression si c'est la ligne ``header_row``
        annoncée à la création de la feuille), avec filtre automatique si ``filter_rows``."""
        from openpyxl.utils import get_column_letter

        self.append(
            [
                self.cell(label, bold=True, fill=HEADER_FILL, color="FFFFFF", wrap=True)
                for label in labels
            ]
        )
        r = self.row
        if filter_rows is not None:
            self.ws.auto_filter.ref = (
                f"A{r}:{get_column_letter(len(labels))}{r + max(filter_rows, 1)}"
            )

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.append([self.cell(text, bold=True, size=14, color=HEADER_FILL)], height=22)
        if subtitle:
            self.append([self.cell(subtitle, italic=True, color="667085")])
        self.append([])

    def note(self, text: str) -> None:
        self.append([self.cell(text, italic=True, color="667085")])


class Book:
    """Classeur en mode écriture seule ; les styles sont partagés (rapide sur de gros volumes)."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook(write_only=True)
        self.styles: dict[tuple[Any, ...], Any] = {}  # combinaison → tableau de style openpyxl
        from openpyxl.cell import WriteOnlyCell

        self.new_cell = WriteOnlyCell
        self._fonts: dict[tuple[Any, ...], Any] = {}
        self._fills: dict[str, Any] = {}
        self._aligns: dict[tuple[Any, ...], Any] = {}

    def sheet(self, title: str, widths: Sequence[float], header_row: int | None = None) -> Sheet:
        return Sheet(self, title[:31], widths, header_row)

    def font(self, **kw: Any) -> Any:
        from openpyxl.styles import Font

        key = tuple(sorted(kw.items()))
        if key not in self._fonts:
            self._fonts[key] = Font(**{k: v for k, v in kw.items() if v})
        return self._fonts[key]

    def fill(self, rgb: str) -> Any:
        from openpyxl.styles import PatternFill

        if rgb not in self._fills:
            self._fills[rgb] = PatternFill("solid", fgColor=rgb)
        return self._fills[rgb]

    def alignment(self, indent: int, wrap: bool) -> Any:
        from openpyxl.styles import Alignment

        key = (indent, wrap)
        if key not in self._aligns:
            self._aligns[key] = Alignment(indent=indent, wrap_text=wrap, vertical="top")
        return self._aligns[key]

    def discard(self) -> None:
        """Après un échec : termine les feuilles en cours et supprime leurs fichiers temporaires."""
        import contextlib
        import os

        for ws in self.wb.worksheets:
            with contextlib.suppress(Exception):
                ws.close()
            out = getattr(getattr(ws, "_writer", None), "out", None)
            if isinstance(out, str):
                with contextlib.suppress(OSError):
                    os.remove(out)

    def save(self, destination: str | Path) -> Path:
        dest = Path(destination)
        with atomic_output(dest) as tmp:
            self.wb.save(tmp)
        return dest
