"""Text normalisation shared by forms and the import pipeline."""

import unicodedata

_SPACES = {"\u3000", "\u00a0", "\u2002", "\u2003", "\u2009", "\u200b", "\ufeff", "\t"}


def normalise_text(value) -> str:
    """Full-width to half-width (NFKC), unify odd spaces, collapse runs, strip.

    NFKC also folds full-width digits and letters ("１２３" → "123", "ｘ" → "x").
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    for space in _SPACES:
        text = text.replace(space, " ")
    return " ".join(text.split())
