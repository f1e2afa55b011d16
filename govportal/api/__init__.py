"""The open API (开放接口): a read-only JSON API of the platform's public data for provincial platforms
(inspection, search, data sharing), at ``/api/v1/`` with its OpenAPI document at ``/api/v1/openapi.json``.

- ``models.ApiConsumer``: one per consumer (调用单位), its token stored as a SHA-256 hash, its scope (every
  site or a list of sites) and its own rate limit; issued in the back office (开放接口令牌) or with
  ``govportal api-token create NAME``.
- ``tokens``: issuing, checking and counting tokens; ``cursors``: opaque (date, id) cursors.
- ``data``: what the API reads, only live public pages (the search index's entries), published letters and
  the statistics already shown on the public site.
- ``api``: the django-ninja endpoints and their schemas.
"""
