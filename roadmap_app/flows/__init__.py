"""Flux mensuels BRSA par bassin : catalogue des indicateurs, saisie validée, import, graphiques."""
