"""Le moteur PDF de l'application (reportlab, mise en page « platypus ») ; aucun import de Qt.

Ce que chaque document reçoit sans rien demander :

- polices TrueType DejaVu Sans (celles de matplotlib) incorporées : le texte est sélectionnable
  et cherchable, les symboles des statuts (○ ◐ ✓ ⚠ ▼) s'affichent partout ;
- texte replié d'après les vraies largeurs des caractères : rien ne déborde d'une cellule (un mot
  trop long pour sa colonne est coupé) ;
- tableaux : en-tête répété en haut de chaque page, une ligne de groupe jamais seule en bas de
  page, une ligne très haute coupée entre deux pages plutôt que tronquée ;
- un titre n'est jamais seul en bas de page : il part avec le début de ce qui le suit ;
- graphiques matplotlib en vecteurs : la page PDF que matplotlib trace de la figure (polices
  incorporées, hachures et transparences comprises) est incrustée à sa place dans la page, après
  la mise en page (pypdf) ; le texte des graphiques reste du texte ;
- A4 paysage (ou portrait), titre du document en haut, pied de page et « Page n / N » ;
- lisible en noir et blanc : aplats clairs, texte foncé, en-têtes foncés à texte blanc ;
- écriture atomique (le fichier existant reste tel quel en cas d'échec).

Utilisation ::

    doc = PdfDocument("Pack de comité", footer="COTECH du 15/10/2024", author="Marie")
    doc.cover("Pack de comité", "COTECH du 15/10/2024", ["ligne 1", "ligne 2"])
    doc.page_break()
    doc.heading("Synthèse par bassin")
    doc.table([Col("Bassin", 2), Col("Entrants", 1, "right")], [Row(["Lensois", "2 118"])])
    doc.paragraph("Note sous le tableau.", size=8, color=MUTED)
    doc.chart(figure)                        # une Figure matplotlib, en vecteurs
    doc.chart_page("Titre", [fig1, fig2])    # une page de graphiques (un ou deux)
    pages = doc.save("pack.pdf")

Ajouter une page de graphique à un document : ``doc.chart_page(titre, [chart.draw()])`` avec un
``export.charts.Chart`` ; au pack de comité, ajouter un fournisseur à
``committees.pack.CHART_PROVIDERS`` suffit (le graphique va au PDF et au classeur).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as turned
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from roadmap_app.core.files import atomic_output

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MM = 72 / 25.4  # points par millimètre
MARGIN = 12 * MM
INK = "#101828"
MUTED = "#667085"
LINE = "#D0D5DD"
HEADER_BG = "#14325C"
FILLS = {
    "head": "#EEF2F7",
    "band": HEADER_BG,
    "group": "#D6E4FA",
    "sub": "#F2F4F7",
    "total": "#FFF4E5",
    "alert": "#FDECEA",
    "zebra": "#F6F7F9",
}

#: Polices (noms reportlab) : DejaVu Sans, fournie avec matplotlib.
FONT, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC = (
    "DejaVuSans",
    "DejaVuSans-Bold",
    "DejaVuSans-Oblique",
    "DejaVuSans-BoldOblique",
)
_FONTS_READY: list[bool] = []
#: Caractères qu'un texte PDF ne porte pas (contrôles, moitiés de paires UTF-16).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def register_fonts() -> None:
    """Enregistre DejaVu Sans (4 styles) auprès de reportlab, une fois."""
    if _FONTS_READY:
        return
    import matplotlib

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    for name, weight, style in (
        (FONT, "normal", "normal"),
        (FONT_BOLD, "bold", "normal"),
        (FONT_ITALIC, "normal", "italic"),
        (FONT_BOLD_ITALIC, "bold", "italic"),
    ):
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, f"{name}.ttf")))
        addMapping(FONT, weight == "bold", style == "italic", name)
    _FONTS_READY.append(True)


def plain(text: Any) -> str:
    """Texte d'une ligne de PDF : contrôles retirés ; l'espace fine insécable des nombres
    (« 1\u202f234 ») devient une espace insécable, que reportlab ne coupe jamais (il coupe la
    fine comme une espace ordinaire)."""
    return _CONTROL.sub("", str(text)).replace("\u202f", "\xa0")


def markup(text: Any) -> str:
    """Texte brut → texte de paragraphe reportlab (échappé, retours à la ligne gardés)."""
    if text is None:
        return ""
    clean = plain(text).replace("\r\n", "\n").replace("\r", "\n")
    return escape(clean).replace("\n", "<br/>")


# -- tableaux ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    title: str
    width: float  # part de la largeur utile (les parts sont normalisées)
    align: str = "left"  # left | right | center


@dataclass
class Row:
    cells: Sequence[Any]
    style: str = ""  # "" | head | band | group | sub | total | alert | zebra
    bold: bool = False
    italic: bool = False
    span: bool = False  # une seule cellule sur toute la largeur
    #: couleur du texte, cellule par cellule (``None`` : celle de la ligne) : un statut en
    #: couleur et en texte (« ● atteint » en vert), lisible aussi en noir et blanc
    colors: Sequence[str | None] | None = None


class PdfDocument:
    """Document PDF construit bloc par bloc, écrit par ``save``."""

    def __init__(
        self,
        title: str,
        *,
        footer: str = "",
        author: str = "",
        landscape: bool = True,
    ) -> None:
        register_fonts()
        self.title = title
        self.footer = footer
        self.author = author
        self.pagesize = turned(A4) if landscape else A4
        self.width = self.pagesize[0] - 2 * MARGIN  # largeur utile, en points
        self.height = self.pagesize[1] - 2 * MARGIN - 14  # hauteur utile (pied de page ôté)
        self.story: list[Any] = []
        self._pending: list[Any] = []  # titres en attente de ce qui les suit
        self._styles: dict[tuple[Any, ...], Any] = {}
        self._fresh_page = True
        self._figures: list[_FigureSlot] = []

    # -- styles -----------------------------------------------------------------------------
    def style(
        self,
        size: float = 9,
        *,
        bold: bool = False,
        italic: bool = False,
        color: str = INK,
        align: str = "left",
        leading: float | None = None,
        space_before: float = 0,
        space_after: float = 0,
    ) -> Any:
        key = (size, bold, italic, color, align, leading, space_before, space_after)
        found = self._styles.get(key)
        if found is None:
            font = {(False, False): FONT, (True, False): FONT_BOLD, (False, True): FONT_ITALIC,
                    (True, True): FONT_BOLD_ITALIC}[(bold, italic)]  # fmt: skip
            found = ParagraphStyle(
                f"s{len(self._styles)}",
                fontName=font,
                bulletFontName=font,
                fontSize=size,
                leading=leading or size * 1.22,
                textColor=color,
                alignment={"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}[align],
                spaceBefore=space_before,
                spaceAfter=space_after,
                splitLongWords=1,
                allowWidows=0,
                allowOrphans=0,
            )
            self._styles[key] = found
        return found

    def _para(self, text: Any, style: Any) -> Paragraph:
        return Paragraph(markup(text), style)

    # -- blocs ------------------------------------------------------------------------------
    def _add(self, *flowables: Any, lead_height: float = 0) -> None:
        """Ajoute des blocs ; les titres en attente partent avec eux (saut de page avant s'il
        ne reste pas la place des titres et de ``lead_height`` points de ce qui suit)."""
        if self._pending:
            need = sum(p.wrap(self.width, self.height)[1] + p.getSpaceBefore()
                       + p.getSpaceAfter() for p in self._pending)  # fmt: skip
            self.story.append(CondPageBreak(need + lead_height + 4))
            self.story.extend(self._pending)
            self._pending = []
        self.story.extend(flowables)
        self._fresh_page = False

    def page_break(self) -> None:
        """Nouvelle page (sans page blanche si la page en cours est vide)."""
        if self._pending:
            self._add()
        if not self._fresh_page:
            self.story.append(PageBreak())
            self._fresh_page = True

    def cover(self, title: str, subtitle: str, lines: Sequence[str]) -> None:
        """Page de garde : bandeau (titre, sous-titre) puis quelques lignes."""
        band = Table(
            [[self._para(title, self.style(24, bold=True, color="#FFFFFF", leading=30))],
             [self._para(subtitle, self.style(14, color="#FFFFFF", leading=18))]],
            colWidths=[self.width],
        )  # fmt: skip
        band.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(HEADER_BG)),
            ("FONT", (0, 0), (-1, -1), FONT, 12),
            ("LEFTPADDING", (0, 0), (-1, -1), 18), ("RIGHTPADDING", (0, 0), (-1, -1), 18),
            ("TOPPADDING", (0, 0), (0, 0), 48), ("BOTTOMPADDING", (0, -1), (-1, -1), 36),
        ]))  # fmt: skip
        body = self.style(11.5, leading=17, space_after=3)
        self._add(band, Spacer(1, 28), *(self._para(line, body) for line in lines))

    def heading(self, text: str, level: int = 1) -> None:
        """Titre (niveau 1, 2 ou 3) ; il part toujours avec le début de ce qui le suit."""
        size = {1: 15, 2: 12, 3: 10.5}.get(level, 10.5)
        self._pending.append(
            self._para(text, self.style(size, bold=True, color=HEADER_BG,
                                        space_before=6 if level == 1 else 8, space_after=4))
        )  # fmt: skip

    def paragraph(
        self, text: str, *, size: float = 9, color: str = INK, italic: bool = False
    ) -> None:
        para = self._para(text, self.style(size, color=color, italic=italic, space_after=5))
        self._add(para, lead_height=min(para.wrap(self.width, self.height)[1], size * 3.7))

    def space(self, height: float = 6) -> None:
        self._add(Spacer(1, height))

    def table(
        self,
        cols: Sequence[Col],
        rows: Sequence[Row],
        *,
        size: float = 8,
        show_header: bool = True,
        zebra: bool = False,
    ) -> None:
        """Tableau : largeurs en parts de la largeur utile, texte replié dans chaque cellule,
        en-tête répété sur chaque page (``show_header=False`` : le tableau porte ses propres
        lignes d'en-tête, ``Row(style="head")``, et rien n'est répété)."""
        total = sum(c.width for c in cols)
        widths = [c.width / total * self.width for c in cols]
        pad = 3
        body = list(rows)
        if zebra:
            body = [Row(r.cells, "zebra", r.bold, r.italic, r.span, r.colors)
                    if not r.style and i % 2 else r for i, r in enumerate(body)]  # fmt: skip
        data: list[list[Any]] = []
        cmds: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONT", (0, 0), (-1, -1), FONT, size),  # cellules vides : jamais Helvetica
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(LINE)),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        head = [Row([c.title for c in cols], "band", bold=True)] if show_header else []
        keep_with_next: list[int] = []
        for i, r in enumerate([*head, *body]):
            color = "#FFFFFF" if r.style == "band" else INK
            if r.span:
                cells = [self._para(r.cells[0] if r.cells else "",
                                    self.style(size, bold=r.bold, italic=r.italic, color=color))]
                cells += [""] * (len(cols) - 1)  # fmt: skip
                cmds.append(("SPAN", (0, i), (-1, i)))
            else:
                inks = r.colors or [None] * len(cols)
                cells = [
                    self._para(text, self.style(size, bold=r.bold, italic=r.italic, color=ink or color,
                                                align=c.align))
                    for text, c, ink in zip(r.cells, cols, inks, strict=True)
                ]  # fmt: skip
            data.append(cells)
            if r.style in FILLS:
                cmds.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor(FILLS[r.style])))
            if r.style in ("band", "group", "head") and len(head) <= i < len(head) + len(body) - 1:
                keep_with_next.append(i)  # jamais seule en bas de page
        if not data:
            return
        for i in keep_with_next:  # sauf devant une ligne trop haute, qui doit pouvoir se couper
            if _row_height(data[i + 1], widths, pad) < self.height / 3:
                cmds.append(("NOSPLIT", (0, i), (-1, i + 1)))
        table = Table(data, colWidths=widths, repeatRows=len(head), splitInRow=24,
                      style=cmds, hAlign="LEFT", spaceAfter=8)  # fmt: skip
        # le début qui doit tenir sous un titre : l'en-tête, les lignes de groupe et la première
        # ligne ordinaire (une ligne de groupe n'est jamais seule en bas de page)
        first = next((i for i, r in enumerate(body) if r.style not in ("band", "group", "head")),
                     len(body) - 1)  # fmt: skip
        lead = sum(_row_height(cells, widths, pad) for cells in data[: len(head) + first + 1])
        self._add(table, lead_height=min(lead, self.height / 3))

    def chart(self, figure: Figure, *, max_height: float | None = None) -> None:
        """Graphique matplotlib en vecteurs, à la largeur utile ; sa hauteur suit les proportions
        de la figure, bornée à ``max_height`` points (ou à la page). La figure est redimensionnée
        (pas agrandie) : son texte garde sa taille en points."""
        w_in, h_in = figure.get_size_inches()
        height = min(self.width * h_in / w_in, max_height or self.height - 30, self.height - 30)
        slot = _FigureSlot(figure, self.width, height)
        self._figures.append(slot)
        self._add(slot, lead_height=height)

    def chart_page(self, title: str, figures: Sequence[Figure]) -> None:
        """Une page : un titre et un ou deux graphiques l'un sous l'autre."""
        self.page_break()
        self.heading(title)
        room = (self.height - 40) / max(len(figures), 1)
        for fig in figures:
            self.chart(fig, max_height=room)

    # -- écriture ---------------------------------------------------------------------------
    def save(self, destination: str | Path) -> int:
        """Écrit le PDF (atomique) ; renvoie le nombre de pages."""
        if self._pending:
            self._add()
        pages: list[int] = []
        with atomic_output(Path(destination)) as tmp:
            doc = BaseDocTemplate(
                str(tmp), pagesize=self.pagesize, title=self.title, author=self.author,
                creator="roadmap-app", leftMargin=MARGIN, rightMargin=MARGIN,
                topMargin=MARGIN, bottomMargin=MARGIN + 14, invariant=True,
            )  # fmt: skip
            frame = Frame(MARGIN, MARGIN + 14, self.width, self.height, id="body",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
            doc.addPageTemplates([PageTemplate("page", [frame])])
            canvas = type("Canvas", (_NumberedCanvas,), {"document": self, "pages": pages})
            doc.build(self.story or [Spacer(1, 1)], canvasmaker=canvas)
            if self._figures:
                _place_figures(tmp, self._figures)
        return pages[0] if pages else 0

    def _decorate(self, canvas: Any, page: int, count: int) -> None:
        """Pied de page (texte, « Page n / N ») et titre en haut, en gris discret."""
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColorRGB(0x66 / 255, 0x70 / 255, 0x85 / 255)
        y = MARGIN * 0.55
        canvas.drawRightString(self.pagesize[0] - MARGIN, y, f"Page {page} / {count}")
        if self.footer:
            canvas.drawString(MARGIN, y, _fit(self.footer, FONT, 7.5, self.width - 90))
        if page > 1:
            top = self.pagesize[1] - MARGIN * 0.6
            canvas.drawString(MARGIN, top, _fit(self.title, FONT, 7.5, self.width))
        canvas.restoreState()


def _row_height(cells: Sequence[Any], widths: Sequence[float], pad: float) -> float:
    """Hauteur d'une ligne de tableau (paragraphes repliés à la largeur de leur colonne)."""
    spanned = len(cells) > 1 and all(c == "" for c in cells[1:])
    cols = [sum(widths)] if spanned else list(widths)
    return 5 + max(
        (c.wrap(w - 2 * pad, 1e6)[1] for c, w in zip(cells, cols, strict=False)
         if isinstance(c, Paragraph)), default=0,
    )  # fmt: skip


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Texte d'une ligne raccourci (« … ») pour tenir dans ``width`` points."""

    text = plain(text).replace("\n", " ")
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _NumberedCanvas(Canvas):
    """Canevas qui garde les pages jusqu'à la fin pour écrire « Page n / N »."""

    document: PdfDocument
    pages: list[int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initialFontName"] = FONT  # jamais Helvetica (non incorporée)
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        count = len(self._saved)
        for i, state in enumerate(self._saved, 1):
            self.__dict__.update(state)
            self.document._decorate(self, i, count)
            super().showPage()
        self.pages.append(count)
        super().save()


class _FigureSlot(Flowable):
    """Place d'un graphique : à l'endroit où la mise en page la pose, la figure est tracée en
    PDF par matplotlib (et libérée) ; ``_place_figures`` l'incruste ensuite dans la page."""

    def __init__(self, figure: Figure, width: float, height: float) -> None:
        super().__init__()
        self.figure: Figure | None = figure
        self.width, self.height = width, height
        self.pdf = b""
        self.page = -1
        self.x = self.y = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        from roadmap_app.export.charts import figure_pdf

        self.page = len(getattr(canvas, "_saved", ()))  # page en cours (à partir de 0)
        self.x, self.y = x, y
        if self.figure is not None:
            fig, self.figure = self.figure, None
            fig.set_size_inches(self.width / 72, self.height / 72)
            if fig.get_layout_engine() is None:
                fig.tight_layout()
            self.pdf = figure_pdf(fig)

    def draw(self) -> None:  # tout se fait dans drawOn
        pass


def _place_figures(path: Path, slots: Sequence[_FigureSlot]) -> None:
    """Incruste chaque graphique (page PDF de matplotlib) à sa place : vecteurs et texte."""
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=str(path))
    for slot in slots:
        if slot.page < 0 or not slot.pdf:
            continue
        figure = PdfReader(io.BytesIO(slot.pdf)).pages[0]
        scale = slot.width / float(figure.mediabox.width)
        writer.pages[slot.page].merge_transformed_page(
            figure, Transformation().scale(scale, scale).translate(slot.x, slot.y)
        )
    writer.compress_identical_objects()
    with path.open("wb") as fh:
        writer.write(fh)
