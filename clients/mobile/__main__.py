"""`python -m clients.mobile`: see `clients.mobile.cli`."""

import sys

from clients.mobile.cli import main

if __name__ == "__main__":
    sys.exit(main())
