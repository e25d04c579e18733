"""Contrôle de mise en page : parcourt les widgets visibles d'une fenêtre et signale ce qu'une
personne verrait de travers sur un petit écran.

    problems = layout_problems(window, screen=QSize(1366, 698))
    assert not problems, "\n".join(problems)

Quatre familles de défauts, chacune décrite en une ligne française avec le chemin du widget
(noms d'objet ou classes, du haut vers le bas) :

- **chevauchement** : deux widgets frères visibles dont les rectangles se recouvrent ;
- **tronqué** : un bouton, une case à cocher ou une étiquette d'une seule ligne plus étroit que
  son ``minimumSizeHint`` (le texte est coupé), une liste déroulante dont le texte courant ne
  tient pas dans sa zone d'affichage ;
- **coupé** : un widget qui dépasse du bord de la fenêtre (ou de son parent), ou une fenêtre dont
  la taille minimale dépasse l'écran (Qt l'agrandit alors au-delà de l'écran) ;
- les contenus des zones défilantes (``QScrollArea``, vues d'éléments) peuvent dépasser : on les
  fait défiler, ils ne sont pas coupés.

Les tests de mise en page (``test_layout.py``) appellent ce contrôle page par page aux tailles
des écrans réels ; il sert aussi tel quel pour une boîte de dialogue.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

#: Tolérance (pixels) : arrondis des styles.
SLACK = 1


def describe(widget: QWidget, top: QWidget | None = None) -> str:
    """Chemin lisible du widget : « page_roadmap › filterBar › QComboBox[Tous les bassins] »."""
    parts = []
    w: QWidget | None = widget
    while w is not None and w is not top:
        name = w.objectName()
        if name and not name.startswith("qt_"):
            parts.append(name)
        elif w is widget:
            parts.append(type(w).__name__)
        w = w.parentWidget()
    label = _text(widget)
    head = " › ".join(reversed(parts[:4]))
    return f"{head}[{label[:40]}]" if label else head


def _text(widget: QWidget) -> str:
    if isinstance(widget, QAbstractButton | QLabel):
        return widget.text().replace("\n", " ")
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return ""


def visible_widgets(root: QWidget) -> Iterator[QWidget]:
    """Widgets visibles sous ``root`` (fenêtres secondaires et menus exclus), en profondeur."""
    for child in root.findChildren(QWidget, options=_direct()):
        if child.isWindow() or isinstance(child, QMenu) or not child.isVisible():
            continue
        yield child
        yield from visible_widgets(child)


def _direct():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.FindChildOption.FindDirectChildrenOnly


def _scrolled(widget: QWidget, top: QWidget) -> bool:
    """Vrai si le widget est dans la partie défilante d'une zone de défilement (son contenu peut
    dépasser : on le fait défiler)."""
    w = widget.parentWidget()
    while w is not None and w is not top:
        parent = w.parentWidget()
        if isinstance(parent, QAbstractScrollArea) and w is parent.viewport():
            return True
        w = parent
    return False


def overlaps(root: QWidget) -> list[str]:
    problems = []
    for parent in [root, *visible_widgets(root)]:
        if isinstance(parent, QAbstractButton | QComboBox | QAbstractSpinBox | QLineEdit):
            continue  # leurs éléments internes (bouton d'effacement, flèches) sont posés dessus
        kids = [
            c
            for c in parent.findChildren(QWidget, options=_direct())
            if c.isVisible() and not c.isWindow() and not isinstance(c, QMenu)
        ]
        if isinstance(parent, QAbstractScrollArea) and parent.viewport() is not None:
            # en-têtes, barres de défilement et coin sont hors de la zone du contenu
            kids = [c for c in kids if c is not parent.viewport()] + [parent.viewport()]
        for i, a in enumerate(kids):
            ra = a.geometry()
            for b in kids[i + 1 :]:
                inter = ra.intersected(b.geometry())
                if inter.width() > SLACK and inter.height() > SLACK:
                    problems.append(
                        f"chevauchement : {describe(a, root)} et {describe(b, root)} "
                        f"({inter.width()}×{inter.height()} px)"
                    )
    return problems


def truncated(root: QWidget) -> list[str]:
    problems = []
    for w in visible_widgets(root):
        if _scrolled(w, root) and not _inside_visible_area(w):
            continue
        if isinstance(w, QAbstractButton) and w.text():
            need = w.minimumSizeHint().width()
            if w.width() + SLACK < need:
                problems.append(
                    f"tronqué : bouton {describe(w, root)} large de {w.width()} px pour {need} px"
                )
        elif isinstance(w, QLabel) and w.text() and not w.wordWrap() and w.pixmap().isNull():
            if "<br" in w.text().lower():
                continue  # plusieurs lignes voulues
            need = w.minimumSizeHint().width()
            if w.width() + SLACK < need:
                problems.append(
                    f"tronqué : étiquette {describe(w, root)} large de {w.width()} px pour {need} px"
                )
        elif isinstance(w, QComboBox) and w.currentText() and not w.isEditable():
            if w.property("elides") and w.toolTip():
                continue  # texte abrégé (« … ») volontairement, en entier dans l'infobulle
            room = _combo_text_room(w)
            need = w.fontMetrics().horizontalAdvance(w.currentText())
            if not w.itemIcon(w.currentIndex()).isNull():
                need += w.iconSize().width() + 4
            if room + SLACK < need:
                problems.append(
                    f"tronqué : liste {describe(w, root)} affiche {room} px pour un texte de {need} px"
                )
    return problems


def _combo_text_room(combo: QComboBox) -> int:
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)  # type: ignore[arg-type]
    style = combo.style()
    field = style.subControlRect(
        QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return field.width()


def _inside_visible_area(widget: QWidget) -> bool:
    """Dans une zone défilante : seulement ce qui est à l'écran compte."""
    w = widget.parentWidget()
    while w is not None:
        parent = w.parentWidget()
        if isinstance(parent, QAbstractScrollArea) and w is parent.viewport():
            vp = parent.viewport()
            top_left = widget.mapTo(vp, QPoint(0, 0))
            return vp.rect().contains(QRect(top_left, widget.size()))
        w = parent
    return True


