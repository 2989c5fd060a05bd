"""A preview's plan, signed into its confirm form so that nothing is kept on the server between the
two steps. One rule for both imports (a return workbook, the onboarding workbook): the token is the
uploader's own, lasts an hour, and anything else is refused with a message that says to upload again."""
from django.core import signing

from reporting.workbooks.safety import ImportRefused, Problem

MAX_AGE = 60 * 60  # a preview may be confirmed within an hour
NOT_CONFIRMED = "The preview could not be confirmed: upload the workbook again."
TOO_OLD = "The preview is more than an hour old: upload the workbook again."


def sign(data, *, user, salt):
    """`data` (a dict) and the uploader, as a signed, compressed token."""
    return signing.dumps({"user": user.pk, **data}, salt=salt, compress=True)


def unsign(token, *, user, salt, expect):
    """The dict back from its token, or ImportRefused when it is forged, someone else's, over an hour
    old, or lacks a key of `expect` ({key: type}) of its type."""
    try:
        data = signing.loads(token, salt=salt, max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ImportRefused([Problem(TOO_OLD)]) from exc
    except signing.BadSignature as exc:
        raise ImportRefused([Problem(NOT_CONFIRMED)]) from exc
    if not isinstance(data, dict) or data.get("user") != user.pk or not all(
            isinstance(data.get(key), kind) for key, kind in expect.items()):
        raise ImportRefused([Problem(NOT_CONFIRMED)])
    return data
