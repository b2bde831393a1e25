"""gunicorn's threaded worker, but a new connection takes a thread only once it has sent bytes.

gunicorn's `gthread` worker hands every accepted connection straight to its thread pool,
where a thread waits up to five seconds for the first request before giving the connection
back to the poller. Browsers open connections they do not use at once (Chromium preconnects
and opens spare sockets while it parses a page), so a few idle ones took every thread of
a one-process app and the next real request queued behind them for five seconds (issue 14,
item 5). Here a new connection waits in the poller, like a kept-alive one, until it is
readable; threads only ever serve requests.
"""

from __future__ import annotations

import errno
import selectors
import socket
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker


class PollingThreadWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no types
    def accept(self, listener: socket.socket) -> None:
        try:
            client_sock, client_addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())  # non-blocking
        # The same wait as a kept-alive connection (keeps the pending queue in timeout order).
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )
