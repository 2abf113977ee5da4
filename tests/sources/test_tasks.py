"""The fetch task's database connection between tasks: no health-check round trip per capture,
and a connection that died between tasks costs a retry, never a capture."""

import psycopg
import pytest
from celery.signals import task_prerun
from django.db import InterfaceError, OperationalError, connection

from apps.sources import services, tasks
from apps.sources.models import Snapshot
from tests.factories import SourceFactory


def task_starts(task) -> None:
    """What a worker does before running a task (the task_prerun handlers)."""
    task_prerun.send(sender=task, task_id="test", task=task, args=(), kwargs={})


def statements_on_the_wire(run) -> int:
    """Statements psycopg sends while run() runs, Django's own health check included (it
    bypasses the query log and execute wrappers)."""
    sent = []
    cursor_class = connection.connection.cursor_factory

    class Counting(cursor_class):
        def execute(self, query, *args, **kwargs):
            sent.append(query)
            return super().execute(query, *args, **kwargs)

    connection.connection.cursor_factory = Counting
    try:
        run()
    finally:
        connection.connection.cursor_factory = cursor_class
    return len(sent)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", ["/html/wire", "/news/wire"])
def test_a_capture_sends_two_statements_in_a_worker(page, localweb_allowed):
    """Between tasks the worker applies Django's connection rules, but the fetch task's claim
    stands in for CONN_HEALTH_CHECKS's `SELECT 1`: the claim and the outcome, at any page size.
    Another task keeps the health check."""
    source = SourceFactory(url=localweb_allowed.url(page), title="")
    snapshot = services.snapshot_request(source=source, enqueue=False)
    connection.ensure_connection()

    def capture():
        task_starts(tasks.snapshot_fetch)
        tasks.snapshot_fetch.run(snapshot.pk)

    assert statements_on_the_wire(capture) == 2
    assert Snapshot.objects.get(pk=snapshot.pk).state == "archived"

    def extraction():
        task_starts(tasks.snapshot_extract_text)
        tasks.snapshot_extract_text.run(snapshot.pk)

    assert statements_on_the_wire(extraction) > statements_on_the_wire(
        lambda: tasks.snapshot_extract_text.run(snapshot.pk)
    ), "the health check still runs for other tasks"


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_died_between_tasks_costs_a_retry_not_the_capture(localweb_allowed):
    source = SourceFactory(url=localweb_allowed.url("/html/dead-connection"))
    snapshot = services.snapshot_request(source=source, enqueue=False)
    connection.ensure_connection()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])

    task_starts(tasks.snapshot_fetch)
    with pytest.raises((OperationalError, InterfaceError)):  # a worker retries the task
        tasks.snapshot_fetch.run(snapshot.pk)
    task_starts(tasks.snapshot_fetch)  # the next task drops the errored connection
    assert Snapshot.objects.get(pk=snapshot.pk).state == "queued", "nothing was claimed"
    tasks.snapshot_fetch.run(snapshot.pk)
    assert Snapshot.objects.get(pk=snapshot.pk).state == "archived"