def cut_off(root: QWidget, screen: QSize | None = None) -> list[str]:
    problems = []
    if screen is not None:
        size = root.size()  # zone cliente (le cadre et la barre de titre sont déjà déduits)
        if size.width() > screen.width() + SLACK or size.height() > screen.height() + SLACK:
            hint = root.minimumSizeHint()
            problems.append(
                f"coupé : la fenêtre {describe(root)} mesure {size.width()}×{size.height()} px "
                f"(minimum {hint.width()}×{hint.height()}) pour un écran de "
                f"{screen.width()}×{screen.height()}"
            )
    bounds = QRect(QPoint(0, 0), screen if screen is not None else root.size()).intersected(
        root.rect()
    )
    for w in visible_widgets(root):
        if _scrolled(w, root):
            continue
        parent = w.parentWidget()
        if (
            parent is not None
            and parent is not root
            and not parent.rect().contains(w.geometry().adjusted(SLACK, SLACK, -SLACK, -SLACK))
        ):
            problems.append(
                f"coupé : {describe(w, root)} dépasse de son parent {describe(parent, root)} "
                f"({_rect(w.geometry())} dans {parent.width()}×{parent.height()})"
            )
            continue
        where = QRect(w.mapTo(root, QPoint(0, 0)), w.size())
        if not bounds.contains(where.adjusted(SLACK, SLACK, -SLACK, -SLACK)):
            problems.append(
                f"coupé : {describe(w, root)} dépasse le bord de la fenêtre "
                f"({_rect(where)} dans {bounds.width()}×{bounds.height()})"
            )
    return problems


def _rect(r: QRect) -> str:
    return f"{r.width()}×{r.height()} en ({r.x()}, {r.y()})"


def layout_problems(root: QWidget, screen: QSize | None = None) -> list[str]:
    """Tous les défauts de ``root`` (une fenêtre ou un widget) ; ``screen`` : taille disponible."""
    app = QApplication.instance()
    if app is not None:
        for _ in range(3):
            app.processEvents()
    return cut_off(root, screen) + overlaps(root) + truncated(root)
