"""Indicateurs de suivi : définitions, situation de référence, cibles, valeurs, liens aux actions."""
