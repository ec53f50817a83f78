"""Demo evaluations for ``manage.py seed_demo``."""

# --- Campaigns and responses (E2a) ------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------
