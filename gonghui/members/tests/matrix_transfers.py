"""Permission-matrix entries (filled in by the feature that owns them)."""

ENDPOINTS: list = []
