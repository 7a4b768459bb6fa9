"""qingpu: facts about Qingpu New City, each traced to its source."""

__version__ = "0.2.0"
