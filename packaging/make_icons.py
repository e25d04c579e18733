"""Régénère les icônes de l'application à partir de leur source SVG (rendu par Qt).

    .venv/bin/python packaging/make_icons.py

Écrit à côté de ``resources/icons/app/roadmap-app.svg`` : ``roadmap-app-N.png`` (N = 16 à 256,
icône de fenêtre sous Linux) et ``roadmap-app.ico`` (exécutables et installateur Windows : une
image PNG par taille, format accepté par Windows depuis Vista). Les fichiers produits sont dans le
dépôt : la construction de l'application n'a pas besoin de ce script.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "icons" / "app" / "roadmap-app.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(svg: bytes, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(QByteArray(svg)).render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """Fichier .ico : en-tête, une entrée par taille, puis les images PNG."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 signifie 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def main() -> None:
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])
    svg = SOURCE.read_bytes()
    images = {size: render_png(svg, size) for size in SIZES}
    for size, png in images.items():
        (SOURCE.parent / f"roadmap-app-{size}.png").write_bytes(png)
    (SOURCE.parent / "roadmap-app.ico").write_bytes(ico(images))
    print(f"{len(images)} images et roadmap-app.ico écrits dans {SOURCE.parent}")


if __name__ == "__main__":
    main()
