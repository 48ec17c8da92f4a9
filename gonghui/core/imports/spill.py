"""The validation pass's parsed rows, kept for the commit pass.

Parsing every cell again at commit would double the cost of a large import, so the
validation pass writes each batch's valid rows — (row number, parsed values, existing) —
to a file beside the upload, and the commit pass reads them back instead of the
spreadsheet. The commit still runs the kind's checks against the database (which may have
changed since the preview); only the cell parsing is reused.

The rows hold personal data, so each batch is pickled and sealed with AES-GCM under the
data key, bound to the job id (`associated`): the file is unreadable without the key,
and a tampered or foreign file fails authentication instead of being unpickled.
Record format: 4-byte big-endian length + sealed blob.
"""

import pickle
import struct
from collections.abc import Iterator
from pathlib import Path

from gonghui.core.crypto import decrypt_bytes, encrypt_bytes
from gonghui.core.imports.spec import Row

_LENGTH = struct.Struct(">I")


def spill_relative(file_path: str) -> str:
    return f"{Path(file_path).with_suffix('')}.rows.bin"


class SpillWriter:
    def __init__(self, path: Path, *, job_id: int):
        self.associated = f"import-job-{job_id}".encode()
        self.handle = open(path, "wb")  # noqa: SIM115 - closed in close()

    def write(self, rows: list[Row]) -> None:
        payload = [(row.number, row.values, row.existing) for row in rows]
        blob = encrypt_bytes(
            pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL), associated=self.associated
        )
        self.handle.write(_LENGTH.pack(len(blob)))
        self.handle.write(blob)

    def close(self) -> None:
        self.handle.close()


def spill_rows(path: Path, *, job_id: int) -> Iterator[Row]:
    """The spilled rows in file order, as fresh Rows (no raw cells: see ErrorLog)."""
    associated = f"import-job-{job_id}".encode()
    with open(path, "rb") as handle:
        while header := handle.read(_LENGTH.size):
            (length,) = _LENGTH.unpack(header)
            payload = pickle.loads(decrypt_bytes(handle.read(length), associated=associated))
            for number, values, existing in payload:
                yield Row(number, None, values, existing=existing)
