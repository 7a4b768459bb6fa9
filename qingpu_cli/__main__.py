"""Entry point of `qingpu` and `python -m qingpu_cli`."""

import sys


def main() -> None:
    from .cli import main as run

    sys.exit(run())


if __name__ == "__main__":
    main()
