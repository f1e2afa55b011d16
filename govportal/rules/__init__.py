"""What the regulations say, as plain Python (no Django).

- :mod:`govportal.rules.workdays` — China's working-day calendar (holidays, make-up days,
  administrator-entered years, Monday–Friday fallback that says so);
- :mod:`govportal.rules.frequency` — update-frequency phrases ("每周至少1条", "6个月内",
  "文件印发后5个工作日内", …) and period arithmetic;
- :mod:`govportal.rules.profile` — loading and validating a locality's policy profile
  (``govportal/profiles/<code>/profile.toml`` and ``columns.tsv``).
"""
