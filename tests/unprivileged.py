"""Lancer la CLI sans passer outre les droits des fichiers, même quand la suite tourne en root.

En root, les droits d'un dossier ou d'un fichier en lecture seule ne s'appliquent pas
(capacités CAP_DAC_OVERRIDE et CAP_DAC_READ_SEARCH) : ``setpriv`` (util-linux) les retire du
programme lancé, qui voit alors les droits comme un utilisateur ordinaire.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    prefix: list[str] = []
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv (util-linux) absent : impossible de retirer les droits de root")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps=-all"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "roadmap_app", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **(env or {})),
    )  # fmt: skip
