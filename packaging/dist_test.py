"""``make dist-test`` : l'application figée elle-même (pas les sources), comme chez un utilisateur.

    python packaging/dist_test.py [dist/roadmap-app]

Chaque vérification lance ``roadmap-cli`` ou ``roadmap-app`` du dossier construit par
``make dist``, depuis un dossier temporaire, avec un dossier de données neuf
(``ROADMAP_APP_HOME``) et sans écran (``QT_QPA_PLATFORM=offscreen``) : ligne de commande (base
neuve, exports PDF et classeur, instantané, paquet d'atelier et aperçu de sa fusion, plan exporté
puis relu (classeur, annexe Word), graphique),
application graphique quelques secondes (sans trace d'erreur, traductions de Qt trouvées dans
le dossier de l'application), ouverture d'un paquet et refus d'un fichier étranger donnés sur la
ligne de commande, taille du dossier. Imprime « dist-test: N passed, M failed ».
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Taille maximale du dossier sous Linux, en Mio sur le disque (comme « du -sh ») ; ailleurs
#: la taille est seulement imprimée (les bibliothèques de Qt et de Python n'y pèsent pas pareil).
MAX_MIB = 220
LINUX = sys.platform.startswith("linux")
TIMEOUT = 180
EXIT_ENV = "ROADMAP_APP_EXIT_AFTER_START"  # ui.settings.EXIT_ENV (pas importé : rien des sources)
ERROR_MARKS = ("Traceback", "Error:", "ERROR")


class Bundle:
    def __init__(self, folder: Path, work: Path) -> None:
        self.folder = folder
        self.work = work
        self.home = work / "home"
        self.home.mkdir()
        suffix = ".exe" if os.name == "nt" else ""
        self.cli_exe = folder / f"roadmap-cli{suffix}"
        self.gui_exe = folder / f"roadmap-app{suffix}"

    def env(self, home: Path | None = None, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env.update(ROADMAP_APP_HOME=str(home or self.home), QT_QPA_PLATFORM="offscreen",
                   ROADMAP_APP_TODAY="2024-10-15", ROADMAP_APP_AUTHOR="dist-test")  # fmt: skip
        env.update(extra)
        return env

    def run(
        self, exe: Path, *args: str, home: Path | None = None, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(exe), *args], cwd=self.work, env=self.env(home, **extra), capture_output=True,
            text=True, encoding="utf-8", errors="replace", timeout=TIMEOUT,
        )  # fmt: skip

    def gui(
        self, *args: str, home: Path | None = None, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        """L'application graphique. Sous Windows, par l'exécutable console (``roadmap-cli gui``
        ou ``roadmap-cli FICHIER``) : l'exécutable fenêtré n'a ni sortie standard ni d'erreur."""
        if os.name == "nt":
            return self.run(self.cli_exe, *(args or ("gui",)), home=home, **extra)
        return self.run(self.gui_exe, *args, home=home, **extra)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        out = self.run(self.cli_exe, *args)
        clean(out, f"roadmap-cli {' '.join(args)}")
        return out


def clean(out: subprocess.CompletedProcess[str], what: str, code: int = 0) -> None:
    text = out.stdout + out.stderr
    assert out.returncode == code, (
        f"{what} : code {out.returncode} (attendu {code})\n{text[-2000:]}"
    )
    assert "Traceback" not in text, f"{what} : trace d'erreur\n{text[-3000:]}"


def disk_usage(folder: Path) -> tuple[int, dict[str, int]]:
    """Octets occupés sur le disque (blocs), au total et par élément de premier niveau de
    ``_internal`` (les exécutables comptent à part)."""
    parts: dict[str, int] = {}
    total = 0
    seen: set[tuple[int, int]] = set()
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        st = path.stat()
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        size = st.st_blocks * 512 if hasattr(st, "st_blocks") else st.st_size
        total += size
        rel = path.relative_to(folder).parts
        key = rel[1] if rel[0] == "_internal" and len(rel) > 1 else rel[0]
        if ".so" in key or key.endswith((".dll", ".pyd")):
            key = "bibliothèques à la racine (.so/.dll)"
        parts[key] = parts.get(key, 0) + size
    return total, parts


# -- vérifications ----------------------------------------------------------------------------
def check_size(b: Bundle) -> None:
    assert b.cli_exe.is_file() and b.gui_exe.is_file(), "roadmap-app et roadmap-cli attendus"
    total, parts = disk_usage(b.folder)
    exe_mib = (b.cli_exe.stat().st_size + b.gui_exe.stat().st_size) / 2**20
    print(f"  taille : {total / 2**20:.0f} Mio sur le disque (plafond sous Linux : {MAX_MIB}), "
          f"dont les deux exécutables : {exe_mib:.1f} Mio")  # fmt: skip
    for name, size in sorted(parts.items(), key=lambda kv: -kv[1])[:12]:
        print(f"    {size / 2**20:6.1f} Mio  {name}")
    assert not LINUX or total / 2**20 <= MAX_MIB, f"{total / 2**20:.0f} Mio > {MAX_MIB} Mio"
    assert exe_mib < 5, "les exécutables doivent partager le dossier, pas embarquer les modules"


def check_version(b: Bundle) -> None:
    out = b.cli("--version")
    assert out.stdout.startswith("roadmap-app "), out.stdout


def check_fresh_store(b: Bundle) -> None:
    out = b.cli("actions", "list", "--format", "json")
    rows = json.loads(out.stdout)
    assert len(rows) == 105 and rows[0]["code"] == "EP-1.1", len(rows)  # 35 actions × 3 bassins
    assert (b.home / "roadmap.sqlite3").is_file(), "base créée dans ROADMAP_APP_HOME"


