import os
import sys

# Arrow's allocations (a parquet landing) from jemalloc, which gives freed pages back: with
# pyarrow's default, mimalloc, the same landing peaks 20 % higher. Read when pyarrow loads,
# so it is set before anything imports it; pyarrow's Linux wheels carry jemalloc.
if sys.platform == "linux":
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")

from loader.cli import main

raise SystemExit(main())
