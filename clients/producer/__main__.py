"""`python -m clients.producer`: see `clients.producer.cli`."""

import sys

from clients.producer.cli import main

if __name__ == "__main__":
    sys.exit(main())
