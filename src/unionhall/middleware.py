class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy: no inline script and nothing from
    other origins, so a sanitiser miss elsewhere cannot run script."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages about members must not linger in shared caches or the back button.
            response.setdefault("Cache-Control", "private, no-store")
        return response
