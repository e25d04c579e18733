"""Apparence : feuille de style, couleurs des statuts, icônes."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QDir, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from resources import locate
from roadmap_app.plan import statuses as status_rules

ACCENT = "#1F5FA8"
DANGER = "#B42318"
SUCCESS = "#067647"
MUTED = "#667085"
PLACEHOLDER = "#A0A8B8"


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    app.setFont(font)
    # les indications grises des champs vides (« ex. 2,5 ») ne se confondent pas avec une saisie
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(PLACEHOLDER))
    app.setPalette(palette)
    # « url(qss:…) » de la feuille de style : les images de resources/icons/qss
    QDir.addSearchPath("qss", str(locate("resources", "icons", "qss")))
    qss = locate("resources", "style.qss").read_text(encoding="utf-8")
    app.setStyleSheet(qss)


@cache
def status_color(status: str) -> QColor:
    return QColor(status_rules.info(status).color)


@cache
def status_text_color(status: str) -> QColor:
    return QColor(status_rules.info(status).text_color)


@cache
def status_icon(status: str, size: int = 16) -> QIcon:
    """Pastille de couleur avec le symbole du statut (lisible sans la couleur)."""
    inf = status_rules.info(status)
    pix = QPixmap(size * 2, size * 2)
    pix.setDevicePixelRatio(2.0)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(inf.color))
    p.setPen(QColor(inf.color).darker(130))
    p.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    p.setPen(QColor(inf.text_color))
    f = QFont()
    f.setPixelSize(int(size * 0.65))
    f.setBold(True)
    p.setFont(f)
    p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, inf.symbol)
    p.end()
    return QIcon(pix)


@cache
def icon(name: str, color: str = "#FFFFFF", size: int = 20) -> QIcon:
    """Icône SVG de ``resources/icons`` recolorée (traits en ``currentColor``)."""
    svg = locate("resources", "icons", f"{name}.svg").read_text(encoding="utf-8")
    svg = svg.replace("currentColor", color)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    pix = QPixmap(size * 2, size * 2)
    pix.setDevicePixelRatio(2.0)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    renderer.render(p, QRectF(0, 0, size, size))
    p.end()
    return QIcon(pix)


def app_icon() -> QIcon:
    """Icône de l'application (fenêtres, barre des tâches) : ses images de 16 à 256 pixels,
    rendues depuis ``resources/icons/app/roadmap-app.svg`` par ``packaging/make_icons.py``."""
    folder = locate("resources", "icons", "app")
    result = QIcon()
    for png in sorted(folder.glob("roadmap-app-*.png")):
        result.addFile(str(png))
    return result
