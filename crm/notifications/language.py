"""The language of the messages the engine writes: reminder subjects and bodies, immediate events.

The texts go through gettext, so that activating English renders English. A user has no language of their own yet,
so a delivered message is always written in the product's default language (``settings.LANGUAGE_CODE``, Chinese) —
not in the language of whoever happened to trigger it (an officer browsing in English who moves a project).
When users get a language, this is the one place to choose the recipient's instead.
"""

import functools

from django.conf import settings
from django.utils import translation


def in_delivery_language(func):
    """Run ``func`` (which writes notifications) with the delivery language active."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper
