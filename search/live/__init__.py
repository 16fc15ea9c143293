"""Live code: the docs' Edit/Run buttons run the pages' code in Jupyter kernels.

``pool`` keeps one kernel per browser tab within hard limits (number, memory, CPU time, idle
time); ``cell`` starts and stops one kernel and runs one cell in it (time limit, output cap);
``outputs`` turns what a kernel sends into JSON-ready items; ``processes`` finds and ends every
process a kernel started; ``limits`` is the small program that sets a kernel's limits and then
becomes the kernel; ``handlers`` is the HTTP API (``/api/run``, ``/api/restart``) the docs
server (search.server) routes to them. The search engine knows none of this.
"""
