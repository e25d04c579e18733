"""Lit un fichier hostile avec un lecteur de l'application, dans un processus à part, et mesure.

    python -m tests.hostile_reader LECTEUR FICHIER BASE

LECTEUR : ``flows`` (import des flux), ``indicators`` (import des valeurs d'indicateurs), ``workbook`` (classeur partenaire), ``package`` (paquet
d'atelier), ``restore`` (sauvegarde à restaurer), ``plan`` (import du plan : xlsx, csv, docx). Imprime une ligne JSON : durée de la lecture
(s), mémoire maximale du processus (Mo), et le message d'erreur (français) ou ``null``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    kind, path, db = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    from roadmap_app.core.context import open_context
    from roadmap_app.core.errors import UserError

    ctx = open_context(db)
    started = time.monotonic()
    message = None
    try:
        if kind == "flows":
            from roadmap_app.flows.io import plan_import

            plan_import(ctx, path)
        elif kind == "indicators":
            from roadmap_app.indicators.io import plan_import as plan_values

            plan_values(ctx, path)
        elif kind == "plan":
            from roadmap_app.plan.plan_io import plan_import as plan_file

            plan_file(ctx, path)
        elif kind == "workbook":
            from roadmap_app.workshops.workbook import read_workbook

            read_workbook(path)
        elif kind == "package":
            from roadmap_app.workshops.merge import plan_package_merge

            plan_package_merge(ctx, path)
        elif kind == "restore":
            from roadmap_app.core.backup import restore_file

            ctx.close()
            restore_file(db, path)
    except UserError as err:
        message = str(err)
    elapsed = time.monotonic() - started
    print(
        json.dumps({"seconds": elapsed, "peak_mb": peak_mb(), "error": message}, ensure_ascii=False)
    )


def peak_mb() -> float:
    """Mémoire résidente maximale de ce processus depuis son lancement (Mo). Sous Linux, VmHWM :
    ``ru_maxrss`` garderait celle du processus parent, copiée au fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
