"""Fuzzy search over minigluon's API and documentation (``python -m search QUERY``), and the
local server of the built docs.

The search: ``collect`` gathers records from a Sphinx build (``sources`` without one),
``index`` holds the Whoosh schema and writes/opens the index, ``text`` analyses words for both
sides, ``query_plan`` and ``spell`` understand a query, ``synonyms`` is the field's vocabulary
as data, ``query`` ranks results, ``evaluate`` measures quality on a query set, and
``sphinx_ext`` builds the index when the docs build finishes. ``startup`` is what the shell's
fresh process sets up before importing the engine, so that it answers fast.

The docs server (``python -m search.server``, ``nox -s serve``): ``server`` runs it,
``routes`` maps URLs to handlers, ``site`` serves pages, files and the search API, ``owner``
keeps it to the person who started it, and ``live`` (a package of its own) runs the pages' code
in Jupyter kernels.
"""
