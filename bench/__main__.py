"""``make bench`` : mesures à 1×, 10× et 100× du plan réel, imprimées en tableau (médianes).

    python -m bench                 # 1×, 10× et 100×
    python -m bench 1 10            # échelles choisies
    BENCH_RUNS=7 python -m bench    # nombre d'essais par mesure (5 par défaut)

Les bases synthétiques sont générées une fois (``bench/out/stores``, ou ``BENCH_DIR``) et
régénérées quand le générateur change. Chaque groupe de mesures tourne dans un processus neuf
(mémoire et caches indépendants). Ce ne sont pas des tests : rien n'échoue sur une machine lente ;
la colonne « objectif » rappelle les cibles de l'issue performance.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import DEFERRED

ROOT = Path(__file__).resolve().parent
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SCALES = (1, 10, 100)


def store_dir() -> Path:
    return Path(os.environ.get("BENCH_DIR", ROOT / "out" / "stores"))


def store_for(scale: int) -> Path:
    """Base synthétique de l'échelle demandée ; régénérée si le générateur ou la version du
    schéma a changé (sinon la première mesure migrerait la base, Alembic compris)."""
    from db.schema import HEAD

    digest = hashlib.sha256(
        b"".join((ROOT / f).read_bytes() for f in ("generate.py", "flows_data.py", "indicators_data.py")) + HEAD.encode()
    ).hexdigest()[:10]
    path = store_dir() / f"store-{scale}x-{digest}.sqlite3"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"store-{scale}x-*.sqlite3"):
            old.unlink()
        print(f"  génération de la base {scale}× …", flush=True)
        run_json([sys.executable, "-m", "bench.generate", str(scale), str(path)], json_out=False)
    return path


def env(home: str) -> dict[str, str]:
    """Environnement d'un processus mesuré ; ``home`` : son dossier de données, neuf et jetable."""
    e = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # comme une installation (pip compile les modules) : le bytecode est écrit puis réutilisé
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    # date fixe : les mêmes retards, les mêmes mois à chaque mesure
    e.setdefault("ROADMAP_APP_TODAY", "2026-11-15")
    e["ROADMAP_APP_HOME"] = home  # jamais les données de l'utilisateur
    return e


def run(cmd: list[str], settings: str = "") -> subprocess.CompletedProcess[str]:
    """Lance une mesure dans un processus neuf, avec un dossier de données à lui (supprimé ensuite) ;
    ``settings`` : contenu de son ``interface.ini``."""
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        e = env(home)
        if settings:
            (Path(home) / "interface.ini").write_text(settings)
        return subprocess.run(
            cmd, check=True, capture_output=True, text=True, env=e, cwd=ROOT.parent
        )


def run_json(cmd: list[str], json_out: bool = True) -> dict[str, float]:
    out = run(cmd)
    for line in out.stderr.splitlines():
        if "modules lourds" in line:
            print("  ", line)
    if not json_out:
        return {}
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure(group: str, store: Path) -> dict[str, float]:
    return run_json([sys.executable, "-m", "bench.measure", group, str(store), str(RUNS)])


def startup(store: Path) -> dict[str, float]:
    """Plancher, premier lancement (tableau de bord puis Feuille de route) et réouverture sur la
    Feuille de route (dernière page utilisée), en alternance pour que la dérive de la machine
    pèse pareil sur les trois."""

    def probe(kind: str, reopen: bool = False) -> float:
        # réouverture : réglages d'une séance fermée sur la Feuille de route
        settings = "[main]\npage=roadmap\n" if reopen else ""
        out = run([sys.executable, "-m", "bench.startup_probe", kind, str(store)], settings)
        for line in out.stderr.splitlines():
            if "modules lourds" in line:
                print("  ", line)
        lines = out.stdout.strip().splitlines()
        for line in lines:  # travail différé après la première peinture (hors de la mesure)
            if line.startswith(DEFERRED):
                runs["deferred"].append(float(line.removeprefix(DEFERRED)))
        return float(lines[-1])

    runs: dict[str, list[float]] = {"floor": [], "first": [], "reopen": [], "deferred": []}
    for _ in range(RUNS):
        runs["floor"].append(probe("floor"))
        runs["first"].append(probe("app"))
        runs["reopen"].append(probe("app", reopen=True))
    floor, first, reopen, deferred = (
        statistics.median(runs[k]) for k in ("floor", "first", "reopen", "deferred")
    )
    return {"startup_floor": floor, "startup_app": first, "startup_ratio": first / floor,
            "startup_reopen": reopen, "startup_reopen_ratio": reopen / floor,
            "startup_deferred": deferred}  # fmt: skip


