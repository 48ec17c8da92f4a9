"""A seeded database with a value in every encrypted field (backup and key-rotation tests).

The demo county (`seed-demo`, with fewer members) plus what it leaves empty: a user's phone,
a disability detail, a household member's ID number. `encrypted_values` reads every encrypted
value back through the ORM; `every_encrypted_field_filled` says which fields hold none, so a
new encrypted field that these tests do not cover shows up as a failure.
"""

import datetime
from unittest import mock

from django.db import connection

from gonghui.core.rotation import encrypted_models, hash_fields


def seed_demo(*, members: int = 300) -> None:
    """The demo county as `seed-demo` builds it, with `members` members instead of 20,000 (the
    other seeders do not depend on the number; the full county takes a minute under load)."""
    from gonghui.core.demo import run_seeders

    with mock.patch("gonghui.members.demo.TARGET", members):
        run_seeders(seed=2026)


def seed_demo_through(last: str, *, seed: int = 2026) -> list[str]:
    """Run `seed-demo`'s seeders in its order up to and including `last` (a dotted path from
    `demo_seeders()`), full size: what a module's demo test needs, as `seed-demo` leaves it
    for that module, without the seeders after it (which only refer back to it)."""
    from importlib import import_module

    from gonghui.core.demo import demo_seeders

    seeders = demo_seeders()
    ran = seeders[: seeders.index(last) + 1]
    for dotted in ran:
        module_path, func_name = dotted.rsplit(".", 1)
        getattr(import_module(module_path), func_name)(seed=seed)
    return ran


def seed_small_demo(*, members: int = 200) -> None:
    from gonghui.accounts.services import user_create
    from gonghui.assistance.archives.services import household_member_add
    from gonghui.assistance.archives.tests.factories import build_archive
    from gonghui.members.tests.factories import make_id_number
    from gonghui.orgs.models import Org, OrgLevel
    from gonghui.testing.fixtures import TEST_PASSWORD

    seed_demo(members=members)
    county = Org.objects.get(level=OrgLevel.COUNTY, code="339901")
    user_create(
        actor=None, username="phone_owner", password=TEST_PASSWORD, org=county, phone="13812345678"
    )
    grassroots = Org.objects.filter(path__startswith=county.path, level=OrgLevel.GRASSROOTS)[0]
    archive = build_archive(
        org=grassroots,
        disability_level="level2",
        disability_detail="二级肢体残疾，需长期康复",
        household_size=3,
    )
    household_member_add(
        actor=None,
        archive=archive,
        relation="child",
        name="小明",
        id_number=make_id_number(birth=datetime.date(2012, 3, 4), n=7777),
    )
    # Outreach: a caravan registration with an ID number and a works-contest entry with a phone
    # (the outreach demo seeds neither).
    from gonghui.outreach.caravans.tests.factories import build_stop, register
    from gonghui.outreach.contests.tests.factories import build_contest, submit

    stop = build_stop(org=grassroots)
    register(
        stop,
        consent=True,
        id_number=make_id_number(birth=datetime.date(1985, 6, 7), n=7778),
        phone="13912345678",
    )
    submit(build_contest(org=county), phone="13912345679")


def encrypted_values() -> dict[tuple[str, int, str], str]:
    """(model label, pk, field) → plaintext, for every non-empty encrypted value."""
    values = {}
    for spec in encrypted_models():
        names = [f.attname for f in spec.fields]
        for pk, *plain in spec.model._base_manager.values_list("pk", *names):
            for name, value in zip(names, plain, strict=True):
                if value:
                    values[(spec.label, pk, name)] = value
    return values


def every_encrypted_field_filled(values) -> list[str]:
    """The encrypted fields (label.field) that hold no value in `values`."""
    filled = {(label, name) for label, _, name in values}
    return [
        f"{spec.label}.{f.attname}"
        for spec in encrypted_models()
        for f in spec.fields
        if (spec.label, f.attname) not in filled
    ]


def raw_ciphertexts() -> dict[tuple[str, int, str], str]:
    """The same keys as encrypted_values, the stored ciphertext as value."""
    out = {}
    with connection.cursor() as cursor:
        for spec in encrypted_models():
            table = connection.ops.quote_name(spec.model._meta.db_table)
            pk = connection.ops.quote_name(spec.model._meta.pk.column)
            columns = [connection.ops.quote_name(f.column) for f in spec.fields]
            cursor.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table}")
            for pk_value, *stored in cursor.fetchall():
                for field, value in zip(spec.fields, stored, strict=True):
                    if value:
                        out[(spec.label, pk_value, field.attname)] = value
    return out


def stored_hashes() -> dict[tuple[str, int, str], str]:
    """(model label, pk, hash field) → stored keyed hash, for every non-empty one."""
    out = {}
    for model, field in hash_fields():
        for pk, value in model._base_manager.exclude(**{field.attname: ""}).values_list(
            "pk", field.attname
        ):
            out[(model._meta.label, pk, field.attname)] = value
    return out
