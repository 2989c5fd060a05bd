"""Each area of the reporting app keeps its own URL module; they are joined here."""
from reporting.urls import overview
from reporting.urls import exports

urlpatterns = [*overview.urlpatterns]
urlpatterns += exports.urlpatterns
from reporting.urls import plans  # noqa: E402

urlpatterns += plans.urlpatterns
from reporting.urls import returns  # noqa: E402

urlpatterns += returns.urlpatterns
from reporting.urls import briefing, dashboard  # noqa: E402

urlpatterns += dashboard.urlpatterns + briefing.urlpatterns
