from auditlog.registry import auditlog

from reporting.models import ActionUpdate, Briefing, FigureBreakdownItem, OutputFigure, PlanUpdate, QuarterlyReturn

auditlog.register(QuarterlyReturn, exclude_fields=["updated_at"])
auditlog.register(ActionUpdate, exclude_fields=["updated_at"])
auditlog.register(OutputFigure)
auditlog.register(FigureBreakdownItem)
auditlog.register(Briefing, exclude_fields=["updated_at"])
auditlog.register(PlanUpdate)
# The risk register: a risk's entry, its actions, and each review (every saved score kept).
from reporting.models import (  # noqa: E402
    Risk, RiskAction, RiskBand, RiskCategory, RiskLevel, RiskMatrix, RiskReview,
)

auditlog.register(Risk, exclude_fields=["updated_at"], m2m_fields={"kpis"})
auditlog.register(RiskAction)
auditlog.register(RiskReview, exclude_fields=["updated_at"])
# The council's matrix as configured in the admin: who changed a level's words, a band or the appetite.
auditlog.register(RiskMatrix)
auditlog.register(RiskLevel)
auditlog.register(RiskBand)
auditlog.register(RiskCategory)
