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


class KeyedHashField(ByteOrderCharField):
    """A keyed hash (crypto.keyed_hash, HMAC hex) of a personal value, for exact lookup and
    uniqueness without storing the value in the clear.

    `source` names the EncryptedTextField of the same model whose plaintext it hashes; "" when
    the plaintext lives on another record (e.g. the ID number of the person a fact is about).
    Data-key rotation finds every such column by this class and re-keys it. `byte_order=False`
    keeps the database's default collation (columns created before this class existed).
    """

    def __init__(self, *args, source: str = "", byte_order: bool = True, **kwargs):
        self.source = source
        self.byte_order = byte_order
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        # `source` changes nothing in the database: left out, it never needs a migration.
        name, path, args, kwargs = super().deconstruct()
        if not self.byte_order:
            kwargs["byte_order"] = False
        return name, path, args, kwargs

    def db_parameters(self, connection):
        if self.byte_order:
            return super().db_parameters(connection)
        return models.CharField.db_parameters(self, connection)
