"""The site's structure as links: the channels and the column tree shown in menus, the top navigation,
the home page a page belongs to. Read as plain rows (``ColumnRef``), so a page's navigation costs no model
instances.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from .listing import quoter, root_url_path, sql_rows
from .models import ColumnPage, SubsiteIndexPage


def child_columns(page: Page):
    """The live columns shown in menus right below ``page``, in tree order."""
    return ColumnPage.objects.child_of(page).live().in_menu().order_by("path")


def channels_for(site_root: Page):
    """The top navigation: the home page's columns shown in menus."""
    return child_columns(site_root)


def column_tree(site_root: Page, levels: int = 3) -> list[tuple[ColumnRef, int]]:
    """The site's columns shown in menus, ``levels`` deep, in tree order, each with its level (1 = channel);
    sub-sites left out, and a column only when its parents are shown too (one query)."""
    refs = tree_refs(site_root, levels)
    out, shown = [], set()
    for ref in refs:
        if ref.kind != "column" or not ref.show_in_menus:
            continue
        level = (ref.depth - site_root.depth) if site_root.depth > 1 else ref.depth - 1
        if level > 1 and ref.path[: -Page.steplen] not in shown:
            continue
        shown.add(ref.path)
        out.append((ref, level))
    return out


class ColumnRef:
    """What a link to a column needs (title, address, place in the tree), read with ``values_list``: a
    page of the site's navigation costs no model instances."""

    __slots__ = ("pk", "title", "path", "depth", "url", "show_in_menus", "kind")

    def __init__(self, pk, title, path, depth, url_path, show_in_menus, kind, root_path):
        self.pk, self.title, self.path, self.depth, self.show_in_menus, self.kind = (
            pk,
            title,
            path,
            depth,
            show_in_menus,
            kind,
        )
        self.url = "/" + url_path[len(root_path) :] if url_path.startswith(root_path) else url_path

    def __str__(self) -> str:
        return self.title


def tree_refs(root: Page, levels: int) -> list[ColumnRef]:
    """The live pages ``levels`` deep below ``root`` that are columns or the sub-site index, in tree order."""
    cts = ContentType.objects.get_for_models(ColumnPage, SubsiteIndexPage)
    kinds = {cts[ColumnPage].pk: "column", cts[SubsiteIndexPage].pk: "subsites"}
    qn = quoter()
    sql = (  # one plain statement: on the home page, building it through the ORM cost more than running it
        f"SELECT {qn(Page._meta.pk.column)}, title, path, depth, url_path, show_in_menus, content_type_id"
        f" FROM {qn(Page._meta.db_table)} WHERE live AND path LIKE %s AND depth > %s AND depth <= %s"
        f" AND content_type_id IN (%s, %s) ORDER BY path"
    )
    rows = sql_rows(sql, [root.path + "%", root.depth, root.depth + levels, *kinds])
    root_path = root_url_path(root) if root.depth > 1 else root.url_path
    return [ColumnRef(pk, t, p, d, u, m, kinds[ct], root_path) for pk, t, p, d, u, m, ct in rows]


def nav_for(site_root: Page) -> list[ColumnRef]:
    return [c for c in tree_refs(site_root, 1) if c.kind == "column" and c.show_in_menus]
