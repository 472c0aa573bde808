"""``python -m service.cli``: the same as ``spoorlog``."""

from service.cli.commands import main

raise SystemExit(main())
