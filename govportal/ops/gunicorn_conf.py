"""gunicorn's configuration for ``govportal serve`` and the systemd unit (``deploy/systemd/``).

Forwarding headers (``X-Forwarded-Proto``, ``X-Forwarded-For``) count only when they come from the
configured proxy, ``GOVPORTAL_TRUSTED_PROXIES`` (nginx: ``127.0.0.1``); unset, nobody is trusted. gunicorn
binds TCP only: it trusts any Unix-socket peer unconditionally. ``SCRIPT_NAME`` and ``PATH_INFO`` are never
taken from a header, and any header whose name has an underscore is dropped.
"""

import os

forwarded_allow_ips = os.environ.get("GOVPORTAL_TRUSTED_PROXIES", "")
forwarder_headers = ""
header_map = "drop"
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60
graceful_timeout = 20
control_socket_disable = True
raw_env = ["GOVPORTAL_SERVE=1"]


def on_starting(server):
    """Load Django and the word-segmentation dictionary once, in the master: the workers forked from it
    share those pages, and the first search is not slow."""
    os.environ["GOVPORTAL_SERVE"] = "1"
    if os.environ.get("GOVPORTAL_WARM") == "0":
        return
    try:
        import django

        django.setup()
        from govportal.search.analysis import warm

        warm()
    except Exception:  # pragma: no cover - an optimisation only
        pass
