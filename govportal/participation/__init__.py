"""Participation (公众参与): surveys, consultations on drafts, online interviews and citizens' visits.

See README.md next to this file.
"""
