"""Mesures de performance (chiffres imprimés, pas des tests chronométrés)."""
