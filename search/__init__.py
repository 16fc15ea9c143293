"""Fuzzy search over minigluon's API and documentation (``python -m search QUERY``).

``collect`` gathers records from a Sphinx build, ``index`` writes and opens the Whoosh index,
``query`` answers queries; ``server`` serves the docs with a search API, ``sphinx_ext`` builds
the index when the docs build finishes.
"""
