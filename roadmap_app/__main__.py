"""Points d'entrée : ``roadmap-app`` (interface graphique par défaut), ``roadmap-cli`` (console)
et ``python -m roadmap_app``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """``roadmap-app [FICHIER]`` ou ``roadmap-app COMMANDE`` : sans commande, l'application."""
    return _run(argv, prog="roadmap-app", gui_by_default=True)


def cli(argv: list[str] | None = None) -> int:
    """``roadmap-cli COMMANDE`` : la même ligne de commande, dans un terminal (``.exe`` console
    sous Windows) ; sans commande, l'aide (``roadmap-cli gui`` ouvre l'application)."""
    return _run(argv, prog="roadmap-cli", gui_by_default=False)


def _run(argv: list[str] | None, prog: str, gui_by_default: bool) -> int:
    from roadmap_app.core.bulk import begin_startup, end_startup

    begin_startup()  # repris après la première fenêtre (ui.app) ou avant la commande (cli.main)
    try:
        from roadmap_app.cli.main import main as cli_main

        args = sys.argv[1:] if argv is None else argv
        return cli_main(args, prog=prog, gui_by_default=gui_by_default)
    finally:
        end_startup(freeze=False)  # sans effet si c'est déjà fait ; sinon (erreur d'arguments…)


if __name__ == "__main__":
    sys.exit(main())
