"""Qt en français : boutons des boîtes de message, dialogues de fichiers, menus contextuels.

Le catalogue ``qtbase_fr.qm`` est celui de Qt (dossier des traductions de ``QLibraryInfo`` : le
paquet PySide6 dans un environnement virtuel, la copie rangée au même endroit dans l'application
figée). Il lui manque deux libellés du dialogue de fichiers de Qt (« &Look in: » et
« Files of &type: », écrits ainsi dans son formulaire) : ``Supplement`` les fournit.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("roadmap_app")

#: Libellés de Qt absents de qtbase_fr.qm : (contexte, texte anglais) → français.
MISSING: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "&Voir dans\u00a0:",
    ("QFileDialog", "Files of &type:"): "Fichiers de &type\u00a0:",
}


class Supplement(QTranslator):
    """Traductions qui manquent au catalogue de Qt ; ``None`` (chaîne nulle) pour le reste, pour
    que Qt interroge le catalogue suivant."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return MISSING.get((context, source))

    def isEmpty(self) -> bool:
        return False


def qt_catalogue() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / "qtbase_fr.qm"


def install(app: QCoreApplication) -> bool:
    """Installe les traductions françaises de Qt ; ``False`` si le catalogue de Qt manque (les
    boîtes de Qt resteraient en anglais : ``log_status`` le note dans le journal)."""
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    catalogue = QTranslator(app)
    loaded = catalogue.load(str(qt_catalogue()))
    if loaded:
        app.installTranslator(catalogue)
    app.installTranslator(Supplement(app))  # installé en dernier : interrogé en premier
    app.setProperty("qt_french", loaded)
    return loaded


def log_status(app: QCoreApplication) -> None:
    """Note dans le journal le catalogue chargé (``make dist-test`` vérifie qu'il est celui de
    l'application figée), ou son absence."""
    if app.property("qt_french"):
        log.info("Traductions de Qt : %s", qt_catalogue())
    else:
        log.warning("Traductions françaises de Qt introuvables (%s) : dialogues de Qt en anglais.",
                    qt_catalogue())  # fmt: skip
