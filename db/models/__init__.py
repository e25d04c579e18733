"""Tables de la base. Importer ce paquet enregistre toutes les tables dans ``SQLModel.metadata``."""

from db.models.contract import Atelier, FinancementLine, IndicatorDefinition, KeyDate, Volet
from db.models.enums import EcheancePrecision, Status
from db.models.finance import Expense, StatePayment
from db.models.flows import FlowTarget, FlowValue, Portfolio
from db.models.journal import JournalEntry
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

__all__ = [
    "Action",
    "ActionBassin",
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
]

#: Tables dont les champs peuvent être modifiés par l'utilisateur, donc journalisés et annulables.
JOURNALED_MODELS: dict[str, type] = {
    "roadmap": Roadmap,
    "axe": Axe,
    "cible": Cible,
    "action": Action,
    "action_bassin": ActionBassin,
    "bassin": Bassin,
    "atelier": Atelier,
    "financement_line": FinancementLine,
    "expense": Expense,
    "state_payment": StatePayment,
    "flow_value": FlowValue,
    "flow_target": FlowTarget,
    "portfolio": Portfolio,
}
