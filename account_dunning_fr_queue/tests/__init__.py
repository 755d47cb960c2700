from . import test_bench_queue_runners
from . import test_queue_dispatch
