from auditlog.registry import auditlog

from reporting.models import ActionUpdate, Briefing, FigureBreakdownItem, OutputFigure, PlanUpdate, QuarterlyReturn

auditlog.register(QuarterlyReturn, exclude_fields=["updated_at"])
auditlog.register(ActionUpdate, exclude_fields=["updated_at"])
auditlog.register(OutputFigure)
auditlog.register(FigureBreakdownItem)
auditlog.register(Briefing, exclude_fields=["updated_at"])
auditlog.register(PlanUpdate)
