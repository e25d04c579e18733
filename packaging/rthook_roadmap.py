"""Crochet d'exécution de l'application figée : remplace ceux de PyInstaller pour PySide6,
matplotlib, multiprocessing et pkgutil, qui importaient QtCore, multiprocessing et subprocess
à chaque lancement (``roadmap-cli --version`` compris) et reconstruisaient le cache des polices
de matplotlib dans un dossier temporaire à chaque export.

- Qt : greffons dans le dossier de l'application ; le ``qt.conf`` intégré que PySide6 installe
  lui-même à son import donne le reste (traductions comprises) ;
- matplotlib : son cache (polices) dans le dossier de cache de l'application, gardé d'un
  lancement à l'autre (``ROADMAP_APP_HOME/matplotlib`` quand cette variable est posée) ;
- ni multiprocessing ni pkgutil : l'application n'en use pas ; les modules sont des fichiers
  ``.pyc`` ordinaires (``noarchive``), que pkgutil sait déjà parcourir.
"""


def _setup() -> None:
    import os
    import sys

    base = sys._MEIPASS  # type: ignore[attr-defined]
    windows = sys.platform.startswith("win")
    qt = os.path.join(base, "PySide6") if windows else os.path.join(base, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt, "plugins")
    if windows:
        os.environ["PATH"] = base + os.pathsep + os.environ.get("PATH", "")
    if "MPLCONFIGDIR" not in os.environ:
        home = os.environ.get("ROADMAP_APP_HOME")
        if home:
            cache = os.path.join(os.path.expanduser(home), "matplotlib")
        else:
            import appdirs

            cache = os.path.join(
                appdirs.user_cache_dir("roadmap-app", "Departement62"), "matplotlib"
            )
        os.environ["MPLCONFIGDIR"] = cache


_setup()
del _setup
