"""What every response to a signed-in person carries: `Cache-Control: private`, so that no shared
cache (a proxy, a CDN) keeps a page, a CSV, a workbook or a Word document made for one person and
hands it to another. (Static files are served before this, by whitenoise, and stay cacheable.)"""
from django.utils.cache import patch_cache_control


def private_to_the_signed_in(get_response):
    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
        return response

    return middleware


def council_read_once(get_response):
    """The council and its words are read once a request, whatever asks for them (objectives.council)."""
    from objectives.council import remembered

    def middleware(request):
        with remembered():
            return get_response(request)

    return middleware


def proxy_noted(get_response):
    """Notes a request that came through a proxy while TRUSTED_PROXY_COUNT is 0, for the admin's home
    page and check --deploy to warn of (objectives.signin.note_proxy)."""
    from objectives.signin import note_proxy

    def middleware(request):
        note_proxy(request)
        return get_response(request)

    return middleware
