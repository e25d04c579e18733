"""Persistance : tables SQLModel, moteur et sessions, migrations Alembic, chargement du jeu initial.

Cette couche n'importe ni Qt, ni ``roadmap_app``, ni ``ui``.
"""
