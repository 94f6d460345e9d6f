"""One window per library: a `reader` started with files or reader:// links
while a window is open on the same library hands them to that window and ends
(the desktop entry starts a new process for every link clicked elsewhere).

A local socket (QLocalServer) named after the library carries one JSON line:
{"files": [...], "links": [[article uid, highlight uid or null], ...]}.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

Links = list[tuple[str, str | None]]


def server_name(library_key: str) -> str:
    return "io.github.reader.Reader-" + hashlib.sha256(library_key.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def forward(name: str, files: list[str], links: Links, timeout_ms: int = 500) -> bool:
    """Hand files and links to the window already listening under `name`; False if there is none."""
    from PySide6.QtNetwork import QLocalSocket  # loaded only when there is something to hand over

    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(json.dumps({"files": files, "links": [list(link) for link in links]}).encode("utf-8") + b"\n")
    socket.waitForBytesWritten(2000)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(2000)
    return True


class Listener(QObject):
    """Receives what later `reader` processes forward, on the GUI thread."""

    def __init__(
        self,
        name: str,
        on_files: Callable[[list[str]], None],
        on_link: Callable[[str, str | None], None],
        parent: QObject | None = None,
    ) -> None:
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self._on_files = on_files
        self._on_link = on_link
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)  # this user only
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # a stale name left by a window that crashed
            self.server.listen(name)
        self.server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            buffer = bytearray()

            def read(socket: QLocalSocket = socket, buffer: bytearray = buffer) -> None:
                buffer.extend(bytes(socket.readAll().data()))
                if b"\n" in buffer:
                    self._handle(bytes(buffer).split(b"\n", 1)[0])
                    buffer.clear()

            socket.readyRead.connect(read)
            socket.disconnected.connect(socket.deleteLater)

    def _handle(self, line: bytes) -> None:
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return  # not ours: ignored
        if not isinstance(message, dict):
            return
        files = [f for f in message.get("files") or () if isinstance(f, str)]
        if files:
            self._on_files(files)
        for link in message.get("links") or ():
            if isinstance(link, list) and len(link) == 2 and isinstance(link[0], str):
                self._on_link(link[0], link[1] if isinstance(link[1], str) else None)
