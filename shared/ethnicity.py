"""NHS Data Dictionary ethnic categories: code -> (broad group, label). One table for all."""

from __future__ import annotations

ETHNIC_CATEGORIES: dict[str, tuple[str, str]] = {
    "A": ("White", "British"),
    "B": ("White", "Irish"),
    "C": ("White", "Any other White background"),
    "D": ("Mixed", "White and Black Caribbean"),
    "E": ("Mixed", "White and Black African"),
    "F": ("Mixed", "White and Asian"),
    "G": ("Mixed", "Any other mixed background"),
    "H": ("Asian or Asian British", "Indian"),
    "J": ("Asian or Asian British", "Pakistani"),
    "K": ("Asian or Asian British", "Bangladeshi"),
    "L": ("Asian or Asian British", "Any other Asian background"),
    "M": ("Black or Black British", "Caribbean"),
    "N": ("Black or Black British", "African"),
    "P": ("Black or Black British", "Any other Black background"),
    "R": ("Other Ethnic Groups", "Chinese"),
    "S": ("Other Ethnic Groups", "Any other ethnic group"),
    "Z": ("Not stated", "Not stated"),
    "99": ("Not known", "Not known"),
}


def short_label(code: str) -> str:
    """The detailed category as reports write it, e.g. "Asian - Pakistani"."""
    group, label = ETHNIC_CATEGORIES[code]
    if group == label:
        return label
    return f"{'Other' if group.startswith('Other') else group.split()[0]} - {label}"
