"""Policy profiles (地方政策配置): loading and validating ``govportal/profiles/<code>/``.

The format is specified in ``govportal/profiles/README.md``. A profile is two files:

- ``profile.toml`` — the locality, its units, the group phrases of the column table, the
  ``[frequency] timely`` gap, and further sections (letters, review, scoring, …) that later code
  reads from :attr:`Profile.sections`;
- ``columns.tsv`` — the column responsibility table, parsed by :func:`parse_column_rows`, the one
  parser also used for an uploaded ``.xlsx`` sheet with the same header.

Everything is validated; every problem found is collected, and :class:`ProfileError` carries them
all (file, row, field and a Chinese message), so an administrator can fix a table in one pass.

Responsible units (保障单位): the cell is split on 、 ， , ； ; ; from every part the words 牵头
(marks the lead unit), 等责任单位 / 等单位 / 等部门 / 等, 配合 / 协助 / 负责 are removed; the rest
must be a unit's full name, one of its aliases, or a phrase of ``[groups]`` — in that order.
Adjacent parts are first tried joined, so a name that itself contains a separator
("各县、区人民政府") can be declared as an alias or a group phrase.

``[groups]`` values are unit kinds (as the README says); a unit code is accepted too, for phrases
that stand for a fixed list of units.

The package's parts: :mod:`.locate` (where profiles are), :mod:`.problems` (:class:`Problem`,
:class:`ProfileError`), :mod:`.specs` (:class:`UnitSpec`, :class:`ColumnSpec`), :mod:`.units` (the
responsible-unit resolver), :mod:`.columns_table` (the column table) and :mod:`.loader` (:class:`Profile`,
``profile.toml``). Import from ``govportal.rules.profile`` itself: this module is the one public entry.
"""

from .columns_table import COLUMN_FIELDS, column_rows, parse_column_rows, read_columns_tsv, write_columns_tsv
from .loader import Profile, load_profile, profile_section
from .locate import (
    COLUMNS_FILE,
    PROFILE_FILE,
    PROFILES_DIR,
    available_profiles,
    installed_profiles_dir,
    profile_dir,
)
from .problems import Problem, ProfileError
from .specs import LOCALITY_LEVELS, SUPPLY_METHODS, UNIT_KINDS, ColumnSpec, UnitSpec
from .units import split_responsible

__all__ = [
    "COLUMNS_FILE",
    "PROFILE_FILE",
    "installed_profiles_dir",
    "profile_dir",
    "profile_section",
    "COLUMN_FIELDS",
    "LOCALITY_LEVELS",
    "PROFILES_DIR",
    "SUPPLY_METHODS",
    "UNIT_KINDS",
    "ColumnSpec",
    "Problem",
    "Profile",
    "ProfileError",
    "UnitSpec",
    "available_profiles",
    "column_rows",
    "load_profile",
    "parse_column_rows",
    "read_columns_tsv",
    "split_responsible",
    "write_columns_tsv",
]
