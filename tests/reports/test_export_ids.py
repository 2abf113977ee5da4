"""The staff export form reads ids typed by hand: anything but ASCII numbers that fit the id
column is a form error, never a database error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "ids", ["99999999999999999999999", "9223372036854775808", "1,²", "١٢", "0", "-1", "1e400"]
)
def test_out_of_range_or_odd_ids_are_a_form_error(client, reviewer, newsroom, ids):
    client.force_login(reviewer)
    response = client.get(reverse("report_export"), {"ids": ids, "format": "csv"})
    assert response.status_code == 400
    assert "ids must be numbers separated by commas" in response.content.decode()
    page = client.get(reverse("report_export"), {"ids": ids})
    assert page.status_code == 200
