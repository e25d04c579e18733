"""Le guide d'utilisation dans l'application : *Aide → Guide d'utilisation* (F1), hors ligne.

Les rubriques sont les fichiers Markdown de ``docs/guide`` (paquet ``guide``, livré dans la roue
et dans l'application figée), affichés par un ``QTextBrowser`` avec leurs captures. À gauche :
la recherche (sans tenir compte des accents ni des majuscules) et le sommaire, dans l'ordre de
``index.md``, avec les sections (titres « ## ») de chaque rubrique. F1 ouvre la rubrique de la
page affichée (``PAGE_TOPICS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from resources import locate
from roadmap_app.core.formatting import plural
from roadmap_app.core.text import fold

INDEX = "index.md"
#: Page de la fenêtre principale (clé de ``ui.pages.PAGES``) → rubrique ouverte par F1.
PAGE_TOPICS: dict[str, str] = {
    "dashboard": "tableau-de-bord.md",
    "roadmap": "feuille-de-route.md",
    "flows": "flux.md",
    "indicators": "indicateurs.md",
    "committees": "comites.md",
    "workshops": "ateliers.md",
    "finance": "financement.md",
    "echeancier": "echeancier.md",
}
FILE_ROLE = Qt.ItemDataRole.UserRole
SECTION_ROLE = Qt.ItemDataRole.UserRole + 1
HIGHLIGHT = QColor("#FFE08A")


def guide_dir() -> Path:
    return locate("guide")


@dataclass(frozen=True)
class Topic:
    file: str
    title: str
    sections: tuple[str, ...]
    folded: str  # texte entier, replié pour la recherche


def _headings(text: str) -> tuple[str, list[str]]:
    """Titre (« # ») et sections (« ## ») d'un fichier Markdown, hors blocs de code."""
    title, sections, fenced = "", [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("# ") and not title:
            title = line[2:].strip()
        elif not fenced and line.startswith("## "):
            sections.append(line[3:].strip())
    return title, sections


@cache
def topics() -> tuple[Topic, ...]:
    """Les rubriques : l'accueil, puis les fichiers liés depuis ``index.md``, dans cet ordre."""
    root = guide_dir()
    index = (root / INDEX).read_text(encoding="utf-8")
    files = [INDEX] + [f for f in dict.fromkeys(re.findall(r"\]\(([\w-]+\.md)\)", index))]
    found = []
    for name in files:
        text = (root / name).read_text(encoding="utf-8")
        title, sections = _headings(text)
        if name == INDEX:
            sections = []  # le sommaire de l'accueil est la liste elle-même
        found.append(Topic(name, title or name, tuple(sections), fold(text)))
    return tuple(found)


def topic_for_page(page_key: str | None) -> str:
    return PAGE_TOPICS.get(page_key or "", INDEX)


class GuideBrowser(QTextBrowser):
    """Affiche une rubrique ; liens vers d'autres rubriques suivis, liens web dans le navigateur ;
    captures réduites à la largeur de la vue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._follow)
        self.setSearchPaths([str(guide_dir())])
        self.sourceChanged.connect(lambda _url: self.fit_images())

    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        target = self.base_url().resolved(url)
        if target.isLocalFile() and Path(target.toLocalFile()).is_file():
            self.setSource(target)

    def fit_images(self) -> None:
        """Chaque image à sa taille, sans dépasser la largeur de la vue (proportions gardées)."""
        doc = self.document()
        width = max(self.viewport().width() - 40, 200)
        cursor = QTextCursor(doc)
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    size = self._natural_size(image)
                    if size is not None:
                        w = min(size.width(), width)
                        image.setWidth(w)
                        image.setHeight(size.height() * w / size.width())
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(
                            fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                        )
                        cursor.setCharFormat(image)
                it += 1
            block = block.next()

    def base_url(self) -> QUrl:
        """Adresse de la rubrique affichée : pendant ``sourceChanged``, ``source()`` rend encore
        l'ancienne, le document a déjà la nouvelle."""
        meta = self.document().metaInformation(QTextDocument.MetaInformation.DocumentUrl)
        return QUrl(meta) if meta else self.source()

    def _natural_size(self, image: QTextImageFormat) -> QSize | None:
        url = self.base_url().resolved(QUrl(image.name()))
        resource = self.document().resource(QTextDocument.ResourceType.ImageResource, url)
        if resource is None:
            resource = self.loadResource(QTextDocument.ResourceType.ImageResource, url)
        size = getattr(resource, "size", None)
        if size is None:
            return None
        natural = size()
        return natural if natural.width() > 0 else None

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_images()

    def heading_position(self, text: str) -> int | None:
        block = self.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() and block.text().strip() == text:
                return block.position()
            block = block.next()
        return None


class GuideWindow(QWidget):
    """Fenêtre du guide (une seule par fenêtre principale, réutilisée)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("guideWindow")
        self.setWindowTitle("Guide d'utilisation")
        self.search = QLineEdit(self)
        self.search.setObjectName("guideSearch")
        self.search.setPlaceholderText("Rechercher dans le guide")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Entrée : occurrence suivante (Ctrl+F pour revenir ici)")
        self.matches = QLabel(self)
        self.matches.setObjectName("muted")
        self.toc = QTreeWidget(self)
        self.toc.setObjectName("guideToc")
        self.toc.setHeaderHidden(True)
        self.toc.setUniformRowHeights(True)
        self.toc.setMinimumWidth(220)
        self.browser = GuideBrowser(self)
        self.browser.setObjectName("guideBrowser")
        self.back = QPushButton("◀ Précédent", self)
        self.forward = QPushButton("Suivant ▶", self)
        self.home = QPushButton("Sommaire", self)
        self.back.clicked.connect(self.browser.backward)
        self.forward.clicked.connect(self.browser.forward)
        self.home.clicked.connect(lambda: self.show_topic(INDEX))
        self.browser.backwardAvailable.connect(self.back.setEnabled)
        self.browser.forwardAvailable.connect(self.forward.setEnabled)
        self.back.setEnabled(False)
        self.forward.setEnabled(False)
        for topic in topics():
            item = QTreeWidgetItem(self.toc, [topic.title])
            item.setData(0, FILE_ROLE, topic.file)
            item.setToolTip(0, topic.title)
            for section in topic.sections:
                child = QTreeWidgetItem(item, [section])
                child.setData(0, FILE_ROLE, topic.file)
                child.setData(0, SECTION_ROLE, section)
                child.setToolTip(0, section)
        self.toc.itemActivated.connect(self._toc_chosen)
        self.toc.itemClicked.connect(self._toc_chosen)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self.find_next)
        self.browser.sourceChanged.connect(self._source_changed)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        QShortcut(QKeySequence.StandardKey.FindNext, self, self.find_next)

        left = QWidget(self)
        side = QVBoxLayout(left)
        side.setContentsMargins(8, 8, 0, 8)
        side.addWidget(self.search)
        side.addWidget(self.matches)
        side.addWidget(self.toc, 1)
        right = QWidget(self)
        main = QVBoxLayout(right)
        main.setContentsMargins(0, 8, 8, 8)
        buttons = QHBoxLayout()
        for b in (self.back, self.forward, self.home):
            buttons.addWidget(b)
        buttons.addStretch(1)
        main.addLayout(buttons)
        main.addWidget(self.browser, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 740])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1000, 700
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 60)
        self.resize(width, height)

    # -- navigation ----------------------------------------------------------------------
    def show_topic(self, file: str, section: str | None = None) -> None:
        url = QUrl.fromLocalFile(str(guide_dir() / file))
        if self.browser.source() != url:
            self.browser.setSource(url)
        position = None if section is None else self.browser.heading_position(section)
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(position or 0)
        self.browser.setTextCursor(cursor)
        if position is None:
            self.browser.verticalScrollBar().setValue(0)
        else:  # le titre de la section en haut de la vue
            self.browser.verticalScrollBar().setValue(self.browser.verticalScrollBar().maximum())
            self.browser.ensureCursorVisible()

    def current_file(self) -> str:
        return Path(self.browser.base_url().toLocalFile()).name

    def topic_items(self) -> list[QTreeWidgetItem]:
        items = (self.toc.topLevelItem(i) for i in range(self.toc.topLevelItemCount()))
        return [item for item in items if item is not None]

    def _toc_chosen(self, item: QTreeWidgetItem) -> None:
        self.show_topic(str(item.data(0, FILE_ROLE)), item.data(0, SECTION_ROLE))

    def _source_changed(self, url: QUrl) -> None:
        current = Path(url.toLocalFile()).name
        topic = next((t for t in topics() if t.file == current), None)
        self.setWindowTitle(
            f"{topic.title} — Guide d'utilisation" if topic else "Guide d'utilisation"
        )
        for item in self.topic_items():
            if item.data(0, FILE_ROLE) == current:
                self.toc.setCurrentItem(item)
        self._highlight()

    # -- recherche -----------------------------------------------------------------------
    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def matching_topics(self) -> list[str]:
        query = fold(self.search.text().strip())
        return [t.file for t in topics() if not query or query in t.folded]

    def _filter(self) -> None:
        found = set(self.matching_topics())
        for item in self.topic_items():
            item.setHidden(item.data(0, FILE_ROLE) not in found)
        if self.search.text().strip():
            self.matches.setText(
                "Aucune rubrique ne contient ce texte."
                if not found
                else f"{plural(len(found), 'rubrique', 'rubriques')} sur {len(topics())}"
            )
            if found and self.current_file() not in found:
                self.show_topic(next(t.file for t in topics() if t.file in found))
        else:
            self.matches.clear()
        self._highlight()

    def occurrences(self) -> list[tuple[int, int]]:
        """Positions (début, fin) du texte cherché dans la rubrique affichée, sans tenir compte
        des accents ni des majuscules."""
        query = fold(self.search.text().strip())
        if not query:
            return []
        raw = self.browser.document().toRawText()
        folded: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(raw):
            piece = fold(ch)
            folded.append(piece)
            origin.extend([i] * len(piece))
        text = "".join(folded)
        found, start = [], text.find(query)
        while start >= 0:
            end = start + len(query) - 1
            found.append((origin[start], origin[end] + 1))
            start = text.find(query, start + len(query))
        return found

    def _highlight(self) -> None:
        selections = []
        fmt = QTextCharFormat()
        fmt.setBackground(HIGHLIGHT)
        for start, end in self.occurrences():
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.browser.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            sel.format = fmt
            selections.append(sel)
        self.browser.setExtraSelections(selections)

    def find_next(self) -> None:
        """Occurrence suivante dans la rubrique ; après la dernière, la rubrique suivante."""
        spots = self.occurrences()
        here = self.browser.textCursor().selectionEnd()
        following = [s for s in spots if s[0] >= here]
        if not following:
            found = self.matching_topics()
            if not found or not self.search.text().strip():
                return
            current = self.current_file()
            order = [t.file for t in topics() if t.file in found]
            after = order[(order.index(current) + 1) % len(order)] if current in order else order[0]
            self.show_topic(after)
            following = self.occurrences()
            if not following:
                return
        start, end = following[0]
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.browser.setTextCursor(cursor)
        self.browser.ensureCursorVisible()
