"""Boîtes de dialogue d'édition (plan, bassins, feuilles de route). Elles n'ouvrent jamais de
session : elles rassemblent la saisie et la confient à un service."""
