"""Les couches ne dépendent que vers le bas : ui → roadmap_app → db."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_roots(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("package", ["db", "roadmap_app"])
def test_no_qt_below_the_ui(package):
    roots = imported_roots(package)
    assert not {"PySide6", "shiboken6", "PyQt5", "PyQt6"} & roots.keys(), roots.get("PySide6")


def test_db_imports_neither_the_application_nor_the_ui():
    roots = imported_roots("db")
    assert "roadmap_app" not in roots, roots.get("roadmap_app")
    assert "ui" not in roots, roots.get("ui")


def test_the_application_does_not_import_the_ui_except_to_launch_it():
    roots = imported_roots("roadmap_app")
    assert roots.get("ui", set()) <= {"roadmap_app/cli/main.py"}


def test_widgets_never_open_a_session():
    """Les pages demandent des données aux services ; aucune requête SQL dans ui/."""
    roots = imported_roots("ui")
    assert not {"sqlmodel", "sqlalchemy"} & roots.keys()
    for path in (ROOT / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert ".session()" not in text and ".transaction()" not in text, path


#: Sens permis entre les paquets de ``roadmap_app`` (docs/architecture.md) : un paquet n'importe
#: que des paquets de rang inférieur — ``core`` et ``export`` en bas, ``cli`` en haut ; les
#: fonctionnalités d'un même rang (flux, financement, ateliers) ne s'importent pas entre elles.
#: Imports dans les fonctions compris : un import retardé reste une dépendance.
RANKS = {
    "core": 0,
    "export": 1,
    "plan": 2,
    "flows": 3,
    # indicateurs de suivi : lisent et écrivent les flux ; le bilan (finance) et les comités les lisent
    "indicators": 4,
    # ateliers : la fusion d'un paquet écrit les valeurs des flux par leur chemin d'écriture, et
    # lit et écrit les valeurs et liens des indicateurs (sortes de lien, unités, périodes)
    "workshops": 5,
    "finance": 5,
    "committees": 5,
    "cli": 6,
}


def package_graph() -> dict[tuple[str, str], set[str]]:
    """(paquet importeur, paquet importé) → fichiers, pour les sous-paquets de ``roadmap_app``."""
    edges: dict[tuple[str, str], set[str]] = {}
    for path in (ROOT / "roadmap_app").rglob("*.py"):
        rel = path.relative_to(ROOT / "roadmap_app")
        if len(rel.parts) < 2:
            continue  # __init__ / __main__ du paquet : le lanceur, au-dessus de tout
        source = rel.parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = (
                    [f"roadmap_app.{a.name}" for a in node.names]
                    if node.module == "roadmap_app"
                    else [node.module]
                )
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] != "roadmap_app" or len(parts) < 2 or parts[1] == source:
                    continue
                if (ROOT / "roadmap_app" / parts[1]).is_dir():
                    edges.setdefault((source, parts[1]), set()).add(str(rel))
    return edges


def test_every_package_of_the_application_has_a_rank():
    packages = {p.name for p in (ROOT / "roadmap_app").iterdir() if (p / "__init__.py").exists()}
    assert packages == set(RANKS), "nouveau paquet : lui donner un rang (docs/architecture.md)"


def test_packages_import_only_downwards():
    wrong = {
        f"{a} → {b}": sorted(files)
        for (a, b), files in package_graph().items()
        if RANKS[b] >= RANKS[a]
    }
    assert not wrong, wrong


def test_the_package_graph_has_no_cycle():
    graph: dict[str, set[str]] = {}
    for a, b in package_graph():
        graph.setdefault(a, set()).add(b)
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        assert node not in path, " → ".join([*path, node])
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*path, node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])


def module_imports(path: Path) -> set[str]:
    """Modules importés par ce fichier, imports dans les fonctions et sous TYPE_CHECKING compris."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


@pytest.mark.parametrize(
    ("lower", "upper"),
    [
        # le dialogue de restauration ne rappelle pas les actions du menu qui l'ouvrent
        ("ui/dialogs/restore_dialog.py", "ui.backup_actions"),
        # l'éditeur du plan ne connaît de la page que son protocole EditorHost
        ("ui/pages/roadmap_editing.py", "ui.pages.roadmap_page"),
        # les documents ouvrent une autre fenêtre sans importer l'application qui les lance
        ("ui/documents.py", "ui.app"),
        # les flux du jeu initial lisent leur fichier sans passer par le chargeur qui les appelle
        ("db/seed/flux.py", "db.seed.loader"),
    ],
)
def test_former_import_loops_stay_broken(lower, upper):
    assert upper not in module_imports(ROOT / lower)


@pytest.mark.parametrize("package", ["ui", "roadmap_app", "db"])
def test_shipped_code_never_imports_the_bench_or_the_tests(package):
    """bench/ et tests/ ne sont pas dans la roue : un import casserait l'application installée."""
    roots = imported_roots(package)
    assert not {"bench", "tests"} & roots.keys(), roots.get("bench", roots.get("tests"))


def test_the_open_store_is_written_only_through_the_operation_executor():
    """Un seul chemin d'écriture (docs/architecture.md) : une transaction sur la base ouverte
    (``ctx.store.transaction()``) ne s'ouvre que dans ``core/ops.py`` ; les services écrivent
    dans le bloc ``ops.operation`` (journal, « Annuler », OpChanges)."""
    writers = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "roadmap_app").rglob("*.py")
        if "ctx.store.transaction()" in path.read_text(encoding="utf-8")
    )
    assert writers == ["roadmap_app/core/ops.py"]
