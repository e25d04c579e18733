"""Serveur PostgreSQL jetable sur la boucle locale, pour les tests d'intégration.

Utilise les binaires de Debian (paquet ``postgresql``, que ``.ci/run`` installe). En root,
``initdb`` est lancé sous l'utilisateur ``postgres``. Si les binaires manquent, les tests
PostgreSQL sont ignorés — sauf si ``ROADMAP_REQUIRE_POSTGRES=1`` (CI) : c'est alors un échec.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if candidates:
        return Path(candidates[-1])
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    base: Path
    port: int
    prefix: list[str]

    @property
    def data(self) -> Path:
        return self.base / "data"

    def url(self, database: str, user: str = "postgres", password: str | None = None) -> str:
        auth = user if password is None else f"{user}:{password}"
        return f"postgresql+psycopg://{auth}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *args], check=True, capture_output=True, text=True, timeout=120
        )

    def start(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "serveur.log"),
            "-o", f"-p {self.port} -k {self.base / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off",
            "-w", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"],
            capture_output=True, timeout=120,
        )  # fmt: skip

    def execute(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self, prefix: str = "roadmap") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self.execute(f'CREATE DATABASE "{name}"')
        return name


def start_server(base: Path) -> PgServer:
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError("binaires PostgreSQL introuvables (paquet Debian « postgresql »)")
    prefix: list[str] = []
    if os.geteuid() == 0:
        # En root, le serveur tourne sous « postgres » et doit traverser les dossiers parents. Pas
        # sous /tmp/pytest-of-root : toute session pytest qui démarre (une autre suite lancée en
        # même temps) remet ce dossier en 0700, et le serveur perdait alors l'accès à ses fichiers
        # (arrêt impossible, puis PANIC au point de contrôle suivant).
        base = Path(tempfile.mkdtemp(prefix="roadmap-pg-"))
        atexit.register(shutil.rmtree, base, True)
    base.mkdir(parents=True, exist_ok=True)
    (base / "sock").mkdir(exist_ok=True)
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        for p in (base, base / "sock"):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        parent = base.parent
        while parent != parent.parent:  # le serveur doit pouvoir traverser les dossiers parents
            os.chmod(parent, os.stat(parent).st_mode | 0o711)
            parent = parent.parent
        prefix = ["runuser", "-u", "postgres", "--"]
    server = PgServer(bindir, base, _free_port(), prefix)
    server._run(
        str(bindir / "initdb"), "-D", str(server.data), "-U", "postgres", "--auth=trust",
        "-E", "UTF8", "--locale=C.UTF-8",
    )  # fmt: skip
    # Le rôle « equipe » (utilisé pour les tests de mot de passe) s'authentifie par mot de passe ;
    # le super-utilisateur des tests reste en confiance sur la boucle locale.
    hba = server.data / "pg_hba.conf"
    rules = "host all equipe 127.0.0.1/32 scram-sha-256\n"
    server._run("sh", "-c", f"printf '{rules}' | cat - {hba} > {hba}.new && mv {hba}.new {hba}")
    server.start()
    server.execute("CREATE ROLE equipe LOGIN PASSWORD 'secret-equipe'")
    return server
