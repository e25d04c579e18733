"""``pip install .`` (non éditable) dans un environnement neuf donne une application complète."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900, **kw)


def test_the_built_wheel_installs_and_runs_with_its_seed_and_migrations(tmp_path):
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)])
    wheels = list(dist.glob("roadmap_app-*.whl"))
    assert len(wheels) == 1

    import zipfile

    names = zipfile.ZipFile(wheels[0]).namelist()
    for needed in (
        "resources/seed/feuille_de_route_2024.json",
        "resources/seed/bassins.json",
        "resources/seed/convention.json",
        "resources/style.qss",
        "db/migrations/env.py",
        "db/migrations/script.py.mako",
        "db/migrations/versions/0001_initial_schema.py",
        "ui/main_window.py",
        "guide/index.md",
        "guide/tableau-de-bord.md",
        "guide/captures/dashboard.png",
        "resources/icons/app/roadmap-app.svg",
        "resources/icons/app/roadmap-app-256.png",
        "resources/icons/app/roadmap-app.ico",
    ):
        assert needed in names, needed
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheels[0]).read(entry_points).decode()
    assert "[gui_scripts]" in text and "roadmap-app = roadmap_app.__main__:main" in text
    assert "[console_scripts]" in text and "roadmap-cli = roadmap_app.__main__:cli" in text
    assert not any("tests/" in n for n in names)

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheels[0])])

    outside = tmp_path / "ailleurs"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env.update(ROADMAP_APP_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    exe = env_dir / "bin" / "roadmap-app"
    version = run([str(exe), "--version"], cwd=outside, env=env).stdout
    assert version.startswith("roadmap-app ")
    listing = run(
        [str(exe), "actions", "list", "--format", "json", "--bassin", "Lensois"],
        cwd=outside,
        env=env,
    )
    rows = json.loads(listing.stdout)
    assert len(rows) == 35 and rows[0]["code"] == "EP-1.1"
    assert (tmp_path / "home" / "roadmap.sqlite3").exists()
    # même chose avec python -m et la commande console, et l'interface se construit sans écran
    # depuis le paquet installé, guide compris (ressources trouvées par resources.locate)
    run([str(py), "-m", "roadmap_app", "--version"], cwd=outside, env=env)
    cli = run([str(env_dir / "bin" / "roadmap-cli"), "--version"], cwd=outside, env=env)
    assert cli.stdout.startswith("roadmap-app ")
    smoke = (
        "from ui.app import make_application; from ui.main_window import MainWindow; "
        "from roadmap_app.core.context import open_context; from ui.help import open_guide; "
        "import resources; "
        "app = make_application(); w = MainWindow(open_context(None)); "
        "g = open_guide(w); print(resources.locate('guide', 'index.md')); "
        "print(g.current_file(), g.browser.toPlainText().splitlines()[0]); "
        "print(len(w.show_page('roadmap').visible_action_codes()))"
    )
    out = run([str(py), "-c", smoke], cwd=outside, env=env).stdout.strip().splitlines()
    assert out[-1] == "35"
    assert out[-2] == "tableau-de-bord.md Tableau de bord"
    assert str(env_dir) in out[-3] and "site-packages" in out[-3]
