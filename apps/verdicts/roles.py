"""The newsroom's roles and what each may do. Read by the data migration that creates the groups
and by the services that enforce the rules."""

REVIEWERS = "Reviewers"
EDITORS = "Editors"

_READ_ALL = [
    "articles.view_article",
    "claims.view_claim",
    "sources.view_source",
    "sources.view_snapshot",
    "sources.view_citation",
    "verdicts.view_verdict",
    "verdicts.view_rating",
    "verdicts.view_verdicttransition",
]

REVIEWER_PERMISSIONS = [
    *_READ_ALL,
    "articles.add_article",
    "articles.change_article",
    "claims.change_claim",
    "sources.add_source",
    "sources.change_source",
    "sources.add_citation",
    "sources.change_citation",
    "sources.delete_citation",
    "verdicts.add_verdict",
    "verdicts.change_verdict",
]

EDITOR_PERMISSIONS = [
    *REVIEWER_PERMISSIONS,
    "claims.add_claim",
    "claims.delete_claim",
    "verdicts.approve_verdict",
    "verdicts.publish_verdict",
    "verdicts.add_rating",
    "verdicts.change_rating",
    "verdicts.delete_rating",
]

GROUP_PERMISSIONS = {REVIEWERS: REVIEWER_PERMISSIONS, EDITORS: EDITOR_PERMISSIONS}
