"""Écriture de classeurs : la seule façon d'écrire une feuille dans l'application.

openpyxl en mode « écriture seule » (rapide, mémoire bornée : les lignes partent sur le disque
au fur et à mesure), importé seulement à l'appel (jamais au démarrage de l'interface).

Ce que chaque feuille reçoit sans rien demander :

- textes passés par ``cell_text`` (contrôles retirés, 32 767 caractères au plus) ; un texte qui
  ressemble à une formule (« =HYPERLINK(…) », « -Développement… ») est une cellule texte au style
  « quotePrefix » : Excel et LibreOffice l'affichent tel quel, sans apostrophe, et ne l'exécutent
  jamais ;
- dates au format ``15/05/2024``, ``Decimal`` en nombres, formats français (``export.cells``) ;
- impression A4 paysage ajustée à la largeur, « page / pages » en pied, titre de la feuille en
  en-tête ; largeurs de colonnes ; en-tête figé et répété à l'impression (``header_row``) ;
- hauteur des lignes d'après le texte replié (les tableurs ne la recalculent pas tous à
  l'ouverture ; LibreOffice superpose sinon les lignes).

Utilisation ::

    book = Book(title="Pack", creator="Marie")
    sh = book.sheet("Synthèse", [26, 14, 14], header_row=4)
    sh.title("Titre", "sous-titre")             # lignes 1 à 3
    sh.header(["Bassin", "Entrants", "Date"])  # ligne 4 : figée, répétée à l'impression
    sh.append([sh.cell("Lensois", bold=True), sh.cell(2118, fmt=FMT_INT), sh.cell(date.today())])
    sh.values(["Total", 3300, None], {2: FMT_INT}, bold=True)  # valeurs simples, bordées
    sh.image(png_bytes)                          # graphique (image PNG) à la ligne courante
    book.save("pack.xlsx")                       # écriture atomique

Coût par cellule : un style est calculé une fois par combinaison, puis partagé par ses cellules
(affecter un style coûte cher dans openpyxl) ; une valeur sans autre mise en forme que le style
par défaut (en haut de cellule) s'écrit brute, comme dans openpyxl nu ; les cellules stylées vont
telles quelles à l'écrivain d'openpyxl (``Sheet._row_cells``). Le pack de comité à 10× coûte
1,7 fois les instructions d'openpyxl sans aucun style (2,5 fois auparavant ; voir
bench/RESULTS.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from roadmap_app.core.files import atomic_output
from roadmap_app.export.cells import FMT_DATE, cell_text, looks_like_formula

#: Couleurs communes (RVB sans « # »).
HEADER_FILL = "14325C"  # en-têtes foncés, titres
HEAD_FILL = "EEF2F7"  # en-têtes clairs (tableaux de l'annexe 3)
GROUP_FILL = "D6E4FA"
BAND_FILL = "DCE6F2"
SUB_FILL = "F2F4F7"
TOTAL_FILL = "FFF4E5"
MUTED = "667085"
INK = "101828"
LINE = "D0D5DD"

#: Valeurs écrites brutes quand elles n'ont pas d'autre style que celui par défaut
#: (``_PLAIN_KEY`` : les paramètres de ``Sheet.cell`` par défaut).
_PLAIN = frozenset({str, int, float, bool})
_PLAIN_KEY = (False, None, None, None, 0, False, None, False, False, None, True, False)

LINE_HEIGHT = 13.0  # points par ligne de texte (police par défaut 11 pt)
MAX_LINES = 12  # au-delà, la ligne garde cette hauteur (le texte reste entier dans la cellule)


class Sheet:
    """Feuille en écriture séquentielle (ligne après ligne).

    ``header_row`` : ligne d'en-tête figée (volet) et répétée à l'impression ; ``freeze`` et
    ``print_rows`` pour un autre volet (« C3 ») ou d'autres lignes répétées (« 1:2 »). En écriture
    seule, la vue part avec la première ligne : tout cela se décide à la création. ``max_lines`` :
    hauteur maximale d'une ligne, en lignes de texte (le texte au-delà reste dans la cellule).
    """

    def __init__(
        self,
        book: Book,
        title: str,
        widths: Sequence[float],
        header_row: int | None = None,
        *,
        freeze: str | None = None,
        print_rows: str | None = None,
        zoom: int | None = None,
        max_lines: int = MAX_LINES,
    ) -> None:
        from openpyxl.utils import get_column_letter

        self.book = book
        self.ws = book.wb.create_sheet(title)
        self.row = 0  # dernière ligne écrite
        self.ncols = len(widths)
        self.widths = list(widths)
        for i, w in enumerate(widths, 1):
            dim = self.ws.column_dimensions[get_column_letter(i)]
            dim.width = w
            dim._style = copy(book.column_style)
        ws = self.ws
        ps = ws.page_setup
        ps.orientation = "landscape"
        ps.paperSize = 9  # A4
        ps.fitToWidth = 1
        ps.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.sheet_properties.outlinePr.summaryBelow = False
        ws.print_options.gridLines = False
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.oddFooter.center.text = "&P / &N"
        ws.oddHeader.left.text = cell_text(title).replace("&", "&&")
        if header_row is not None:
            freeze = freeze or f"A{header_row + 1}"
            print_rows = print_rows or f"{header_row}:{header_row}"
        if freeze:
            ws.freeze_panes = freeze
        if print_rows:
            ws.print_title_rows = print_rows
        if zoom:
            ws.sheet_view.zoomScale = zoom
        self.max_lines = max_lines
        ws._values_to_row = self._row_cells  # voir ``_row_cells``
        self._wrapped: set[int] = set()  # cellules à la ligne de la ligne en préparation

    # -- cellules ---------------------------------------------------------------------------
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
        border: bool = False,
        align: str | None = None,
        locked: bool = True,
        comment: str | None = None,
    ) -> Any:
        """Cellule stylée, à placer dans ``append`` ; ``None`` pour une cellule vide sans fond
        ni bordure (rien à écrire : des milliers dans un gros classeur). ``locked=False`` : la
        cellule reste modifiable dans une feuille protégée ; ``comment`` : note de la cellule."""
        if (value is None or value == "") and not fill and not border and locked and not comment:
            return None
        formula_like = False
        if isinstance(value, str):
            value = cell_text(value)
            formula_like = looks_like_formula(value)
        elif isinstance(value, Decimal):
            value = float(value) if value != value.to_integral_value() else int(value)
        elif not fmt and isinstance(value, date | datetime):
            fmt = FMT_DATE
        key = (bold, fill, color, fmt, indent, wrap, size, italic, border, align, locked,
               formula_like)  # fmt: skip
        if key == _PLAIN_KEY and not comment and type(value) in _PLAIN:
            return value  # écrite sans style : celui du classeur et des colonnes (``Book``)
        style = self.book.styles.get(key)
        if style is None:
            style = self.book.styles[key] = self.book.style(self.ws, *key)
        c = self.book.new_cell(self.ws, value)
        c._style = style  # partagé : une cellule rendue ne se restyle pas
        if formula_like:
            c.data_type = "s"  # jamais une formule, même commençant par « = »
        if wrap and isinstance(value, str):
            self._wrapped.add(id(c))
        if comment:
            from openpyxl.comments import Comment

            c.comment = Comment(cell_text(comment), "roadmap-app")
        return c

    def _row_cells(self, values: Sequence[Any], row_idx: int) -> Iterator[Any]:
        """Les cellules d'une ligne ajoutée, pour l'écrivain d'openpyxl (à la place de
        ``WriteOnlyWorksheet._values_to_row``, même contrat) : une cellule de ``cell`` passe
        telle quelle, là où openpyxl essaie d'abord d'en faire la valeur d'une autre cellule
        (une exception et une cellule neuve à chaque fois) ; une valeur brute va dans une
        cellule réutilisée, comme chez openpyxl."""
        cell_type = self.book.cell_type
        plain = None
        for col, value in enumerate(values, 1):
            if value is None:
                continue
            if type(value) is cell_type:
                cell = value
            else:
                if plain is None:
                    plain = self.book.new_cell(self.ws)
                cell = plain
                cell.value = value
                if cell.has_style:  # format de date reçu : la valeur suivante a sa cellule
                    plain = None
            cell.column = col
            cell.row = row_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell

    def validate(self, cells: str, **rule: Any) -> None:
        """Validation des saisies sur une plage (« G5:G40 ») : ``rule`` comme
        ``openpyxl.worksheet.datavalidation.DataValidation`` (type, formula1, error…)."""
        from openpyxl.worksheet.datavalidation import DataValidation

        dv = DataValidation(**rule)
        dv.add(cells)
        self.ws.data_validations.append(dv)

    def protect(self, password: str | None = None) -> None:
        """Feuille protégée (cellules ``locked=False`` exceptées) ; lignes et colonnes restent
        redimensionnables."""
        self.ws.protection.sheet = True
        self.ws.protection.formatColumns = False
        self.ws.protection.formatRows = False
        if password:
            self.ws.protection.password = password

    # -- lignes -----------------------------------------------------------------------------
    def append(
        self,
        values: Sequence[Any],
        *,
        outline: int = 0,
        height: float | None = None,
        spans: dict[int, int] | None = None,
    ) -> int:
        """Écrit la ligne suivante ; renvoie son numéro. ``spans`` : colonne (0 = première) →
        nombre de colonnes fusionnées à partir d'elle."""
        self.row += 1
        if outline:
            self.ws.row_dimensions[self.row].outlineLevel = outline
        if height is None and self._wrapped:
            height = self._wrapped_height(values, spans or {})
        if height:
            self.ws.row_dimensions[self.row].height = height
        row = list(values)
        if len(row) > self.ncols:  # au-delà des colonnes déclarées, pas de style de colonne
            row[self.ncols :] = [self._at_top(v) for v in row[self.ncols :]]
        self.ws.append(row)
        self._wrapped.clear()
        for col, n in (spans or {}).items():
            if n > 1:
                self.ws.merged_cells.add(self._range(col, n))
        return self.row

    def _at_top(self, value: Any) -> Any:
        """Valeur brute écrite dans une cellule au style par défaut (en haut de cellule)."""
        if type(value) not in _PLAIN:
            return value
        c = self.book.new_cell(self.ws, value)
        c._style = copy(self.book.default_style)
        return c

    def _range(self, col: int, n: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(col + 1)}{self.row}:{get_column_letter(col + n)}{self.row}"

    def _wrapped_height(self, values: Sequence[Any], spans: dict[int, int]) -> float | None:
        """Hauteur pour les textes à la ligne, d'après la largeur (colonnes fusionnées comprises)."""
        lines = 1
        for i, c in enumerate(values):
            if id(c) not in self._wrapped or i >= len(self.widths):
                continue
            width = sum(self.widths[i : i + spans.get(i, 1)])
            per_line = max(int(width * 1.1) - 1, 4)
            n = sum(max(1, math.ceil(len(par) / per_line)) for par in c.value.split("\n"))
            lines = max(lines, n)
        if lines <= 1:
            return None
        return min(lines, self.max_lines) * LINE_HEIGHT + 2

    def values(
        self,
        values: Sequence[Any],
        formats: dict[int, str] | None = None,
        *,
        bold: bool = False,
        italic: bool = False,
        fill: str | None = None,
        border: bool = True,
        spans: dict[int, int] | None = None,
        outline: int = 0,
    ) -> int:
        """Une ligne de valeurs simples, même style pour toutes (textes repliés, en haut de
        cellule) ; ``formats`` : colonne (1 = première) → format de nombre."""
        formats = formats or {}
        cells = [
            self.cell(v, bold=bold, italic=italic, fill=fill, border=border,
                      fmt=formats.get(i) if v is not None else None, wrap=isinstance(v, str))
            for i, v in enumerate(values, 1)
        ]  # fmt: skip
        return self.append(cells, spans=spans, outline=outline)

    def header(
        self,
        labels: Sequence[str],
        *,
        filter_rows: int | None = None,
        light: bool = False,
    ) -> int:
        """Ligne d'en-tête (foncée, texte blanc ; ``light`` : claire, bordée, comme l'annexe 3),
        avec filtre automatique sur ``filter_rows`` lignes si demandé."""
        from openpyxl.utils import get_column_letter

        fill, color = (HEAD_FILL, "344054") if light else (HEADER_FILL, "FFFFFF")
        r = self.append(
            [self.cell(label, bold=True, fill=fill, color=color, wrap=True, border=light)
             for label in labels]
        )  # fmt: skip
        if filter_rows is not None:
            self.ws.auto_filter.ref = (
                f"A{r}:{get_column_letter(len(labels))}{r + max(filter_rows, 1)}"
            )
        return r

    def auto_filter(self, first_row: int, last_row: int | None = None) -> None:
        """Filtre automatique de ``first_row`` (l'en-tête) à ``last_row`` (défaut : la dernière)."""
        from openpyxl.utils import get_column_letter

        last = max(last_row or self.row, first_row)
        self.ws.auto_filter.ref = f"A{first_row}:{get_column_letter(self.ncols)}{last}"

    def title(self, text: str, subtitle: str | None = None, *, size: float = 14) -> None:
        """Titre (et sous-titre), suivis d'une ligne vide s'il y a un sous-titre."""
        self.append([self.cell(text, bold=True, size=size, color=HEADER_FILL)],
                    height=max(size * 1.5, 15))  # fmt: skip
        if subtitle:
            self.append([self.cell(subtitle, italic=True, color=MUTED)])
            self.append([])

    def note(self, text: str) -> None:
        self.append([self.cell(text, italic=True, color=MUTED)])

    def band(self, text: str, fill: str = GROUP_FILL, *, white: bool = False) -> int:
        """Ligne de titre sur toute la largeur (cellules fusionnées)."""
        first = self.cell(text, bold=True, fill=fill, border=True, wrap=True,
                          color="FFFFFF" if white else INK)  # fmt: skip
        rest = [self.cell(None, fill=fill, border=True)] * (self.ncols - 1)
        return self.append([first, *rest], spans={0: self.ncols})

    def skip(self, n: int = 1) -> None:
        for _ in range(n):
            self.append([])

    def image(self, png: bytes, caption: str | None = None, *, new_page: bool = True) -> None:
        """Image PNG (graphique), sa légende éventuelle au-dessus ; les lignes qu'elle couvre
        sont passées. ``new_page`` : à l'impression, chaque image (sauf la première) commence
        une page, avec sa légende."""
        import io

        from openpyxl.drawing.image import Image
        from openpyxl.worksheet.pagebreak import Break

        if new_page and self.ws._images:
            self.ws.row_breaks.append(Break(id=self.row))
        if caption:
            self.note(caption)
        img = Image(io.BytesIO(png))
        img.anchor = f"A{self.row + 1}"
        self.ws.add_image(img)
        self.skip(int(img.height / 20) + 2)


