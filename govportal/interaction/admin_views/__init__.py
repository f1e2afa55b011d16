"""Back-office views: the centre's and a unit's work-order lists, a letter with its actions (``letters``),
statistics, FAQs, the personal-data access log, error reports (``errors``) and disclosure requests
(``disclosures``); ``common`` holds what they share.

Every view checks the role itself (``permissions``); the menu only shows what a role may use.
"""
