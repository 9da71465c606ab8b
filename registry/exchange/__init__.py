"""Exchange of Object ID records with other systems: LIDO XML and CSV, as plain dicts, free of Flask."""
