"""When each scheduled job last ran (send_reminders, from cron once a day): one row a job, written
at its start and end, read by the readiness check (reporting/ops/health.py) so that the service
desk sees a job that stopped running."""
import contextlib

from django.db import models
from django.utils import timezone


class ScheduledRun(models.Model):
    """The last run of a scheduled job: when it started, when it finished, and whether it succeeded."""

    job = models.CharField(max_length=50, unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(null=True, help_text="Empty while it runs (or when it stopped without finishing).")

    class Meta:
        verbose_name = "scheduled job's last run"
        verbose_name_plural = "scheduled jobs' last runs"

    def __str__(self):
        return f"{self.job} at {self.started_at:%Y-%m-%d %H:%M}"


@contextlib.contextmanager
def recorded_run(job):
    """Record a run of `job` around the block: started now; finished, and whether it raised."""
    ScheduledRun.objects.update_or_create(job=job, defaults={"started_at": timezone.now(), "finished_at": None,
                                                             "succeeded": None})
    succeeded = False
    try:
        yield
        succeeded = True
    finally:
        ScheduledRun.objects.filter(job=job).update(finished_at=timezone.now(), succeeded=succeeded)


def last_run(job):
    """The job's last run (a ScheduledRun), or None if it has never run."""
    return ScheduledRun.objects.filter(job=job).first()
