"""Financement de la convention : plan de financement, dépenses, versements, bilans."""
