"""The Directory of National Points of Contact, kept current by the member states."""
