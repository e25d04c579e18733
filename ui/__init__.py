"""Interface PySide6 : fenêtre, pages, dialogues, modèles Qt. Toute la dépendance à Qt est ici."""
