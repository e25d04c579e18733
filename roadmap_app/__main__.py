"""Point d'entrée : ``roadmap-app`` et ``python -m roadmap_app``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from roadmap_app.bulk import begin_startup, end_startup

    begin_startup()  # repris après la première fenêtre (ui.app) ou avant la commande (cli.main)
    try:
        from roadmap_app.cli.main import main as cli_main

        return cli_main(sys.argv[1:] if argv is None else argv)
    finally:
        end_startup(freeze=False)  # sans effet si c'est déjà fait ; sinon (erreur d'arguments…)


if __name__ == "__main__":
    sys.exit(main())