#: (clé, libellé, unité, objectif à 100×)
ROWS = [
    ("startup_floor", "démarrage : plancher (PySide6 + SQLModel + QTreeView)", "s", ""),
    (
        "startup_reopen",
        "démarrage sur la Feuille de route (dernière page) : affichée, répond",
        "s",
        "",
    ),
    ("startup_reopen_ratio", "  rapport application / plancher", "×", "≤ 1,3"),
    ("startup_app", "premier lancement : tableau de bord, puis Feuille de route, répond", "s", ""),
    ("startup_ratio", "  rapport application / plancher", "×", "≤ 1,3"),
    ("startup_deferred", "  1 s après l'affichage : écritures, collecte (les deux cas)", "ms", ""),
    ("page_first_display", "page Feuille de route : premier affichage", "ms", "< 1 000"),
    ("filter_keystroke", "filtre : une frappe (médiane)", "ms", "< 50"),
    ("detail_update", "panneau de détail : changement de sélection (5 indicateurs)", "ms", "< 50"),
    ("indicators_page", "page Indicateurs : premier affichage", "ms", "< 1 000"),
    ("echeancier_first_paint", "page Échéancier : premier affichage (peinte)", "ms", "< 1 000"),
    ("echeancier_zoom_step", "  un pas de zoom (mois, trimestre, année), peint", "ms", "< 50"),
    ("echeancier_pan_step", "  un pas de défilement (temps et lignes), peint", "ms", "< 50"),
    ("snapshot_create", "instantané : création", "ms", "< 1 000"),
    ("snapshot_diff", "instantané : comparaison avec le plus ancien (à froid)", "ms", "< 500"),
    ("snapshot_diff_first", "  la première fois (instantané pas encore en cache)", "ms", ""),
    ("snapshot_diff_warm", "  la même, plan déjà lu par une autre page", "ms", "< 500"),
    ("snapshot_diff_latest", "  avec un instantané qui a figé les indicateurs, à froid", "ms", "< 500"),
    ("xlsx_data", "pack xlsx : lecture de l'état + comparaison", "ms", ""),
    ("xlsx_write", "pack xlsx : écriture (sans graphiques)", "ms", ""),
    ("xlsx_floor", "  plancher openpyxl (mêmes cellules, sans style)", "ms", ""),
    ("xlsx_ratio", "  rapport écriture / plancher", "×", "≤ 2,5"),
    ("xlsx_total_ratio", "  rapport (lecture + écriture) / plancher", "×", ""),
    ("xlsx_export_with_charts", "pack xlsx complet, graphiques compris", "ms", ""),
    ("merge_changes", "fusion d'atelier : changements dans le paquet", "", ""),
    ("merge_total", "fusion d'atelier : aperçu + application", "ms", "< 2 000 (2 000 chgts)"),
    ("merge_changes_flows", "  la même, 1 000 statuts et 1 000 valeurs de flux", "", ""),
    ("merge_total_flows", "  aperçu + application", "ms", "< 2 000 (2 000 chgts)"),
    (
        "peak_mb",
        "mémoire maximale : toutes les pages, instantané, pack avec graphiques",
        "Mo",
        "< 300",
    ),
    ("peak_mb_no_charts", "  la même séance sans graphique (matplotlib non chargé)", "Mo", "< 300"),
]


def fmt(key: str, unit: str, value: float | None) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value * 1000:,.0f}".replace(",", " ")
    if unit == "s":
        return f"{value:.2f}"
    if unit == "×":
        return f"{value:.2f}".replace(".", ",")
    return f"{value:,.0f}".replace(",", " ")


def main() -> None:
    scales = [int(a) for a in sys.argv[1:]] or list(SCALES)
    results: dict[int, dict[str, float]] = {}
    for scale in scales:
        print(f"Échelle {scale}× …", flush=True)
        store = store_for(scale)
        r: dict[str, float] = {}
        r.update(startup(store))
        for group in (
            "roadmap",
            "indicators",
            "echeancier",
            "snapshots",
            "xlsx",
            "merge",
            "merge-flows",
            "memory",
            "memory-no-charts",
        ):
            r.update(measure(group, store))
        r["xlsx_ratio"] = r["xlsx_write"] / r["xlsx_floor"]
        r["xlsx_total_ratio"] = (r["xlsx_data"] + r["xlsx_write"]) / r["xlsx_floor"]
        results[scale] = r
        dims = measure("dimensions", store)
        print(
            "  " + ", ".join(f"{k} {v:,.0f}".replace(",", " ") for k, v in dims.items()), flush=True
        )

    label_w = max(len(r[1]) for r in ROWS) + 2
    head = "".join(f"{f'{s}×':>10}" for s in scales)
    growth = len(scales) > 1
    print()
    print(f"Mesures (médiane de {RUNS} essais ; unité entre crochets)")
    print(f"{'':{label_w}}{head}" + ("  croissance" if growth else "") + "   objectif (100×)")
    for key, label, unit, goal in ROWS:
        values = [results[s].get(key) for s in scales]
        cells = "".join(f"{fmt(key, unit, v):>10}" for v in values)
        trend = ""
        if growth and unit in ("ms", "s", "Mo") and all(v for v in values):
            steps = [values[i + 1] / values[i] for i in range(len(values) - 1)]  # type: ignore[operator]
            trend = "  " + " puis ".join(f"×{x:.1f}" for x in steps)
        tag = f" [{unit}]" if unit else ""
        print(f"{(label + tag):{label_w}}{cells}{trend:14}   {goal}")
    print()
    steps = " puis ".join(f"×{b // a}" for a, b in itertools.pairwise(scales))
    print(f"croissance : facteur d'une échelle à la suivante (données {steps}) ; linéaire : le même "
          "facteur, quadratique : son carré.")  # fmt: skip

    from bench.dist import main as frozen_section  # section à part, ignorée sans make dist

    frozen_section()


if __name__ == "__main__":
    main()
