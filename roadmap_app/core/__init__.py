"""Socle commun aux fonctionnalités : contexte, erreurs, journal et annulation, dates et textes,
fichiers, sauvegardes, limites de lecture. Ne dépend d'aucune fonctionnalité."""
