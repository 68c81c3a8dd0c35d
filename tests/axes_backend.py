"""Sign-in throttling stays on in the tests; Django's test client signs in without a request.

`Client.login()` (and Wagtail's `WagtailTestUtils.login`) calls `authenticate()` with no request,
which django-axes' backend refuses: there is no client address to count. This backend, named in
`cms.settings.test` in place of axes' own, lets such a sign-in through to the next backend and
watches every sign-in made through a request (the login pages) exactly as axes' backend does.
"""

from axes.backends import AxesStandaloneBackend


class AxesBackendAllowingTheTestClient(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
