"""A claim's staff conversation as the admin pages show it: the claim page and the verdict page
render admin/claims/claim/conversation.html with this context. Staff only: nothing public reads
comments."""

from apps.claims.models import COMMENT_MAX_CHARS
from apps.claims.selectors import claim_comments


def conversation_context(request, *, claim_id: int) -> dict:
    user = request.user
    return {
        "claim_id": claim_id,
        "comments": list(claim_comments(claim_id=claim_id)),
        "may_comment": user.is_active and user.is_staff,
        "comment_back": request.get_full_path(),
        "comment_max": COMMENT_MAX_CHARS,
    }
