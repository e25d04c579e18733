"""Base commune des tables.

Une table SQLModel est aussi un modèle pydantic : à sa définition, pydantic construit le schéma de
validation et de sérialisation de chaque champ (≈ 1 ms par table). L'application ne s'en sert
presque jamais (les lignes sont construites sans validation ; les lectures en bloc passent par
``db.rows``) : ``defer_build`` reporte cette construction au premier usage, hors du démarrage.
"""

from __future__ import annotations

from pydantic import ConfigDict
from sqlmodel import SQLModel


class Table(SQLModel):
    """Classe mère des tables (``class Action(Table, table=True)``) ; aucune colonne."""

    # ConfigDict public de pydantic ; SQLModel type ce champ avec son SQLModelConfig, privé
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]
