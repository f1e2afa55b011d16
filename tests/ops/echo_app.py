"""A WSGI application that answers what it was given (for the header-spoofing and slow-client tests of the
shipped gunicorn config and nginx front)."""

import json


def app(environ, start_response):
    body = environ["wsgi.input"].read()  # a slow body holds this thread -- unless nginx buffered it first
    seen = {k: v for k, v in environ.items() if isinstance(v, str) and (k.isupper())}
    seen["wsgi.url_scheme"] = environ["wsgi.url_scheme"]
    seen["body_length"] = len(body)
    data = json.dumps(seen).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
