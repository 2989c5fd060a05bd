from auditlog.registry import auditlog

from kpis.models import KPI, Benchmark, ChangeOfProcess, Measurement, Target

auditlog.register(Measurement, exclude_fields=["updated_at", "period_key", "next_figure_key", "next_approved_key"])
auditlog.register(Target)
auditlog.register(KPI)
auditlog.register(ChangeOfProcess)
auditlog.register(Benchmark, exclude_fields=["imported_at"])  # its source, licence, date, group and who imported it
