"""Drives the real release `dfu-station` window from outside, as a person does.

A `Session` is one isolated world: a fresh Xvfb, a private D-Bus session with AT-SPI
turned on, private HOME/XDG dirs, and `dfu-station` (plain, no flags) started inside
`dfu-station-harness` under `umockdev-wrapper` with emulated ESP ROM boards. The test
reads the window through AT-SPI (what a screen reader sees), presses buttons through
their AT-SPI action, drags files onto it with a real XDND drag, takes screenshots from
the X server, closes the window and reads back the boards' flash.

Every wait polls against a deadline. A failing scenario leaves `failure.png` and
`tree.txt` (the AT-SPI tree) next to `test.log` and `app.log` in its artifacts dir.
"""

import json
import os
import random
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import zlib
from pathlib import Path

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, Gio, GLib  # noqa: E402
from Xlib import X, display  # noqa: E402
from Xlib.protocol import event  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "target" / "release"
SCREEN = (1366, 768)
# Generous on a loaded 2-core machine with software rendering; waits return as soon
# as the state shows.
DEADLINE = 45.0
POLL = 0.1


# Reads of the accessibility tree tried before giving up (a flash changes it constantly).
TREE_READS = 100


class Failure(Exception):
    pass


class TreeChanged(Exception):
    """The app changed the accessibility tree under a read."""


class Node:
    """One accessible as read at one moment: role, name, states, and how to act on it."""

    def __init__(self, acc, depth):
        self.acc = acc
        self.depth = depth
        self.role = acc.get_role_name()
        self.name = acc.get_name() or ""
        states = acc.get_state_set()
        self.enabled = states.contains(Atspi.StateType.ENABLED)
        # egui 0.37 exposes a selected widget as toggled, which AT-SPI calls checked.
        self.selected = states.contains(Atspi.StateType.CHECKED)

    def press(self):
        """Runs the node's first action ("click"), as a screen reader user does."""
        if not self.acc.do_action(0):
            raise Failure(f"cannot press {self}")

    def __str__(self):
        flags = ("" if self.enabled else " [disabled]") + (" [selected]" if self.selected else "")
        return f"{self.role}: {self.name!r}{flags}"


class Tree:
    """The window's accessibility tree at one moment, in document order."""

    def __init__(self, nodes):
        self.nodes = nodes

    def find(self, role=None, name=None, prefix=None, contains=None):
        return [
            n
            for n in self.nodes
            if (role is None or n.role == role)
            and (name is None or n.name == name)
            and (prefix is None or n.name.startswith(prefix))
            and (contains is None or contains in n.name)
        ]

    def one(self, **query):
        found = self.find(**query)
        return found[0] if len(found) == 1 else None

    def has(self, **query):
        return bool(self.find(**query))

    def button(self, name):
        return self.one(role="push button", name=name)

    def rows(self):
        """The board list (Desk) or the tiles (Station, "Slot N: Board ..."): {USB path: row}."""
        rows = {}
        for n in self.find(role="list item"):
            name = n.name.split(": ", 1)[1] if n.name.startswith("Slot ") else n.name
            if name.startswith("Board "):
                rows[name.split(":")[0][len("Board ") :]] = n
        return rows

    def state(self, path):
        """The state word(s) of the board at `path` ("Ready", "Writing app.bin 42%",
        "PASS"), or None when it is not listed."""
        row = self.rows().get(path)
        return row.name.split(", ", 2)[2] if row else None

    def text(self):
        return "\n".join("  " * n.depth + str(n) for n in self.nodes)


