"""Application figée (``make dist``) face à l'environnement virtuel, mesurées côte à côte.

    python -m bench.dist          # aussi à la fin de « make bench »

- ``roadmap-cli --version`` : lancement complet du processus, jusqu'à sa fin ;
- démarrage de l'interface : du lancement du processus à la première peinture de la fenêtre
  (``ROADMAP_APP_EXIT_AFTER_START=0`` : l'application note l'heure de cette peinture et se
  ferme), sur une copie de la base 1× du banc, hors écran.

Les deux programmes sont lancés en alternance (un essai à blanc chacun d'abord), chacun avec son
dossier de données jetable ; médianes de ``BENCH_RUNS`` essais (quatre fois plus, au moins
20, pour ``--version``). Section ignorée, avec une ligne
qui le dit, si ``dist/roadmap-app`` n'est pas construit.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.__main__ import RUNS, env, store_for

ROOT = Path(__file__).resolve().parent.parent
DIST = Path(os.environ.get("BENCH_DIST", ROOT / "dist" / "roadmap-app"))
EXIT_ENV = "ROADMAP_APP_EXIT_AFTER_START"  # ui.settings.EXIT_ENV
PROBE = "premiere peinture :"  # ui.app.EXIT_PROBE
GOAL = 1.2
#: --version dure ~50 ms : plus d'essais pour que la charge de la machine pèse moins.
VERSION_RUNS = max(4 * RUNS, 20)
GUI_RUNS = max(RUNS, 7)


def venv_script(name: str) -> Path:
    return Path(sys.executable).parent / name


def version_time(exe: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        start = time.perf_counter()
        subprocess.run([str(exe), "--version"], env=env(home), check=True, capture_output=True)
        return time.perf_counter() - start


def first_paint_time(exe: Path, store: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        shutil.copyfile(store, Path(home) / "roadmap.sqlite3")
        e = env(home)
        e[EXIT_ENV] = "0"
        start = time.time()  # horloge commune aux deux processus
        out = subprocess.run([str(exe)], env=e, check=True, capture_output=True, text=True)
        line = next(x for x in out.stdout.splitlines() if x.startswith(PROBE))
        return float(line.removeprefix(PROBE)) - start


def side_by_side(
    measure: Callable[[Path], float], frozen: Path, venv: Path, runs_count: int = RUNS
) -> tuple[float, float]:
    measure(frozen), measure(venv)  # à blanc : caches du disque
    runs: dict[str, list[float]] = {"frozen": [], "venv": []}
    for _ in range(runs_count):
        runs["frozen"].append(measure(frozen))
        runs["venv"].append(measure(venv))
    return statistics.median(runs["frozen"]), statistics.median(runs["venv"])


def main() -> None:
    print()
    suffix = ".exe" if os.name == "nt" else ""
    cli, gui = DIST / f"roadmap-cli{suffix}", DIST / f"roadmap-app{suffix}"
    if not (cli.is_file() and gui.is_file()):
        print(f"Application figée : {DIST} n'est pas construit (make dist) — section ignorée.")
        return
    print(f"Application figée ({DIST.relative_to(ROOT) if DIST.is_relative_to(ROOT) else DIST}) "
          f"face à l'environnement virtuel — médiane de {RUNS} essais, en alternance")  # fmt: skip
    store = store_for(1)
    rows = [
        (
            f"roadmap-cli --version ({VERSION_RUNS} essais)",
            side_by_side(version_time, cli, venv_script("roadmap-cli"), VERSION_RUNS),
        ),
        (
            f"interface : lancement → première peinture (base 1×, {GUI_RUNS} essais)",
            side_by_side(
                lambda exe: first_paint_time(exe, store), gui, venv_script("roadmap-app"), GUI_RUNS
            ),
        ),
    ]
    width = max(len(label) for label, _ in rows) + 2
    print(f"{'':{width}}{'figée [s]':>10}{'venv [s]':>10}{'rapport':>9}   objectif")
    for label, (frozen, venv) in rows:
        ratio = frozen / venv
        print(f"{label:{width}}{frozen:>10.3f}{venv:>10.3f}"
              f"{f'{ratio:.2f}'.replace('.', ','):>9}   ≤ {f'{GOAL:.1f}'.replace('.', ',')}")  # fmt: skip


if __name__ == "__main__":
    main()
