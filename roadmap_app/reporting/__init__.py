"""Production de fichiers (classeurs, PDF, images) : briques communes aux exports."""
