"""Lecture des arguments communs de la CLI (dates…), avec des messages en français."""

from __future__ import annotations

from datetime import date

from roadmap_app.core.errors import ValidationError


def iso_date(text: str | None) -> date | None:
    """« 2025-03-27 » → date ; vide → ``None`` ; sinon une erreur qui montre le format attendu."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"Date « {text} » invalide : format attendu AAAA-MM-JJ (par exemple 2025-03-27)."
        ) from None
