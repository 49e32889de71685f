"""`python -m capex_app.bench`: the benchmark, or (`e2e`) the fresh process of one end-to-end run."""

import sys

from .run import main

sys.exit(main())
