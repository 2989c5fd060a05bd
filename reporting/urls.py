"""Each domain of the reporting app keeps its own URL module; they are joined here."""
from django.urls import include, path

from reporting.benchmarks import urls as benchmarks
from reporting.briefings import urls as briefings
from reporting.dashboard import urls as dashboard
from reporting.legal import urls as legal
from reporting.overview import urls as overview
from reporting.plans import urls as plans
from reporting.public import urls as public
from reporting.returns import urls as returns
from reporting.risk_register import urls as risk_register
from reporting.risks import urls as risks
from reporting.risks import report_urls as risk_reports
from reporting.variation import urls as variation
from reporting.workbooks import urls as workbooks
from reporting.years import urls as years

urlpatterns = [
    *overview.urlpatterns,
    *workbooks.urlpatterns,
    *plans.urlpatterns,
    *returns.urlpatterns,
    *dashboard.urlpatterns,
    *variation.urlpatterns,
    *briefings.urlpatterns,
    *public.urlpatterns,
    *legal.urlpatterns,
    *years.urlpatterns,
    path("risks/", include(risks)),  # before the register's: "<strategy>/raise/" is not a risk
    path("risks/", include(risk_register)),
    *benchmarks.urlpatterns,
    *risk_reports.urlpatterns,
]
