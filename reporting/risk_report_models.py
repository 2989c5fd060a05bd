"""The risk register report's cover, one per strategy's reporting period (part of reporting.models,
in a file of its own): what the Economy Cell writes on the committee paper, and whether the paper
includes the exempt risks (and so is not for publication)."""
from django.conf import settings
from django.db import models


class RiskReport(models.Model):
    """The cover of a period's risk register report for the Audit / Governance committee. The body
    (the heat map, the register, each risk's detail) comes from the approved reviews
    (reporting.risks.report)."""

    period = models.OneToOneField("objectives.ReportingPeriod", on_delete=models.CASCADE, related_name="risk_report")
    title = models.CharField(max_length=300, blank=True, help_text="Left blank: “Risk register report – <period>”.")
    committee = models.CharField("report to", max_length=200, blank=True,
                                 help_text="The committee the paper goes to, e.g. Audit and Governance Committee.")
    meeting_date = models.DateField("date of meeting", null=True, blank=True)
    summary = models.TextField(blank=True)
    recommendations = models.TextField("recommendation(s)", blank=True)
    contact_officer = models.CharField(max_length=200, blank=True)
    contact_telephone = models.CharField("telephone number", max_length=50, blank=True)
    contact_email = models.EmailField("email address", blank=True)
    include_exempt = models.BooleanField(
        "include exempt risks (not for publication)", default=False,
        help_text="Exempt risks are left out of the report unless this is ticked; the paper then says on its cover "
        "that it is not for publication.")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    def __str__(self):
        return self.title or f"Risk register report – {self.period}"
