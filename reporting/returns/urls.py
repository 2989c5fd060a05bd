"""Quarterly returns: My returns, the return page and its workflow, the review queue, the calendar."""
from django.urls import path

from reporting.returns import views as returns

RETURN = "periods/<slug:period_slug>/returns/<slug:sub_strand_slug>/"

urlpatterns = [
    path("my-returns/", returns.my_returns, name="my-returns"),
    path(RETURN, returns.return_page, name="return"),
    path(RETURN + "rating/", returns.live_rating, name="return-rating"),
    path(RETURN + "approve/", returns.approve, name="return-approve"),
    path(RETURN + "send-back/", returns.send_back, name="return-send-back"),
    path(RETURN + "reopen/", returns.reopen, name="return-reopen"),
    path(RETURN + "remind/", returns.remind, name="return-remind"),
    path("review/", returns.review_queue, name="review-queue"),
    path("review/approve/", returns.approve_selected, name="review-approve"),
    path("calendar/", returns.period_calendar, name="period-calendar"),
    path("periods/<slug:period_slug>/open/", returns.open_period, name="period-open"),
    path("periods/<slug:period_slug>/close/", returns.close_period, name="period-close"),
    path("periods/<slug:period_slug>/remind/", returns.remind_everyone, name="period-remind"),
]
