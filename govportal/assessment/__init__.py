"""Assessment (绩效考核): scores from the profile's ``[assessment]`` table, notices of results (通报),
rankings, 酉阳's monthly ledger, 钦州's notices of criticism and responsibility letters (责任书).

The arithmetic is ``govportal.rules.assessment`` (pure Python); this app collects the facts
(``facts.py``), stores every score line with the source that made it (``models.ScoreLine``), lets an
administrator adjust with a recorded reason (``models.Adjustment``), and writes the documents through
``govportal.documents``.
"""
