"""Crochet d'exécution de l'application figée : remplace ceux de PyInstaller pour PySide6,
matplotlib, multiprocessing, pkgutil et inspect, qui importaient QtCore, multiprocessing,
subprocess et zipfile à chaque lancement (``roadmap-cli --version`` compris) et reconstruisaient
le cache des polices de matplotlib dans un dossier temporaire à chaque export.

- Qt : greffons dans le dossier de l'application ; le ``qt.conf`` intégré que PySide6 installe
  lui-même à son import donne le reste (traductions comprises) ;
- matplotlib : son cache (polices) dans le dossier de cache de l'application, gardé d'un
  lancement à l'autre (``ROADMAP_APP_HOME/matplotlib`` quand cette variable est posée) ;
- ni multiprocessing ni pkgutil : l'application n'en use pas ; les modules sont des fichiers
  ``.pyc`` ordinaires (``noarchive``), que pkgutil sait déjà parcourir ;
- ``inspect.getsourcefile`` corrigé comme le fait PyInstaller (noms de fichiers relatifs du
  bytecode figé), mais au premier import d'``inspect`` et non au lancement.
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


class _InspectPatch:
    """Chercheur d'imports : à l'import d'``inspect``, corrige ``getsourcefile`` puis s'efface."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):  # type: ignore[no-untyped-def]
        if name != "inspect":
            return None
        import importlib.machinery
        import sys

        sys.meta_path.remove(cls)  # type: ignore[arg-type]
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):  # type: ignore[no-untyped-def]
            load(module)
            _patch_inspect(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _patch_inspect(inspect):  # type: ignore[no-untyped-def]
    import os
    import sys

    base = os.path.normpath(sys._MEIPASS)  # type: ignore[attr-defined]
    original = inspect.getsourcefile

    def getsourcefile(obj):  # type: ignore[no-untyped-def]
        filename = os.path.normpath(inspect.getfile(obj))
        if not os.path.isabs(filename):
            main_file = getattr(sys.modules.get("__main__"), "__file__", None)
            if main_file and filename == os.path.basename(main_file):
                return main_file
            library = os.path.join(base, "base_library.zip")
            if _in_base_library(library, filename + "c"):
                return os.path.normpath(os.path.join(library, filename + "c"))
            return os.path.normpath(os.path.join(base, filename))
        if filename.startswith(base):
            return filename
        return original(obj)

    inspect.getsourcefile = getsourcefile


_BASE_LIBRARY: set[str] | None = None


def _in_base_library(library: str, filename: str) -> bool:
    global _BASE_LIBRARY
    if _BASE_LIBRARY is None:
        import os
        import zipfile

        try:
            with zipfile.ZipFile(library) as zf:
                _BASE_LIBRARY = {os.path.normpath(n) for n in zf.namelist()}
        except OSError:
            _BASE_LIBRARY = set()
    return filename in _BASE_LIBRARY


_setup()
del _setup
__import__("sys").meta_path.insert(0, _InspectPatch)
