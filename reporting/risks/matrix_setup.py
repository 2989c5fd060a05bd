"""The council's risk matrix made with the council, never by a page that reads it.

`RiskMatrix.for_council` makes the default 5 x 5 the first time it is asked for. Asked first by a
page, a download or an import, that made a write (fifteen rows, each audited) inside a read: an
export followed by an import then found the history longer than the import had made it. The
matrix is made when the council is saved for the first time instead (and, for a council saved
before the risk register existed, by the migration that follows it), so every read finds it."""
from django.db.models.signals import post_save
from django.dispatch import receiver

from objectives.models import Council


@receiver(post_save, sender=Council, dispatch_uid="risk_matrix_with_the_council")
def make_the_councils_matrix(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from reporting.models import RiskMatrix

        RiskMatrix.for_council(instance)
