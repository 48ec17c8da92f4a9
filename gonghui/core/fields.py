"""Model fields: encrypted text (AES-GCM ciphertext at rest, plaintext in Python) and codes
compared byte by byte."""

from django.db import models

from gonghui.core import crypto


class EncryptedTextField(models.TextField):
    """Plaintext in Python, ciphertext in the database. Not filterable: use a keyed hash field."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def get_db_prep_save(self, value, connection):
        # Django's chain ends in get_prep_value for a text column: skip the layers between.
        if hasattr(value, "as_sql"):
            return value
        return self.get_prep_value(value)

    def bulk_db_prep_save(self, values: list, connection) -> list:
        """get_db_prep_save for a column of plain values (bulk writers): one nonce draw."""
        blank = {None, ""}
        sealed = iter(crypto.encrypt_many([str(v) for v in values if v not in blank]))
        return [v if v in blank else next(sealed) for v in values]

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class ByteOrderCharField(models.CharField):
    """A CharField for codes and digests (card numbers, keyed hashes, last-4 digits, choice
    codes), compared byte by byte on PostgreSQL (COLLATE "C") whatever the database's locale.

    Their order means nothing linguistic, and a locale's collation costs a strcoll() per
    comparison in every index insert and lookup; under "C" the plain btree index also serves
    LIKE 'prefix%', so no second varchar_pattern_ops index is needed. Other databases keep
    their default (SQLite's is already binary).
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql" and not self.db_collation:
            params["collation"] = "C"
        return params
