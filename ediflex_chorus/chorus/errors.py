"""Chorus Pro errors: one small hierarchy, transient (retry later) versus needs-a-human.

Every error keeps Chorus Pro's own code (``codeRetour``, or an HTTP-derived value) and label
(``libelle``, or a short text). Messages never hold request headers, tokens or passwords: the
client only hands over the operation, the HTTP status, the code and a scrubbed label.
"""

MAX_LABEL_LENGTH = 300


class ChorusError(Exception):
    """Any failure of a Chorus Pro call."""

    retryable = False
    kind = "error"

    def __init__(self, label=None, code=None, http_status=None, operation=None):
        self.code = code
        self.label = _short(label)
        self.http_status = http_status
        self.operation = operation
        super().__init__(self._sentence())

    def _sentence(self):
        """A readable English sentence with the operation, HTTP status, code and label."""
        where = f" on {self.operation}" if self.operation else ""
        status = f" (HTTP {self.http_status})" if self.http_status is not None else ""
        details = []
        if self.code is not None:
            details.append(f"code {self.code}")
        if self.label:
            details.append(self.label)
        text = ": " + ", ".join(details) if details else ""
        return f"Chorus Pro {self.kind}{where}{status}{text}."

    def __str__(self):
        return self._sentence()

    def __repr__(self):
        return (f"{type(self).__name__}(code={self.code!r}, label={self.label!r}, "
                f"http_status={self.http_status!r}, operation={self.operation!r})")

    def __reduce__(self):
        return (type(self), (self.label, self.code, self.http_status, self.operation))


class ChorusTransientError(ChorusError):
    """A failure that may pass by itself: retry later, automatically."""

    retryable = True
    kind = "temporary error"


class ChorusNetworkError(ChorusTransientError):
    """Connection refused or reset, or no answer before the timeout."""

    kind = "network error"


class ChorusServerError(ChorusTransientError):
    """HTTP 5xx or 429 (rate limit)."""

    kind = "server error"


class ChorusProtocolError(ChorusTransientError):
    """An answer whose body is not the expected JSON."""

    kind = "unexpected answer"


class ChorusHumanError(ChorusError):
    """A failure that a human must fix before any new attempt."""

    retryable = False
    kind = "error"


class ChorusAuthError(ChorusHumanError):
    """PISTE refused the client credentials, or Chorus Pro refused the token or the technical account."""

    kind = "authentication error"


class ChorusRouteError(ChorusHumanError):
    """HTTP 403/404: the API is not subscribed on PISTE or the route is unknown."""

    kind = "route error"


class ChorusBusinessError(ChorusHumanError):
    """Chorus Pro answered with codeRetour != 0 (on HTTP 200 or 400)."""

    kind = "business error"


def _short(label):
    """The label as one line of at most MAX_LABEL_LENGTH characters (None stays None)."""
    if label is None:
        return None
    text = " ".join(str(label).split())
    if len(text) > MAX_LABEL_LENGTH:
        text = text[: MAX_LABEL_LENGTH - 3] + "..."
    return text
