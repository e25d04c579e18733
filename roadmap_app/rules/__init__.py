"""Règles du domaine, sans dépendance à la base ni à Qt."""