def check_export_pdf(b: Bundle) -> None:
    b.cli("export", "pdf", "pack.pdf")
    data = (b.work / "pack.pdf").read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000, len(data)


def check_export_xlsx(b: Bundle) -> None:
    b.cli("export", "xlsx", "pack.xlsx")
    with zipfile.ZipFile(b.work / "pack.xlsx") as z:
        assert "xl/workbook.xml" in z.namelist()


def check_snapshot(b: Bundle) -> None:
    b.cli("snapshot", "create", "Contrôle de l'application figée", "--date", "2024-10-15")
    names = [s["nom"] for s in json.loads(b.cli("snapshot", "list", "--format", "json").stdout)]
    assert "Contrôle de l'application figée" in names, names


def check_workshop(b: Bundle) -> None:
    b.cli("workshop", "export", "lens.atelier", "--bassin", "Lensois", "--lieu", "Lens")
    assert (b.work / "lens.atelier").is_file()
    out = b.cli("workshop", "merge", "lens.atelier", "--dry-run")
    assert "rien n'a été écrit" in out.stdout, out.stdout


def check_plan_io(b: Bundle) -> None:
    b.cli("plan", "export", "plan.xlsx")
    out = b.cli("plan", "import", "plan.xlsx", "--dry-run")
    assert "Aucun changement." in out.stdout, out.stdout
    from docx import Document  # python-docx de l'environnement de test : une annexe minimale

    doc = Document()
    table = doc.add_table(rows=3, cols=3)
    for c, text in enumerate(("Cible opérationnelle", "Plan d'actions", "Pilotes")):
        table.cell(0, c).text = text
    table.cell(1, 0).merge(table.cell(1, 2)).text = "Feuille de route Numérique"
    for c, text in enumerate(("Une cible", "Une action", "CD/FT")):
        table.cell(2, c).text = text
    doc.save(str(b.work / "annexe.docx"))
    out = b.cli("plan", "import", "annexe.docx", "--roadmap", "Essai figé", "--dry-run")
    assert "1 action(s) ajoutée(s)" in out.stdout, out.stdout


def check_chart(b: Bundle) -> None:
    b.cli("chart", "bassins", "--out", "bassins.svg")
    assert (b.work / "bassins.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def check_calendar(b: Bundle) -> None:
    b.cli("export", "ics", "echeances.ics", "--bassin", "Lensois")
    text = (b.work / "echeances.ics").read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") > 20, text[:200]


def check_gui(b: Bundle) -> None:
    out = b.gui(**{EXIT_ENV: "3000"})
    clean(out, "roadmap-app (3 s hors écran)")
    assert "premiere peinture" in out.stdout, out.stdout + out.stderr
    log = (b.home / "logs" / "roadmap-app.log").read_text(encoding="utf-8")
    assert not any(mark in log for mark in ERROR_MARKS), log
    # Les dialogues de Qt en français : le catalogue vient du dossier de l'application.
    line = next((x for x in log.splitlines() if "Traductions de Qt" in x), "")
    assert "qtbase_fr.qm" in line and str(b.folder.resolve()) in line, log


def check_open_package(b: Bundle) -> None:
    out = b.gui("lens.atelier", **{EXIT_ENV: "2000"})
    clean(out, "roadmap-app lens.atelier")
    assert "premiere peinture" in out.stdout


def check_refuse_foreign_file(b: Bundle) -> None:
    home = b.work / "home-refus"
    home.mkdir()
    notes = b.work / "notes.txt"
    notes.write_text("pas une base\n", encoding="utf-8")
    out = b.gui("notes.txt", home=home, **{EXIT_ENV: "500"})
    clean(out, "roadmap-app notes.txt", code=2)
    assert "« notes.txt »" in out.stderr, out.stderr
    assert notes.read_text(encoding="utf-8") == "pas une base\n"
    assert list(home.iterdir()) == [], "rien ne doit être créé (ni base, ni journal)"


CHECKS: list[tuple[str, Callable[[Bundle], None]]] = [
    ("taille et exécutables", check_size),
    ("roadmap-cli --version", check_version),
    ("base neuve : actions list --format json", check_fresh_store),
    ("export pdf", check_export_pdf),
    ("export xlsx", check_export_xlsx),
    ("snapshot create", check_snapshot),
    ("workshop export + merge --dry-run", check_workshop),
    ("plan export + import --dry-run (xlsx, docx)", check_plan_io),
    ("chart (SVG)", check_chart),
    ("export ics (calendrier)", check_calendar),
    ("application graphique hors écran, traductions de Qt", check_gui),
    ("roadmap-app PAQUET (aperçu de fusion)", check_open_package),
    ("roadmap-app FICHIER étranger refusé", check_refuse_foreign_file),
]


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist" / "roadmap-app").resolve()
    if not folder.is_dir():
        print(f"{folder} n'existe pas : lancez d'abord « make dist ».", file=sys.stderr)
        return 2
    passed = failed = 0
    work = Path(tempfile.mkdtemp(prefix="roadmap-dist-test-"))
    try:
        bundle = Bundle(folder, work)
        for label, check in CHECKS:
            try:
                check(bundle)
            except Exception as err:  # une vérification ratée n'arrête pas les suivantes
                failed += 1
                print(f"ÉCHEC  {label} : {err}", flush=True)
            else:
                passed += 1
                print(f"ok     {label}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"dist-test: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
