from django.urls import path

from reporting.workbooks import onboarding_views as onboarding
from reporting.workbooks import risk_views as risks
from reporting.workbooks import views as exports

urlpatterns = [
    path("workbooks/", exports.index, name="exports"),
    path("workbooks/onboarding/", onboarding.onboarding, name="onboarding"),
    path("workbooks/onboarding/strategy.xlsx", onboarding.onboarding_xlsx, name="onboarding-xlsx"),
    path("workbooks/onboarding/confirm/", onboarding.onboarding_confirm, name="onboarding-confirm"),
    path("workbooks/risks/<slug:strategy>/register.xlsx", risks.register_xlsx, name="risk-register-xlsx"),
    path("workbooks/risks/<slug:strategy>/import/", risks.import_register, name="risk-register-import"),
    path("workbooks/risks/<slug:strategy>/import/confirm/", risks.import_register_confirm, name="risk-register-import-confirm"),
    path("periods/<slug:period_slug>/briefing.xlsx", exports.briefing_xlsx, name="briefing-xlsx"),
    path("periods/<slug:period_slug>/briefing.docx", exports.briefing_docx, name="briefing-docx"),
    path("periods/<slug:period_slug>/briefing.pdf", exports.briefing_pdf, name="briefing-pdf"),
    path("periods/<slug:period_slug>/return-template.xlsx", exports.return_template, name="return-template"),
    path("periods/<slug:period_slug>/import/", exports.import_returns, name="import-returns"),
    path("periods/<slug:period_slug>/import/confirm/", exports.import_returns_confirm, name="import-returns-confirm"),
]
