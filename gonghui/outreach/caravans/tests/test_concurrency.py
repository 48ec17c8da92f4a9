"""Concurrent registrations never exceed a quota (PostgreSQL: real row locks, real threads)."""

import threading

import pytest
from django.db import connection

from gonghui.outreach.caravans import services
from gonghui.outreach.caravans.models import OnSiteRegistration, RegistrationChannel
from gonghui.outreach.caravans.tests.factories import build_stop, offer_of, register
from gonghui.testing.fixtures import make_tree

THREADS = 24
LAST_PLACES = 5


def _register_all(stop, names, *, cancel=None):
    """Register every name from its own thread, all released at once; returns errors."""
    barrier = threading.Barrier(len(names) + (1 if cancel else 0))
    errors: list[str] = []
    offer = offer_of(stop)

    def one(name):
        try:
            barrier.wait(timeout=30)
            services.registration_create(
                actor=None, stop=stop, offer=offer, channel=RegistrationChannel.PORTAL, name=name
            )
        except Exception as exc:  # noqa: BLE001 - every failure is reported by the test
            errors.append(repr(exc))
        finally:
            connection.close()

    def cancelling():
        try:
            barrier.wait(timeout=30)
            services.registration_cancel(actor=None, registration=cancel, reason="让出名额")
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in names]
    if cancel is not None:
        threads.append(threading.Thread(target=cancelling))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_for_the_last_places_never_exceed_the_quota():
    # Given a stop whose job-aid quota of 20 has 5 places left
    tree = make_tree()
    stop = build_stop(org=tree.a1, quotas={"job_aid": 20})
    for i in range(20 - LAST_PLACES):
        register(stop, name=f"先到{i}")
    # When 24 workers register at the same moment
    errors = _register_all(stop, [f"同时{i}" for i in range(THREADS)])
    # Then exactly the 5 places are confirmed, the other 19 wait in arrival order
    assert errors == []
    rows = list(
        OnSiteRegistration.objects.filter(stop=stop)
        .order_by("arrival")
        .values_list("arrival", "status")
    )
    assert [a for a, _ in rows] == list(range(1, 20 - LAST_PLACES + THREADS + 1))
    assert [s for _, s in rows] == ["confirmed"] * 20 + ["waitlisted"] * (THREADS - LAST_PLACES)
    offer = offer_of(stop)
    assert (offer.confirmed, offer.waiting, offer.arrivals) == (20, THREADS - LAST_PLACES, 39)


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_cancellation_racing_new_registrations_gives_its_place_to_the_earliest_waiting():
    tree = make_tree()
    stop = build_stop(org=tree.a1, quotas={"job_aid": 3})
    first = register(stop, name="甲")
    register(stop, name="乙")
    register(stop, name="丙")
    waiting = register(stop, name="丁")  # first in line
    errors = _register_all(stop, [f"后来{i}" for i in range(10)], cancel=first)
    assert errors == []
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    live = OnSiteRegistration.objects.filter(stop=stop).exclude(status="cancelled")
    assert live.filter(status="confirmed").count() == 3
    queue = list(
        live.filter(status="waitlisted").order_by("arrival").values_list("arrival", flat=True)
    )
    assert queue == sorted(queue) and len(queue) == 10
    offer = offer_of(stop)
    assert (offer.confirmed, offer.waiting) == (3, 10)
