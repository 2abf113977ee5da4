"""`{% inbox_for request.user as inbox %}`: the admin index's inbox (see selectors.inbox_for)."""

from django import template

from apps.verdicts.selectors import inbox_for as inbox_select

register = template.Library()


@register.simple_tag
def inbox_for(user):
    return inbox_select(user=user)
