"""Interface en ligne de commande : mêmes services que l'interface graphique."""
