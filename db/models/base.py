"""Base commune des tables.

Une table SQLModel est aussi un modèle pydantic : à sa définition, pydantic construit le schéma de
validation et de sérialisation de chaque champ (≈ 1 ms par table). L'application ne s'en sert
presque jamais (les lignes sont construites sans validation ; les lectures en bloc passent par
``db.rows``) : ``defer_build`` reporte cette construction au premier usage, hors du démarrage.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict
from sqlmodel import SQLModel


class Table(SQLModel):
    """Classe mère des tables (``class Action(Table, table=True)``) ; aucune colonne."""

    # ConfigDict public de pydantic ; SQLModel type ce champ avec son SQLModelConfig, privé
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


def columns(model: type[SQLModel]) -> Any:
    """Colonnes SQLAlchemy « Core » de la table ``model`` (``columns(Action).code``).

    Une requête écrite avec elles ne passe pas par l'ORM : pas de configuration des
    correspondances (≈ 7 ms au premier usage d'un attribut ORM) ni d'état de compilation ORM.
    Le démarrage (lecture du plan, liste des feuilles de route) s'en sert ; les écritures gardent
    les classes ORM."""
    return model.__table__.c  # type: ignore[attr-defined]


def table(model: type[SQLModel]) -> Any:
    """La table SQLAlchemy « Core » de ``model`` (jointures des lectures « Core »)."""
    return model.__table__  # type: ignore[attr-defined]
