"""Error reports to Sentry (or a compatible service, e.g. a self-hosted GlitchTip), switched on by ``SENTRY_DSN``.

No personal data leaves: ``send_default_pii=False`` (no cookies, no user's address or name, no request body),
and ``before_send`` masks passport and phone numbers in every string of the event as the logs do
(config.logs.scrub) — exception messages and local variables included.
"""

from config.logs import current_request_id, scrub


def _scrubbed(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


def before_send(event, hint):
    """Every string of the event masked; the request id added as a tag, to find the matching log lines."""
    event = _scrubbed(event)
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def sentry_init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> bool:
    """Start the Sentry client when a DSN is given; without one nothing is imported and nothing is sent."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        before_send=before_send,
        before_send_transaction=before_send,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    return True
