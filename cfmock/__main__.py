"""``python -m cfmock``: the command line."""

from cfmock.cli import main

raise SystemExit(main())
