"""The county's 低保 standard and assistance thresholds, kept as history (DESIGN §4)."""
