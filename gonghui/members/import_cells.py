"""Spreadsheet cell parsers for personal data, shared by the import kinds that read ID
numbers, phones and hukou (members, hardship archives, disaster lists)."""

from gonghui.core.masking import mask_id_number
from gonghui.members.idnumber import IdNumberError, id_number_clean, phone_clean
from gonghui.members.models import HukouType


class MaskedIdNumber(str):
    """A canonical ID number that prints masked.

    The pipeline names the natural key in its "与第 N 行重复" message; this keeps the full
    number out of messages, the job's error sample and the error sheet's 错误原因 column.
    The value itself (hashing, encryption) is the full number.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return mask_id_number(str.__str__(self))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def id_number_cell(value: str) -> str:
    """The canonical 18-digit number (15-digit legacy numbers upgraded), or ValueError."""
    try:
        return MaskedIdNumber(id_number_clean(value).number)
    except IdNumberError as exc:
        raise ValueError(str(exc)) from None


def phone_cell(value: str) -> str:
    return phone_clean(value)


HUKOU_ALIASES = {
    "城镇户口": HukouType.URBAN,
    "非农业": HukouType.URBAN,
    "非农业户口": HukouType.URBAN,
    "非农": HukouType.URBAN,
    "城市": HukouType.URBAN,
    "农业户口": HukouType.RURAL,
    "农村": HukouType.RURAL,
    "农村户口": HukouType.RURAL,
    "农户": HukouType.RURAL,
}
