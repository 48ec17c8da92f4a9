"""Masking of personal data for pages, API, exports and logs (DESIGN §3)."""


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_bank_account(value: str | None) -> str:
    if not value:
        return ""
    compact = value.replace(" ", "")
    return "**** " + compact[-4:]


def mask_text(value: str | None) -> str:
    """Free-text sensitive details (health, disability): shown only as present/absent."""
    return "******" if value else ""
