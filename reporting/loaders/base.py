"""The loader's plumbing: where a problem is, and values read and checked (see reporting.loaders)."""
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message says where and why."""


class Loading:
    """What every part of the loader uses: failing with the file and the entry, counting, reading
    and checking values, saving with the model's own checks."""

    def __init__(self, path):
        self.path = path
        self.counts = {}

    def fail(self, where, message):
        raise FixtureError(f"{self.path.name}: {where}: {message}")

    def count(self, name, created):
        key = f"{name} {'created' if created else 'updated'}"
        self.counts[key] = self.counts.get(key, 0) + 1

    def require(self, data, key, where):
        if not isinstance(data, dict):
            self.fail(where, "expected a mapping of fields")
        if data.get(key) in (None, ""):
            self.fail(where, f"'{key}' is required")
        return data[key]

    def date(self, value, where, field):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(where, f"'{field}' is not a date (YYYY-MM-DD): {value!r}")

    def decimal(self, value, where, field):
        if value in (None, ""):
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"'{field}' is not a number: {value!r}")

    def months(self, value, where, field, maximum=36):
        """A whole number of months from 0 to `maximum` (0 when not given)."""
        if value in (None, ""):
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            self.fail(where, f"'{field}' must be a whole number of months from 0 to {maximum}: {value!r}")
        return value

    def choice(self, value, choices, where, field, default=""):
        if value in (None, ""):
            return default
        valid = [c for c, _ in choices]
        if value not in valid:
            self.fail(where, f"'{field}' is {value!r}; it must be one of {', '.join(repr(v) for v in valid)}")
        return value

    def save(self, obj, where):
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            self.fail(where, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
        obj.save()
        return obj

    def lookup(self, model, where, what, **kwargs):
        try:
            return model.objects.get(**kwargs)
        except model.DoesNotExist:
            key = ", ".join(f"{v}" for v in kwargs.values())
            self.fail(where, f"{what} {key!r} does not exist (define it first, or check the spelling)")
