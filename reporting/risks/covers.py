"""Writes to the risk register report's cover: the Economy Cell saves it (those who manage the risk
register: reporting.access `manage_risks`), refused when someone else saved it since the form was
opened; its paper kept again once the save has committed (reporting.risks.papers)."""
from django.db import IntegrityError, transaction

from reporting.access import require
from reporting.models import RiskReport
from reporting.risks import papers

COVER_FIELDS = ["title", "committee", "meeting_date", "summary", "recommendations", "contact_officer",
                "contact_telephone", "contact_email", "include_exempt"]


class StaleCover(Exception):
    """Someone else saved the cover since this form was opened."""


def save_cover(*, period, by, version, **fields):
    """Save the period's risk report cover (a new one at version 0). Raises StaleCover, or
    PermissionDenied for someone who does not manage the risk register."""
    require(by, "manage_risks", period.strategy)
    unknown = set(fields) - set(COVER_FIELDS)
    if unknown:
        raise ValueError(f"Unknown cover fields: {', '.join(sorted(unknown))}")
    try:
        with transaction.atomic():
            cover = RiskReport.objects.select_for_update().filter(period=period).first()
            if cover is None:
                cover = RiskReport(period=period, version=0)
            if version != cover.version:
                raise StaleCover("Someone else saved this cover since you opened it. Open it again and re-enter "
                                 "your changes.")
            for name, value in fields.items():
                setattr(cover, name, value.strip() if isinstance(value, str) else value)
            cover.version += 1
            cover.updated_by = by
            cover.save()
            papers.keep_when_changed(period)
            return cover
    except IntegrityError as exc:  # two people saved the period's first cover at once
        raise StaleCover("Someone else saved this cover at the same moment. Open it again and re-enter your "
                         "changes.") from exc
