"""Tables de la base, chargées à la demande.

``from db.models import Action`` n'importe que le module qui définit ``Action``
(``db.models.plan``) : chaque table SQLModel coûte ≈ 4 ms à définir et le démarrage n'a pas
besoin des tables d'ateliers, d'instantanés ou de journal. Ce qui parcourt toute la métadonnée
(migrations Alembic, copie entre bases, comparaison du schéma) appelle d'abord ``load_all()``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # pour mypy et les éditeurs : les mêmes noms, importés d'un coup
    from db.models.contract import Atelier, FinancementLine, IndicatorDefinition, Volet
    from db.models.enums import EcheancePrecision, Status
    from db.models.finance import Expense, StatePayment
    from db.models.flows import FlowTarget, FlowValue, Portfolio
    from db.models.indicators import ActionIndicator, IndicatorTarget, IndicatorValue
    from db.models.journal import JournalEntry
    from db.models.key_dates import KeyDate
    from db.models.meta import StoreInfo
    from db.models.plan import (
        Action,
        ActionBassin,
        ActionPilote,
        Axe,
        Cible,
        Organisation,
        Roadmap,
    )
    from db.models.snapshot import Snapshot
    from db.models.territory import Bassin, ReferenceFigure
    from db.models.workshop import WorkshopMerge, WorkshopPackage, WorkshopResolution

#: nom exporté → module qui le définit
_WHERE: dict[str, str] = {
    "Atelier": "contract",
    "FinancementLine": "contract",
    "IndicatorDefinition": "contract",
    "KeyDate": "key_dates",
    "Volet": "contract",
    "EcheancePrecision": "enums",
    "Status": "enums",
    "Expense": "finance",
    "StatePayment": "finance",
    "FlowTarget": "flows",
    "FlowValue": "flows",
    "Portfolio": "flows",
    "ActionIndicator": "indicators",
    "IndicatorTarget": "indicators",
    "IndicatorValue": "indicators",
    "JournalEntry": "journal",
    "StoreInfo": "meta",
    "Action": "plan",
    "ActionBassin": "plan",
    "ActionPilote": "plan",
    "Axe": "plan",
    "Cible": "plan",
    "Organisation": "plan",
    "Roadmap": "plan",
    "Snapshot": "snapshot",
    "Bassin": "territory",
    "ReferenceFigure": "territory",
    "WorkshopMerge": "workshop",
    "WorkshopPackage": "workshop",
    "WorkshopResolution": "workshop",
}

__all__ = [
    "JOURNALED_MODELS",
    "Action",
    "ActionBassin",
    "ActionIndicator",
    "ActionPilote",
    "Atelier",
    "Axe",
    "Bassin",
    "Cible",
    "EcheancePrecision",
    "Expense",
    "FinancementLine",
    "FlowTarget",
    "FlowValue",
    "IndicatorDefinition",
    "IndicatorTarget",
    "IndicatorValue",
    "JournalEntry",
    "KeyDate",
    "Organisation",
    "Portfolio",
    "ReferenceFigure",
    "Roadmap",
    "Snapshot",
    "StatePayment",
    "Status",
    "StoreInfo",
    "Volet",
    "WorkshopMerge",
    "WorkshopPackage",
    "WorkshopResolution",
    "load_all",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'db.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"db.models.{module}"), name)
    globals()[name] = value  # les accès suivants ne repassent plus par ici
    return value


def load_all() -> None:
    """Enregistre toutes les tables dans ``SQLModel.metadata`` (migrations, copie, schéma)."""
    for module in sorted(set(_WHERE.values())):
        importlib.import_module(f"db.models.{module}")


class _Journaled(Mapping[str, type]):
    """Tables dont les champs peuvent être modifiés par l'utilisateur, donc journalisés et
    annulables : nom de table → classe, chargée au premier usage."""

    _NAMES: ClassVar[dict[str, str]] = {
        "roadmap": "Roadmap",
        "axe": "Axe",
        "cible": "Cible",
        "action": "Action",
        "action_bassin": "ActionBassin",
        "bassin": "Bassin",
        "atelier": "Atelier",
        "financement_line": "FinancementLine",
        "expense": "Expense",
        "state_payment": "StatePayment",
        "flow_value": "FlowValue",
        "flow_target": "FlowTarget",
        "portfolio": "Portfolio",
        "indicator_definition": "IndicatorDefinition",
        "indicator_target": "IndicatorTarget",
        "indicator_value": "IndicatorValue",
        "action_indicator": "ActionIndicator",
    }

    def __getitem__(self, table: str) -> type:
        cls: type = __getattr__(self._NAMES[table])
        return cls

    def __iter__(self) -> Iterator[str]:
        return iter(self._NAMES)

    def __len__(self) -> int:
        return len(self._NAMES)


JOURNALED_MODELS: Mapping[str, type] = _Journaled()
