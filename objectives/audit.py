from auditlog.registry import auditlog

from objectives.models import Action, Milestone, ReportingPeriod, SubStrand

auditlog.register(ReportingPeriod)
auditlog.register(SubStrand, m2m_fields={"editors"})
auditlog.register(Action)
auditlog.register(Milestone)
