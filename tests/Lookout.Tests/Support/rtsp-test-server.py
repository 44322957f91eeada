#!/usr/bin/python3
"""Loopback RTSP server for tests: a moving test pattern, H.264, at rtsp://127.0.0.1:PORT/test.

Usage: rtsp-test-server.py PORT WIDTH HEIGHT FPS (PORT 0 picks a free one). Prints "ready PORT" once
listening. Exits when its standard input closes, so it never outlives the test process.
"""
import os
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

port, width, height, fps = (int(a) for a in sys.argv[1:5])
Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(str(port))
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    f"( videotestsrc is-live=true pattern=ball ! video/x-raw,width={width},height={height},framerate={fps}/1 "
    f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} ! rtph264pay name=pay0 pt=96 )"
)
factory.set_shared(True)
server.get_mount_points().add_factory("/test", factory)
if server.attach(None) == 0:
    sys.exit(f"rtsp-test-server: cannot listen on 127.0.0.1:{port}")

loop = GLib.MainLoop()


def on_stdin(fd, condition):
    if condition & (GLib.IO_HUP | GLib.IO_ERR) or not os.read(fd, 4096):
        loop.quit()
        return False
    return True


GLib.io_add_watch(sys.stdin.fileno(), GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, on_stdin)
print(f"ready {server.get_bound_port()}", flush=True)
loop.run()
