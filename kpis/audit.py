from auditlog.registry import auditlog

from kpis.models import KPI, Measurement, Target

auditlog.register(Measurement, exclude_fields=["updated_at"])
auditlog.register(Target)
auditlog.register(KPI)
