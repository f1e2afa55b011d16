"""The back-office notices (待办提醒): one model, one ``notify()``, one list page.

Every app that tells a person something (a review stage waiting, a letter due soon, an emergency deadline,
an outage) calls :func:`govportal.notices.notifications.notify`. Sits in the accounts layer: it knows users
and nothing of publishing, interaction or the portal; what a notice is about is a generic link (``about``).
"""
