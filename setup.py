"""Package layout for setuptools (everything else is in pyproject.toml).

The top-level `clauses/` and `templates/` folders are shipped inside the wheel as `drafting/data/clauses` and
`drafting/data/templates`, where `drafting.support.resources` finds them in an install.
"""

from setuptools import find_packages, setup

DATA = {"drafting.data.clauses": "clauses", "drafting.data.templates": "templates"}

setup(
    packages=[*find_packages(include=["drafting", "drafting.*"]), *DATA],
    package_dir=DATA,
    package_data={"drafting": ["py.typed"], "drafting.library": ["*.txt", "*.json"], "drafting.data.clauses": ["*.yaml"],
                  "drafting.data.templates": ["*.docx", "*.skeletons"]},
)
