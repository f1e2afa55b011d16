"""Site security that is not one app's business: response headers and the Content Security Policy
(``middleware``), which networks may reach the back office (``networks``), what an upload may be
(``uploads``, ``clamav``) and how uploaded media are served (``media``).

Not a Django app: no models, no migrations. The libraries the field trusts do the work where they exist
(Django's SecurityMiddleware, django-csp, ``filetype``); what is our own says why in its docstring.
"""
