"""The admin's verdict transition URL takes the verdict id from the path: a non-integer or
out-of-range id is a 404, not a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("object_id", ["abc", "1.5", "99999999999999999999999", "1/2", "٣"])
def test_non_integer_verdict_id_in_the_transition_url_is_404(client, editor, object_id):
    client.force_login(editor)
    response = client.post(f"/admin/verdicts/verdict/{object_id}/transition/approve/", {})
    assert response.status_code == 404