def png(path, width, height, rgb):
    """Writes 8-bit RGB pixels as a PNG (no imaging library needed)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    stride = width * 3
    raw = b"".join(b"\x00" + rgb[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    Path(path).write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    )


class Session:
    """One isolated X display, D-Bus session, USB testbed and app."""

    def __init__(self, name, artifacts):
        self.name = name
        self.artifacts = Path(artifacts)
        shutil.rmtree(self.artifacts, ignore_errors=True)
        self.artifacts.mkdir(parents=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"e2e-gui-{name}-"))
        self.log_file = open(self.artifacts / "test.log", "w", buffering=1)
        self.started = time.monotonic()
        self.processes = []
        self.app = None
        self.x = None
        self.window = None

    # -- logging and waiting ---------------------------------------------------------

    def log(self, message):
        line = f"{time.monotonic() - self.started:7.2f}s  {message}"
        self.log_file.write(line + "\n")
        print(f"  {line}", flush=True)

    def wait(self, what, check, deadline=DEADLINE):
        """Polls `check(tree)` until it returns a truthy value, which it returns; fails
        with `what` after `deadline` seconds."""
        end = time.monotonic() + deadline
        start = time.monotonic()
        while True:
            self.check_app_running()
            tree = self.tree()
            result = check(tree)
            if result:
                self.log(f"{what} ({time.monotonic() - start:.2f}s)")
                return result
            if time.monotonic() > end:
                raise Failure(f"not within {deadline:.0f}s: {what}")
            time.sleep(POLL)

    # -- the environment ---------------------------------------------------------------

    def spawn(self, args, **kwargs):
        # Its own process group: teardown ends it with everything it started.
        process = subprocess.Popen(args, start_new_session=True, **kwargs)
        self.processes.append(process)
        return process

    def start_display(self):
        env_dir = {}
        for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
            path = self.tmp / var.lower()
            path.mkdir(mode=0o700)
            env_dir[var] = str(path)
        os.environ.update(env_dir)
        os.environ["GSETTINGS_BACKEND"] = "memory"
        os.environ.pop("WAYLAND_DISPLAY", None)
        os.environ["PATH"] = f"{BIN}:{os.environ['PATH']}"
        self.app_log = open(self.artifacts / "app.log", "w")
        read, write = os.pipe()
        self.spawn(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
            pass_fds=[write],
            stderr=self.app_log,
        )
        os.close(write)
        number = b""
        end = time.monotonic() + DEADLINE
        while not number.endswith(b"\n"):
            if not select.select([read], [], [], max(0.0, end - time.monotonic()))[0]:
                raise Failure("Xvfb did not start")
            chunk = os.read(read, 16)
            if not chunk:
                raise Failure("Xvfb exited at start")
            number += chunk
        os.close(read)
        os.environ["DISPLAY"] = f":{number.decode().strip()}"
        self.x = display.Display()
        dbus = self.spawn(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=self.app_log,
        )
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = dbus.stdout.readline().decode().strip()
        # What a desktop does when a screen reader starts: AT-SPI on.
        Gio.bus_get_sync(Gio.BusType.SESSION).call_sync(
            "org.a11y.Bus",
            "/org/a11y/bus",
            "org.freedesktop.DBus.Properties",
            "Set",
            GLib.Variant("(ssv)", ("org.a11y.Status", "IsEnabled", GLib.Variant("b", True))),
            None,
            Gio.DBusCallFlags.NONE,
            -1,
            None,
        )
        Atspi.init()
        self.log(f"Xvfb {os.environ['DISPLAY']}, D-Bus session with AT-SPI on")

    def start_app(self, boards):
        """Starts plain `dfu-station` inside the harness with `boards` (`--board` specs;
        `:unplugged` ones wait for `bus("plug", PATH)`)."""
        self.control = self.tmp / "control"
        args = ["umockdev-wrapper", str(BIN / "dfu-station-harness"), "--verbose", "--control", str(self.control)]
        for spec in boards:
            args += ["--board", spec]
        self.report_path = self.tmp / "report.json"
        self.flash_dir = self.tmp / "flash"
        args += ["--report", str(self.report_path), "--flash-dir", str(self.flash_dir), "--", "dfu-station"]
        self.log("start: " + " ".join(args[1:]))
        self.app = self.spawn(args, stdout=self.app_log, stderr=self.app_log, cwd=self.tmp)

    def bus(self, action, path):
        """Plugs (`"plug"`) or pulls out (`"unplug"`) the emulated board at `path` now."""
        with open(self.control, "w") as fifo:
            fifo.write(f"{action} {path}\n")
        self.log(f"{action} {path}")

    def check_app_running(self):
        if self.app is not None and self.app.poll() is not None:
            raise Failure(f"the app exited with code {self.app.returncode}")

    # -- reading through AT-SPI ----------------------------------------------------------

    def application(self):
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            if app is not None and app.get_name() == "dfu-station":
                # Always read the live tree, never a cached copy.
                app.set_cache_mask(Atspi.Cache.NONE)
                return app
        return None

    def tree(self):
        """The app's accessibility tree, read whole: a read that the app's changes
        interrupt (an error, or a child gone under the walk) is done again."""
        app = self.application()
        if app is None:
            return Tree([])

        def walk(acc, depth, nodes):
            nodes.append(Node(acc, depth))
            for i in range(acc.get_child_count()):
                child = acc.get_child_at_index(i)
                if child is None:
                    raise TreeChanged("a child went away")
                walk(child, depth + 1, nodes)

        for _ in range(TREE_READS):
            nodes = []
            try:
                walk(app, 0, nodes)
                return Tree(nodes)
            except (GLib.Error, TreeChanged) as error:
                self.log_file.write(f"(tree read interrupted: {error}; reading again)\n")
                time.sleep(POLL)
        raise Failure(f"the accessibility tree changed under each of {TREE_READS} reads")

    def press(self, what, find):
        """Waits until `find(tree)` gives an enabled node, then presses it."""
        node = self.wait(f"{what} can be pressed", lambda t: (n := find(t)) and n.enabled and n)
        node.press()
        self.log(f"pressed {node}")

    # -- the X side: window, screenshots, drag and drop, close ----------------------------

    def find_window(self):
        def title(w):
            try:
                return w.get_full_text_property(self.x.intern_atom("_NET_WM_NAME")) or w.get_wm_name() or ""
            except Exception:
                return ""

        def found(_):
            for w in self.x.screen().root.query_tree().children:
                if title(w).startswith("DFU Station"):
                    return w
            return None

        self.window = self.wait("the window is on the screen", found)
        return self.window

    def screenshot(self, path):
        """Saves the app's window (or the whole screen without one) as a PNG."""
        root = self.x.screen().root
        x, y, width, height = 0, 0, *SCREEN
        if self.window is not None:
            try:
                geometry = self.window.get_geometry()
                origin = self.window.translate_coords(root, 0, 0)
                x, y = -origin.x, -origin.y
                width, height = min(geometry.width, SCREEN[0] - x), min(geometry.height, SCREEN[1] - y)
            except Exception:
                pass
        image = root.get_image(x, y, width, height, X.ZPixmap, 0xFFFFFFFF)
        rgb = bytearray(width * height * 3)
        rgb[0::3], rgb[1::3], rgb[2::3] = image.data[2::4], image.data[1::4], image.data[0::4]
        png(path, width, height, bytes(rgb))
        return bytes(rgb), width, height

    def shot(self, name):
        """A picture of the path, kept with the artifacts (and the committed pictures
        when UPDATE_SCREENSHOTS=1)."""
        path = self.artifacts / f"{name}.png"
        pixels = self.screenshot(path)
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            target = Path(__file__).parent / "screenshots"
            target.mkdir(exist_ok=True)
            shutil.copy(path, target / f"{name}.png")
        self.log(f"screenshot {path.name}")
        return pixels

    def drag(self, file):
        return XdndDrag(self, Path(file))

    def drop_file(self, file):
        drag = self.drag(file)
        drag.hover()
        drag.drop()

    def close_window(self):
        """Closes the window as its title bar's close button does (WM_DELETE_WINDOW)
        and waits for the app and the harness to exit."""
        atom = self.x.intern_atom
        message = event.ClientMessage(
            window=self.window,
            client_type=atom("WM_PROTOCOLS"),
            data=(32, [atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]),
        )
        self.window.send_event(message, event_mask=0)
        self.x.sync()
        self.log("closed the window")
        try:
            code = self.app.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            raise Failure("the app did not exit after its window was closed") from None
        if code != 0:
            raise Failure(f"the app exited with code {code} after its window was closed")
        self.app = None
        self.report = json.loads(self.report_path.read_text())

    # -- files ------------------------------------------------------------------------------

    def image(self, name, pid, files):
        """Packs `files` ({address: (file name, size)}) into `name` with `dfu-station pack`
        for the chip of `pid`; returns its path and {address: (file name, bytes)}."""
        build = self.tmp / "build"
        build.mkdir(exist_ok=True)
        contents, args = {}, []
        for address, (file, size) in files.items():
            data = random.Random(f"{file}/{size}").randbytes(size)
            (build / file).write_bytes(data)
            contents[address] = (file, data)
            args += [hex(address), str(build / file)]
        path = build / name
        self.cli("pack", "-o", str(path), "--pid", str(pid), "--flash-size", "4MB", *args)
        return path, contents

    def cli(self, *args, code=0):
        """Runs the `dfu-station` command line (outside the harness), expecting exit
        code `code`."""
        done = subprocess.run(["dfu-station", *args], capture_output=True, text=True, timeout=DEADLINE)
        self.log_file.write(f"$ dfu-station {' '.join(args)}  -> {done.returncode}\n{done.stdout}{done.stderr}")
        if done.returncode != code:
            raise Failure(f"dfu-station {args[0]} exited with {done.returncode}: {done.stderr.strip()}")
        return done

    def assert_flashed(self, path, contents):
        """The board's whole flash is the files packed into the image (`contents`, as
        `image` returned them: the test's own addresses and bytes) on erased flash, byte
        for byte."""
        flash = self.flash(path)
        expected = bytearray(b"\xff" * len(flash))
        for address, (_, data) in contents.items():
            expected[address : address + len(data)] = data
        if flash != expected:
            first = next(i for i, (a, b) in enumerate(zip(flash, expected)) if a != b)
            raise Failure(f"the flash of {path} differs from the image, first at {first:#x}")
        self.log(f"the flash of {path} is the image byte for byte ({len(contents)} files)")

    def flash(self, path):
        """The whole flash of the board at USB `path`, after the app exited."""
        return (self.flash_dir / f"{path}.bin").read_bytes()

    def board_report(self, path):
        return next(b for b in self.report["boards"] if b["path"] == path)

    # -- teardown --------------------------------------------------------------------------

    def save_failure(self):
        try:
            (self.artifacts / "tree.txt").write_text(self.tree().text() + "\n")
        except Exception as error:
            (self.artifacts / "tree.txt").write_text(f"could not read the tree: {error}\n")
        try:
            self.screenshot(self.artifacts / "failure.png")
        except Exception as error:
            self.log(f"could not take the failure screenshot: {error}")

    def stop(self):
        for process in reversed(self.processes):
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(process.pid, sig)
                    process.wait(timeout=10)
                    break
                except ProcessLookupError:
                    break
                except subprocess.TimeoutExpired:
                    pass
        shutil.rmtree(self.tmp, ignore_errors=True)


