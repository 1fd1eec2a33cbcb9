"""drafting: draft and negotiate the outcome documents of intergovernmental conferences."""

__version__ = "0.1.0"
