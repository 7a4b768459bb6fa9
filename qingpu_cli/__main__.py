"""Entry point of `qingpu` and `python -m qingpu_cli`."""

from qingpu_cli.cli.parser import main

if __name__ == "__main__":
    main()
