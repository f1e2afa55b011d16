"""What the search indexes and shows, registered by the apps above it in their ``AppConfig.ready()``
(search never imports them; docs/architecture.md).

- ``register_items(base, column)`` (portal): the page class whose concrete subclasses are items (indexed,
  searched) and the column page class (the column filter); ``register_column_tree`` (portal): the column
  tree the search form offers, ``(root, levels) -> list``.
- ``register_results(key, matching)``: more results on the public search page's first page, as the
  template's ``key`` and ``key_total``: ``matching(locality, query groups) -> (rows, total)``
  (interaction: the published letters).
"""

from __future__ import annotations

from collections.abc import Callable

item_base: type | None = None
column_model: type | None = None
column_tree: Callable[..., list] = lambda root, levels: []  # noqa: E731
results: dict[str, Callable] = {}


def register_items(base: type, column: type) -> None:
    global item_base, column_model
    item_base, column_model = base, column


def register_column_tree(tree: Callable[..., list]) -> None:
    global column_tree
    column_tree = tree


def register_results(key: str, matching: Callable) -> None:
    results[key] = matching
