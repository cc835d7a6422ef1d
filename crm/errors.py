"""The one domain error type raised by services.

Views map it once: ``illegal_transition`` → HTTP 409, ``invalid`` → 400 with field errors,
``forbidden`` → 403; the admin and the portal show its message to the user.
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
