"""Entry point of `qingpu` and `python -m qingpu_cli`."""

from .fast import main

if __name__ == "__main__":
    main()
