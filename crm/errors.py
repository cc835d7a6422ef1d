"""The one domain error type raised by services.

Views map it once: ``illegal_transition`` → HTTP 409, ``invalid`` → 400 with field errors,
``forbidden`` → 403; the admin and the portal show its message to the user — as a page message, or with
``add_to_form`` next to the field it names (their helpers: ``crm.admin.common.show_refusal`` and
``crm.portal.access.show_refusal``).
"""


class DomainError(Exception):
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID = "invalid"
    FORBIDDEN = "forbidden"

    def __init__(self, message, *, code=INVALID, field=None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    @classmethod
    def from_validation_error(cls, error):
        """Wrap a Django ``ValidationError`` raised by ``full_clean`` so callers handle one error type."""
        exc = cls("; ".join(error.messages))
        exc.errors = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        return exc

    def as_dict(self):
        if getattr(self, "errors", None):
            return self.errors
        if self.field:
            return {self.field: [str(self.message)]}
        return {"detail": str(self.message)}

    def add_to_form(self, *forms, rename=None) -> None:
        """Show the error on HTML forms where the API names it: each message next to its field, on the first of
        ``forms`` that has that field (``rename`` maps a service's name to the form's, e.g. ``file`` →
        ``attachments``), else above the first form."""
        errors = getattr(self, "errors", None) or {self.field: [str(self.message)]}
        forms = [form for form in forms if form is not None]
        for name, messages in errors.items():
            name = (rename or {}).get(name, name)
            target = next((form for form in forms if name in form.fields), forms[0])
            target.add_error(name if name in target.fields else None, messages)
