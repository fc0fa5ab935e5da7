"""Admin pages for the reference data (models in webapp.core.reference)."""
