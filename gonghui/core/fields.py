"""Encrypted model field: stores AES-GCM ciphertext, gives plaintext in Python."""

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
        # Django's chain ends in get_prep_value for a text column; bulk imports call this
        # twice per row, so skip the layers in between.
        if hasattr(value, "as_sql"):
            return value
        return self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
