"""Admin login throttling and lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords
the right one is refused too, until the lockout expires or an admin resets it."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


def attempt(client: Client, username: str, password: str, *, address: str = "198.51.100.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def lock_out(client: Client, username: str, *, address: str = "198.51.100.7") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, username, "wrong-password", address=address)
    assert attempt(client, username, "wrong-password", address=address).status_code == 429


def test_the_right_password_works_before_any_failure(reviewer):
    client = Client()
    assert attempt(client, reviewer.username, "pw-rita").status_code == 302
    assert logged_in(client)


def test_after_the_limit_the_right_password_is_refused(reviewer):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, reviewer.username, "wrong").status_code == 200  # form error
    assert attempt(client, reviewer.username, "wrong").status_code == 429
    response = attempt(client, reviewer.username, "pw-rita")
    assert response.status_code == 429
    assert not logged_in(client)


def test_forty_wrong_passwords_then_the_right_one_is_refused(reviewer):
    client = Client()
    for _ in range(40):
        attempt(client, reviewer.username, "guess")
    assert attempt(client, reviewer.username, "pw-rita").status_code == 429
    assert not logged_in(client)
    # one record per user name and address, not one row per guess
    assert AccessAttempt.objects.count() == 1


def test_the_lock_holds_from_another_address_for_the_same_user(reviewer):
    lock_out(Client(), reviewer.username)
    client = Client()
    assert attempt(client, reviewer.username, "pw-rita", address="203.0.113.50").status_code == 429
    assert not logged_in(client)


def test_one_address_guessing_many_user_names_is_locked_out(reviewer, editor):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"nobody{n}", "guess")
    assert attempt(client, editor.username, "pw-eddie").status_code == 429
    other = Client()
    assert attempt(other, editor.username, "pw-eddie", address="192.0.2.99").status_code == 302


def test_lockout_ends_when_the_cool_off_time_has_passed(reviewer):
    lock_out(Client(), reviewer.username)
    past = datetime.timedelta(minutes=1) + settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - past)
    client = Client()
    assert attempt(client, reviewer.username, "pw-rita").status_code == 302
    assert logged_in(client)


def test_an_admin_resets_the_lockout(reviewer):
    lock_out(Client(), reviewer.username)
    call_command("axes_reset_username", reviewer.username)
    call_command("axes_reset_ip", "198.51.100.7")
    client = Client()
    assert attempt(client, reviewer.username, "pw-rita").status_code == 302
    assert logged_in(client)
