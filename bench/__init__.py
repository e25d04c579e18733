"""Mesures de performance (chiffres imprimés, pas des tests chronométrés)."""

#: Préfixe de la ligne où la sonde de démarrage imprime la durée du travail différé après
#: l'affichage (``ui.app.after_first_paint``), hors de la mesure du démarrage.
DEFERRED = "fin du démarrage différée :"
