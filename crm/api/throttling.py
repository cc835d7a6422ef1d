"""Per-user and per-client API rate limits.

DRF's throttles copy ``DEFAULT_THROTTLE_RATES`` onto the class when it is imported; these read the
current settings on every request instead, so a changed setting (an override in a test, a reload
in operations) takes effect without restarting.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _RatesFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    """A logged-in user's requests, counted per user (``user`` rate)."""


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    """Anonymous requests (the token endpoint, the schema), counted per client address (``anon`` rate).

    The address is REMOTE_ADDR unless ``NUM_PROXIES`` says how many trusted proxies add
    X-Forwarded-For, so a spoofed header does not buy a fresh allowance.
    """
