"""`python -m deckbook`: the same as the `deckbook` command."""

from .cli import main

raise SystemExit(main())
