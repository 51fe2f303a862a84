"""``python -m reporting``: the methodology note and slides (also ``python -m ml report``)."""
import sys

from reporting.generate import main

if __name__ == "__main__":
    sys.exit(main())