def _cell_styles_class() -> type:
    from openpyxl.utils.indexed_list import IndexedList

    class CellStyles(IndexedList):
        """Styles de cellule du classeur, le premier (xf 0) étant le style par défaut ; un
        tableau de style vide (ligne, colonne ou cellule sans style) y renvoie aussi. Le
        numéro d'un tableau partagé (``share``) est retrouvé sans le hacher à chaque cellule."""

        def __init__(self, styles: Sequence[Any]) -> None:
            super().__init__(styles)
            self.shared: dict[int, int] = {}
            self.kept: list[Any] = []  # tableaux partagés : vivants (leur id reste le leur)

        def share(self, style: Any) -> None:
            self.kept.append(style)
            self.shared[id(style)] = super().add(style)

        def add(self, value: Any) -> int:
            found = self.shared.get(id(value))
            if found is not None:
                return found
            return super().add(value) if any(value) else 0

    return CellStyles


class Book:
    """Classeur en écriture seule ; styles partagés entre feuilles (rapide sur de gros volumes)."""

    def __init__(self, *, title: str | None = None, creator: str | None = None) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        self.wb = Workbook(write_only=True)
        if title:
            self.wb.properties.title = cell_text(title)
        if creator:
            self.wb.properties.creator = cell_text(creator)
        self.new_cell = WriteOnlyCell
        self.cell_type = type(WriteOnlyCell())
        self.styles: dict[tuple[Any, ...], Any] = {}  # combinaison → tableau de style openpyxl
        self._fonts: dict[tuple[Any, ...], Any] = {}
        self._fills: dict[str, Any] = {}
        self._aligns: dict[tuple[Any, ...], Any] = {}
        self._border: Any = None
        self._default_styles()

    def sheet(
        self,
        title: str,
        widths: Sequence[float],
        header_row: int | None = None,
        **view: Any,
    ) -> Sheet:
        """Nouvelle feuille (titre raccourci à 31 caractères) ; ``view`` : ``freeze``,
        ``print_rows``, ``zoom`` (voir ``Sheet``)."""
        return Sheet(self, title[:31], widths, header_row, **view)

    @property
    def sheet_count(self) -> int:
        return len(self.wb.worksheets)

    # -- styles partagés ----------------------------------------------------------------------
    def _default_styles(self) -> None:
        """En haut de cellule par défaut, comme toute cellule de ``Sheet.cell`` : le style 0 du
        classeur (celui d'une cellule écrite sans style, pour Excel) et celui des colonnes des
        feuilles (LibreOffice l'applique aux cellules sans style). Une valeur sans autre mise
        en forme s'écrit alors brute, sans objet cellule ni style (le tiers des cellules du
        pack de comité)."""
        from openpyxl.styles import Alignment
        from openpyxl.styles.cell_style import StyleArray

        wb = self.wb
        default = StyleArray()
        default.alignmentId = wb._alignments.add(self.alignment(indent=0, wrap=False))
        wb._cell_styles = _cell_styles_class()([default])
        self.default_style = default
        #: même rendu, autre style que le 0 (openpyxl n'écrit pas le style 0 d'une colonne)
        self.column_style = StyleArray()
        self.column_style.alignmentId = wb._alignments.add(
            Alignment(horizontal="general", vertical="top")
        )

    def style(
        self,
        ws: Any,
        bold: bool,
        fill: str | None,
        color: str | None,
        fmt: str | None,
        indent: int,
        wrap: bool,
        size: float | None,
        italic: bool,
        border: bool,
        align: str | None,
        locked: bool,
        formula_like: bool,
    ) -> Any:
        """Tableau de style openpyxl d'une combinaison de ``Sheet.cell``, calculé une fois et
        partagé par toutes ses cellules (son numéro dans le classeur aussi : voir ``_cell_styles``)."""
        c = self.new_cell(ws)
        if bold or color or size or italic:
            c.font = self.font(bold=bold, color=color, size=size, italic=italic)
        if fill:
            c.fill = self.fill(fill)
        if fmt:
            c.number_format = fmt
        if border:
            c.border = self.border()
        if not locked:
            from openpyxl.styles import Protection

            c.protection = Protection(locked=False)
        c.alignment = self.alignment(indent=indent, wrap=wrap, align=align)
        if formula_like:
            c.quotePrefix = True
        self.wb._cell_styles.share(c._style)
        return c._style

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

    def alignment(self, indent: int, wrap: bool, align: str | None = None) -> Any:
        from openpyxl.styles import Alignment

        key = (indent, wrap, align)
        if key not in self._aligns:
            self._aligns[key] = Alignment(
                indent=indent, wrap_text=wrap, vertical="top", horizontal=align
            )
        return self._aligns[key]

    def border(self) -> Any:
        if self._border is None:
            from openpyxl.styles import Border, Side

            thin = Side(style="thin", color=LINE)
            self._border = Border(left=thin, right=thin, top=thin, bottom=thin)
        return self._border

    # -- écriture -----------------------------------------------------------------------------
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
        """Écriture atomique : en cas d'échec, le fichier existant reste tel quel et aucun
        fichier temporaire ne reste derrière."""
        dest = Path(destination)
        try:
            with atomic_output(dest) as tmp:
                self.wb.save(tmp)
        except BaseException:
            self.discard()
            raise
        return dest
