"""Concurrent failed logins on PostgreSQL: every failure is counted, the lock is set once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from quntuan.accounts.models import LoginFailure
from quntuan.accounts.services import login_failed
from quntuan.core.testing import make_resident

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def run_together(fn, n):
    barrier = threading.Barrier(n)
    errors = []

    def worker():
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_concurrent_failures_are_all_counted():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    user = make_resident(mobile="13300001111")
    now = timezone.now()
    run_together(lambda: login_failed(login="13300001111", address="10.3.3.3", now=now), THREADS)
    account = LoginFailure.objects.get(scope="account", key=f"user:{user.pk}")
    address = LoginFailure.objects.get(scope="address", key="10.3.3.3")
    assert (account.failures, address.failures) == (THREADS, THREADS)
    assert account.locked_until == now + timedelta(minutes=30)
    assert address.locked_until == now + timedelta(minutes=30)
