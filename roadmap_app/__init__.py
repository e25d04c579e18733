"""roadmap-app : pilotage de la feuille de route volet 3 (Pas-de-Calais / France Travail).

Couche application : règles, services, rapports, CLI et point d'entrée. Pas de Qt ici.
"""

__version__ = "0.1.0"
APP_NAME = "roadmap-app"
APP_AUTHOR = "Departement62"
