"""La liaison Qt installée ne doit pas abîmer le compteur de références de None.

PySide6 6.12.0 (roues abi3) suppose None « immortel » (Python ≥ 3.12) : sous Python 3.11, chaque
appel d'une méthode Qt sans valeur de retour décrémente None, et l'application s'arrête net
(« Fatal Python error: none_dealloc ») après quelques milliers d'appels. pyproject.toml exclut
ces versions ; ce test le vérifie sur la liaison réellement installée.
"""

from __future__ import annotations

import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None est immortel depuis Python 3.12")
def test_void_qt_calls_keep_none_alive(qtbot):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setToolTip("")
    assert sys.getrefcount(None) >= before - 50
