"""Comités : instantanés de l'état, comparaison de deux états, pack de comité (classeur et PDF)."""
