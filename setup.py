"""Package layout that pyproject.toml alone cannot express.

The data files stay at ``seeds/`` in the checkout (taxonomy, places, the shipped watchlist and the
demo recordings) and install as the package ``tracker.seeds``, so a wheel, ``pip install .`` and
an editable install all read them with ``importlib.resources``.
"""

from setuptools import find_packages, setup

PACKAGES = find_packages(include=["tracker", "tracker.*", "db", "db.*", "jobs", "jobs.*"])

setup(
    packages=[*PACKAGES, "tracker.seeds"],
    package_dir={"tracker.seeds": "seeds"},
)
