from . import test_queue_dispatch
