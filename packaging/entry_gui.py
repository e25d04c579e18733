"""Exécutable ``roadmap-app`` de l'application figée (fenêtre ; les commandes marchent aussi)."""

import sys

from roadmap_app.__main__ import main

sys.exit(main())
