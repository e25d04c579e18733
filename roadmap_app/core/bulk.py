"""Lectures et constructions en bloc : ramasse-miettes cyclique suspendu le temps de l'opération.

Lire le plan à 100× crée quelque 200 000 objets (dictionnaires, lignes, cellules) qui ne forment
aucun cycle. Le ramasse-miettes de Python se déclenche toutes les 700 allocations et, à chaque
passage des générations anciennes, reparcourt tout ce qui est déjà en mémoire : mesuré, environ
un tiers du temps d'une comparaison d'instantanés (0,55 s → 0,36 s à 100×). Le comptage de
références libère toujours immédiatement ce qui n'est plus utilisé ; seuls les cycles attendent la
reprise, qui a lieu dès la sortie du bloc le plus externe (les blocs s'imbriquent et peuvent venir
de plusieurs fils : l'interface et un export en arrière-plan).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from contextlib import ContextDecorator
from types import TracebackType

_lock = threading.Lock()
_depth = 0
_resume = False
_startup = False

#: Installé par l'interface (``ui.tasks``) : demande un ramassage dans le fil de l'interface.
#: Un fil de travail ne ramasse jamais lui-même : il pourrait y détruire un objet Qt (fenêtre,
#: dialogue fermés) hors de son fil, ce qui fait planter l'application.
collect_in_ui_thread: Callable[[], None] | None = None


class paused_gc(ContextDecorator):
    """``with paused_gc():`` ou ``@paused_gc()`` autour d'une lecture ou construction en bloc."""

    def __enter__(self) -> paused_gc:
        global _depth, _resume
        with _lock:
            if _depth == 0:
                _resume = gc.isenabled()  # ne pas réactiver ce que d'autres ont coupé
                gc.disable()
            _depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        global _depth
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()


def paused() -> bool:
    """Vrai pendant un bloc (pour les tests)."""
    return _depth > 0


def begin_startup() -> None:
    """Démarrage : ramasse-miettes suspendu pendant les imports et la première fenêtre.

    Des centaines de milliers d'objets (modules, tables, widgets) naissent au démarrage et y
    restent : les reparcourir à chaque passage du ramasse-miettes coûtait ≈ 0,07 s."""
    global _startup
    if _startup:
        return
    _startup = True
    paused_gc().__enter__()
    share_malloc_arena()  # avant que les fils de Qt et des exports n'existent


def end_startup(*, freeze: bool = True) -> None:
    """Fin du démarrage : le ramasse-miettes reprend. Avec ``freeze`` (l'interface, qui reste
    ouverte des heures), un passage ramasse d'abord les déchets du démarrage, puis les objets
    restants (modules, tables, widgets) sont gelés : les passages suivants ne les reparcourent
    plus. Sans effet si ``begin_startup`` n'a pas été appelé."""
    global _startup
    if not _startup:
        return
    _startup = False
    forget_module_sources()
    if freeze:
        gc.collect()
        gc.freeze()
    paused_gc().__exit__(None, None, None)


def forget_module_sources() -> None:
    """Oublie le texte source des modules gardé par ``linecache`` (relu au besoin, pour la trace
    d'une erreur).

    Avec PySide6, shiboken6 remplace ``__import__`` : pour chaque module Python importé ensuite,
    il lit tout son source (``inspect.getsource``, pour savoir si le module utilise PySide6) et
    ``linecache`` le garde, ligne à ligne. À 100×, après le tableau de bord, la page Flux
    (matplotlib) et le pack (openpyxl) : 785 modules, 16,5 Mo de texte, ≈ 40 Mo de chaînes
    Python gardées pour rien. L'interface appelle cette fonction après le démarrage, à chaque
    changement de page (les pages importent à leur première ouverture) et au début et à la fin
    de chaque travail en arrière-plan (``ui.tasks``)."""
    import linecache

    linecache.clearcache()


class scratch_garbage:  # nom en minuscules : s'emploie comme une fonction
    """Boucle qui crée puis jette des graphes d'objets cycliques (une figure matplotlib par
    graphique) : ``sweep()`` après chaque tour les libère aussitôt.

    Sans cela, les figures (≈ 2 Mo chacune avec leurs tracés) attendent un passage complet du
    ramasse-miettes : un pack à 100× en dessinait 19 d'affilée, +30 Mo. Un passage complet coûte
    ≈ 70 ms quand le plan est en mémoire ; ici les objets antérieurs sont gelés le temps de la
    boucle, ``sweep()`` ne parcourt que ceux du tour (quelques ms). Dans un fil de travail
    (export en arrière-plan), le passage est demandé au fil de l'interface
    (``collect_in_ui_thread``), jamais fait sur place."""

    def __enter__(self) -> Callable[[], None]:
        gc.freeze()
        return self.sweep

    @staticmethod
    def sweep() -> None:
        if threading.current_thread() is threading.main_thread():
            gc.collect()
        elif collect_in_ui_thread is not None:
            collect_in_ui_thread()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        gc.unfreeze()


def share_malloc_arena() -> bool:
    """Linux (glibc) : une seule arène malloc pour tous les fils.

    Par défaut glibc donne à chaque fil qui alloue une arène à lui : l'export du pack, fait dans
    un fil de travail, ne réutilisait donc pas la mémoire déjà libérée par l'interface (+13 Mo de
    pic mesurés à 100×). Windows et macOS partagent déjà leur tas entre les fils. Sans effet
    (``False``) ailleurs que sous glibc."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        # les symboles déjà chargés dans le processus, libc comprise : ``ctypes.util.find_library``
        # coûterait ≈ 10 ms au démarrage (il lance ``ldconfig``)
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # musl, etc.
        return False
    m_arena_max = -8
    return bool(mallopt(m_arena_max, 1))
