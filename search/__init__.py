"""Fuzzy search over minigluon's API and documentation (``python -m search QUERY``).

``collect`` gathers records from a Sphinx build (``sources`` without one), ``index`` holds the
Whoosh schema and writes/opens the index, ``text`` analyses words for both sides, ``plan``
and ``spell`` understand a query, ``synonyms`` is the field's vocabulary as data, ``query``
ranks results, ``evaluate`` measures quality on a query set; ``server`` serves the docs with a
search API and ``sphinx_ext`` builds the index when the docs build finishes.
"""
