"""Valeurs codées stockées en texte (portables SQLite / PostgreSQL)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Statut d'une action dans un bassin."""

    A_LANCER = "a_lancer"
    EN_COURS = "en_cours"
    REALISE = "realise"
    A_SECURISER = "a_securiser"
    REPORTE = "reporte"
    ABANDONNE = "abandonne"


class EcheancePrecision(StrEnum):
    """Précision de l'échéance telle qu'écrite dans le document."""

    DAY = "jour"
    MONTH = "mois"
    QUARTER = "trimestre"
    SEMESTER = "semestre"
    YEAR = "annee"
