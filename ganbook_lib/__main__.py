"""``python -m ganbook_lib`` runs the ``ganbook`` command."""

import sys

from .cli import main

sys.exit(main())
