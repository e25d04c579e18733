"""Un autre programme roadmap-app qui garde une base ouverte, pour les tests de remplacement.

    python -m tests.store_holder BASE [PROGRAMME]

Ouvre la base comme le fait l'application, imprime « PRET », puis attend que son entrée standard
se ferme (ou d'être tué) ; « ECRIS » sur son entrée le fait écrire une note, et répondre « ACK ».
"""

from __future__ import annotations

import sys


def main() -> None:
    from roadmap_app.core.context import open_context
    from roadmap_app.plan.status import update_status

    program = sys.argv[2] if len(sys.argv) > 2 else "roadmap-app — interface graphique"
    try:
        ctx = open_context(sys.argv[1], author="Autre poste", usage=program)
    except TypeError:  # version sans inscription (pour vérifier qu'un test échoue sans elle)
        ctx = open_context(sys.argv[1], author="Autre poste")
    print("PRET", flush=True)
    n = 0
    for line in sys.stdin:
        if line.strip() == "ECRIS":
            n += 1
            update_status(ctx, "EP-2.2", "Lensois", note=f"tenue-{n}", record_undo=False)
            print("ACK", flush=True)
    ctx.close()


if __name__ == "__main__":
    main()
