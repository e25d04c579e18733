"""Le plan : feuilles de route, axes, cibles, actions, bassins ; lecture, filtres, statuts par
bassin, édition et historique."""
