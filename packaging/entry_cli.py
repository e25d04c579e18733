"""Exécutable ``roadmap-cli`` de l'application figée (console : la sortie va au terminal)."""

import sys

from roadmap_app.__main__ import cli

sys.exit(cli())
