"""Server-Timing with the CPU time the worker spent on the request (benchmark settings only).

Latency on a shared two-core machine moves with everything else that runs; the CPU time a
request costs moves much less. The load tool reads it from the header per target.
"""

import time


class ServerCpuTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # thread_time: this request's thread only, for sync and gthread workers alike.
        started = time.thread_time()
        response = self.get_response(request)
        spent_ms = (time.thread_time() - started) * 1000
        response["Server-Timing"] = f"cpu;dur={spent_ms:.2f}"
        return response
