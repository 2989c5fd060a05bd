from auditlog.registry import auditlog

from objectives.models import Action, ComparatorGroup, Council, Milestone, ReportingPeriod, StrategicObjective, Strategy, SubStrand

auditlog.register(Council)
auditlog.register(Strategy)
auditlog.register(StrategicObjective)
auditlog.register(ReportingPeriod)
auditlog.register(SubStrand, m2m_fields={"editors"})
auditlog.register(Action)
auditlog.register(Milestone)
auditlog.register(ComparatorGroup, m2m_fields={"members"})  # who changed a comparator group, and its councils
