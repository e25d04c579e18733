"""Écriture d'une feuille de classeur ligne à ligne, avec la mise en forme commune des exports.

openpyxl n'est importé que dans les fonctions (jamais au démarrage de l'interface). Les textes
passent par ``safe_text`` ; impression A4 paysage ajustée à la largeur, pied de page numéroté ;
hauteurs de ligne calculées d'après le texte replié.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from roadmap_app.export.cells import safe_text

TITLE_FILL = "14325C"
GROUP_FILL = "D6E4FA"
HEAD_FILL = "EEF2F7"
TOTAL_FILL = "FFF4E5"
SUB_FILL = "F2F4F7"


class SheetWriter:
    """Écriture ligne à ligne d'une feuille, avec les styles du bilan."""

    def __init__(self, ws: Any, widths: Sequence[float]) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
        from openpyxl.utils import get_column_letter

        self.ws = ws
        self.row = 1
        self.ncols = len(widths)
        self.widths = list(widths)
        self.Font, self.PatternFill, self.Alignment = Font, PatternFill, Alignment
        thin = Side(style="thin", color="D0D5DD")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.oddFooter.center.text = "Page &P / &N"
        ws.oddFooter.left.text = "&A"

    def fill(self, color: str) -> Any:
        return self.PatternFill("solid", start_color=color, end_color=color)

    def title(self, text: str, size: int = 14) -> None:
        c = self.ws.cell(self.row, 1, safe_text(text))
        c.font = self.Font(bold=True, size=size, color=TITLE_FILL)
        self.row += 1

    def note(self, text: str) -> None:
        c = self.ws.cell(self.row, 1, safe_text(text))
        c.font = self.Font(italic=True, color="667085")
        self.row += 1

    def skip(self, n: int = 1) -> None:
        self.row += n

    def fit_height(self, values: list[Any], spans: dict[int, int] | None = None) -> None:
        """Hauteur de ligne d'après le texte replié (Excel et LibreOffice ne la recalculent pas
        toujours à l'ouverture : sans elle, les textes longs se chevauchent).

        ``spans`` : colonne (0 = première) → nombre de colonnes fusionnées à partir d'elle.
        """
        spans = spans or {}
        lines = 1
        for i, v in enumerate(values):
            if not isinstance(v, str) or not v:
                continue
            width = sum(self.widths[i : i + spans.get(i, 1)])
            per_line = max(int(width * 1.15) - 1, 4)
            n = sum(max(math.ceil(len(p) / per_line), 1) for p in v.split("\n"))
            lines = max(lines, n)
        if lines > 1:
            self.ws.row_dimensions[self.row].height = min(15 * lines + 2, 409)

    def header(self, labels: list[str]) -> int:
        for i, label in enumerate(labels, 1):
            c = self.ws.cell(self.row, i, label)
            c.font = self.Font(bold=True, color="344054")
            c.fill = self.fill(HEAD_FILL)
            c.alignment = self.Alignment(wrap_text=True, vertical="center")
            c.border = self.border
        self.fit_height(list(labels))
        self.row += 1
        return self.row - 1

    def band(
        self, text: str, color: str = GROUP_FILL, *, bold: bool = True, white: bool = False
    ) -> None:
        """Ligne de titre sur toute la largeur (groupe de l'annexe 3, axe…)."""
        for i in range(1, self.ncols + 1):
            c = self.ws.cell(self.row, i)
            c.fill = self.fill(color)
            c.border = self.border
        c = self.ws.cell(self.row, 1, safe_text(text))
        c.font = self.Font(bold=bold, color="FFFFFF" if white else "101828")
        c.alignment = self.Alignment(vertical="center", wrap_text=True)
        self.ws.merge_cells(
            start_row=self.row, start_column=1, end_row=self.row, end_column=self.ncols
        )
        self.fit_height([text], {0: self.ncols})
        self.row += 1

    def values(
        self,
        values: list[Any],
        formats: dict[int, str] | None = None,
        *,
        bold: bool = False,
        fill: str | None = None,
        italic: bool = False,
        merge: int = 1,
        spans: dict[int, int] | None = None,
    ) -> int:
        """Une ligne de valeurs ; ``merge`` : colonnes fusionnées pour la première valeur,
        ``spans`` : idem pour d'autres colonnes (indice à partir de 0 → nombre de colonnes)."""
        formats = formats or {}
        spans = dict(spans or {})
        if merge > 1:
            spans[0] = merge
        self.fit_height(values, spans)
        for i, v in enumerate(values, 1):
            if isinstance(v, str):
                v = safe_text(v)
            c = self.ws.cell(self.row, i, v)
            if i in formats and v is not None:
                c.number_format = formats[i]
            c.alignment = self.Alignment(wrap_text=isinstance(v, str), vertical="top")
            c.border = self.border
            if bold or italic:
                c.font = self.Font(bold=bold, italic=italic)
            if fill:
                c.fill = self.fill(fill)
        for col, n in spans.items():
            self.ws.merge_cells(
                start_row=self.row, start_column=col + 1, end_row=self.row, end_column=col + n
            )
        self.row += 1
        return self.row - 1

    def freeze(self, cell: str, print_rows: str) -> None:
        self.ws.freeze_panes = cell
        self.ws.print_title_rows = print_rows