class XdndDrag:
    """A file dragged from a file manager: the test is the XDND source (version 5)."""

    def __init__(self, session, file):
        self.s = session
        self.x = session.x
        # Percent-encoded, as file managers send it (a URI is ASCII): 固件.bin -> %E5%9B%BA...
        self.uri = f"file://{urllib.parse.quote(str(file))}\r\n".encode()
        atom = self.x.intern_atom
        self.atoms = {
            name: atom(name)
            for name in (
                "XdndAware",
                "XdndSelection",
                "XdndEnter",
                "XdndPosition",
                "XdndStatus",
                "XdndLeave",
                "XdndDrop",
                "XdndFinished",
                "XdndActionCopy",
                "text/uri-list",
            )
        }
        root = self.x.screen().root
        self.source = root.create_window(-10, -10, 1, 1, 0, X.CopyFromParent)
        self.source.set_selection_owner(self.atoms["XdndSelection"], X.CurrentTime)
        self.target = session.window
        self.x.sync()

    def send(self, kind, data):
        message = event.ClientMessage(
            window=self.target, client_type=self.atoms[kind], data=(32, [self.source.id] + data)
        )
        self.target.send_event(message, event_mask=0)
        # XSync, not a flush: otherwise the last message can be lost.
        self.x.sync()

    def await_message(self, kind):
        """Handles events until the target sends `kind`, answering its requests for the
        file list on the way."""
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            while self.x.pending_events():
                ev = self.x.next_event()
                if ev.type == X.SelectionRequest:
                    self.answer(ev)
                elif ev.type == X.ClientMessage and ev.client_type == self.atoms[kind]:
                    return ev.data[1][1]
            select.select([self.x.fileno()], [], [], POLL)
        raise Failure(f"no {kind} from the window within {DEADLINE:.0f}s")

    def answer(self, request):
        property = request.property or request.target
        if request.target == self.atoms["text/uri-list"]:
            request.requestor.change_property(property, request.target, 8, self.uri)
        else:
            property = X.NONE
        notify = event.SelectionNotify(
            time=request.time,
            requestor=request.requestor,
            selection=request.selection,
            target=request.target,
            property=property,
        )
        request.requestor.send_event(notify, event_mask=0)
        self.x.sync()
        self.s.log(f"XDND: gave the file list ({self.uri.strip().decode()})")

    def hover(self):
        """Enters the window and moves over its middle; returns once it answered."""
        if self.target.get_full_property(self.atoms["XdndAware"], X.AnyPropertyType) is None:
            raise Failure("the window does not accept drops (no XdndAware)")
        self.send("XdndEnter", [5 << 24, self.atoms["text/uri-list"], 0, 0])
        geometry = self.target.get_geometry()
        origin = self.target.translate_coords(self.x.screen().root, 0, 0)
        x, y = -origin.x + geometry.width // 2, -origin.y + geometry.height // 2
        self.send("XdndPosition", [0, (x << 16) | y, X.CurrentTime, self.atoms["XdndActionCopy"]])
        accepted = self.await_message("XdndStatus") & 1
        self.s.log(f"XDND: hovering at {x},{y}, the window {'accepts' if accepted else 'refuses'} the drop")
        if not accepted:
            raise Failure("the window refuses the drop")

    def drop(self):
        self.send("XdndDrop", [0, X.CurrentTime, 0, 0])
        self.await_message("XdndFinished")
        self.s.log("XDND: dropped, the window finished")
        self.source.destroy()
        self.x.sync()


def run(scenario):
    """Runs `scenario(session)` in a fresh session; exit code 0 when it passes."""
    name = Path(sys.argv[0]).stem
    artifacts = Path(os.environ.get("E2E_GUI_ARTIFACTS", ROOT / "target" / "e2e_gui")) / name
    session = Session(name, artifacts)
    ok = False
    try:
        session.start_display()
        scenario(session)
        ok = True
    except Exception as error:
        session.log(f"FAILED: {error}")
        session.log_file.write(traceback.format_exc())
        session.save_failure()
        print(f"  artifacts: {artifacts}", flush=True)
    finally:
        session.stop()
    sys.exit(0 if ok else 1)
