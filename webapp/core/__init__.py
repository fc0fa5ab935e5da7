"""What several parts share: audit log, outbox, signed tokens, time zones, money,
reference data, access control. Nothing here imports a part."""
