"""L'installateur Windows (NSIS) se compile, et promet ce que l'issue demande.

La compilation se fait avec ``makensis`` (paquet Debian ``nsis``, installé par ``.ci/run``) sur un
dossier factice qui a la forme de ``dist/roadmap-app`` ; l'installateur n'est pas exécuté ici
(docs/packaging.md dit ce qui reste à vérifier sous Windows).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from roadmap_app import __version__
from roadmap_app.workshops.package import PACKAGE_SUFFIX

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "windows" / "roadmap-app.nsi"
TEXT = SCRIPT.read_text(encoding="utf-8")
REQUIRED = bool(os.environ.get("CI") or os.environ.get("ROADMAP_REQUIRE_NSIS"))


def section(name: str) -> str:
    start = TEXT.index(f'Section "{name}"')
    return TEXT[start : TEXT.index("SectionEnd", start)]


@pytest.mark.slow
def test_the_installer_script_compiles(tmp_path):
    makensis = shutil.which("makensis")
    if makensis is None:
        if REQUIRED:
            pytest.fail("makensis manque (paquet Debian nsis, installé par .ci/run)")
        pytest.skip("makensis absent (apt-get install nsis)")
    source = tmp_path / "roadmap-app"
    (source / "_internal" / "guide").mkdir(parents=True)
    for name in ("roadmap-app.exe", "roadmap-cli.exe", "_internal/base_library.zip"):
        (source / name).write_bytes(b"factice " * 100)
    out = tmp_path / f"roadmap-app-{__version__}-installation.exe"
    done = subprocess.run(
        [makensis, "-WX", "-V2", f"-DVERSION={__version__}", f"-DSOURCE_DIR={source}",
         f"-DOUTFILE={out}", str(SCRIPT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.read_bytes()[:2] == b"MZ"


def test_per_user_install_without_admin_rights():
    assert "RequestExecutionLevel user" in TEXT
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP}"' in TEXT
    assert "HKLM" not in TEXT  # rien hors du profil de l'utilisateur


def test_start_menu_shortcut_and_icon():
    main = section("roadmap-app")
    assert 'CreateShortcut "${SHORTCUT}" "$INSTDIR\\roadmap-app.exe"' in main
    assert '!define SHORTCUT "$SMPROGRAMS\\' in TEXT
    icon = re.search(r'!define ICON "([^"]+)"', TEXT)
    assert icon is not None
    assert (SCRIPT.parent / icon.group(1).replace("\\", "/")).is_file()


def test_workshop_packages_open_with_the_application_by_a_per_user_association():
    assert PACKAGE_SUFFIX == ".atelier"  # l'extension que l'application écrit
    assert f'!define EXT "{PACKAGE_SUFFIX}"' in TEXT
    main = section("roadmap-app")
    assert 'WriteRegStr HKCU "Software\\Classes\\${EXT}" "" "${PROGID}"' in main
    assert '"$INSTDIR\\roadmap-app.exe" "%1"' in main


def test_the_uninstaller_leaves_user_data_and_backups_alone():
    uninstall = "\n".join(
        line for line in section("Uninstall").splitlines() if not line.strip().startswith(";")
    )
    assert 'RMDir /r "$INSTDIR"' not in uninstall  # seulement les fichiers du programme
    assert "Departement62" not in uninstall and "$APPDATA" not in uninstall
    for removed in ("_internal", "roadmap-app.exe", "roadmap-cli.exe", "desinstaller.exe"):
        assert removed in uninstall
    assert "${SHORTCUT}" in uninstall and "${PROGID}" in uninstall
