"""Guide d'utilisation de roadmap-app (Markdown et captures), livré avec l'application.

Ce dossier est aussi un paquet Python (``guide``) pour que la roue et l'application figée le
portent : l'aide de l'application le trouve par ``resources.locate("guide", …)``.
"""
