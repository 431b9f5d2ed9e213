"""The technician's path: the app says what to do, a board is plugged in, dfu.bin is
dragged onto the window, "Flash 1 board" is pressed, PASS and "press RESET" show, and the
board's flash holds the image byte for byte: three actions (plug, drop, press) from start
to PASS, counted. Takes the committed pictures of the path."""

import re
import time

import driver
from driver import Failure

EMPTY_HINT = "No board yet. Plug in an ESP32-S2/S3 in download mode"
DROP_HINT = "Drop the dfu.bin here, or press Open..."
FLASH = "Flash 1 board"
# The flash's headlines in the order they come: the board detached and back in download
# mode (then prepared again, briefly: the download opens), the archive's index entry
# first, then each part erased and written, then the archive's trailer (no part: "the file
# index").
INDEX = ["Erasing the file index", "Writing the file index"]
PARTS = ["bootloader.bin", "partition-table.bin", "app.bin"]
HEADLINES = (
    ["Preparing", "Detaching", "Waiting for the board", "Preparing"]
    + INDEX
    + [f"{verb} {part}" for part in PARTS for verb in ("Erasing", "Writing")]
    + INDEX
    + ["Manifesting", "Done"]
)


def in_order(seen):
    """Whether `seen` is HEADLINES with some left out (polling misses short phases)."""
    position = 0
    for headline in seen:
        if headline not in HEADLINES[position:]:
            return False
        position = HEADLINES.index(headline, position)
    return True


def luminance(pixels):
    rgb, width, height = pixels
    return sum(rgb[::97]) / len(rgb[::97])


def scenario(s):
    image, contents = s.image(
        "dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x8000: ("partition-table.bin", 3072), 0x10000: ("app.bin", 300000)}
    )
    # The board is plugged in once the app has shown its empty state.
    s.start_app(["s2@1-1:unplugged"])
    s.find_window()

    # No board, no file: the window says what to do.
    s.wait(
        "the empty state tells how to plug a board and where to drop the file",
        lambda t: t.find(role="label", prefix=EMPTY_HINT) and t.has(role="label", name=DROP_HINT) and t.has(name="No file"),
    )
    tree = s.tree()
    if tree.rows():
        raise Failure(f"boards listed before any was plugged: {list(tree.rows())}")
    if tree.button(FLASH).enabled:
        raise Failure("Flash is enabled with no board and no file")
    # What the technician does from here to PASS, counted.
    actions = []
    s.shot("1-empty")

    # The board in download boot mode appears.
    s.bus("plug", "1-1")
    actions.append("plug the board in")
    s.wait(
        "the plugged ESP32-S2 is listed",
        lambda t: t.has(role="list item", name="Board 1-1: ESP32-S2, download mode, Ready"),
    )
    s.wait("its card says it is ready for a file", lambda t: t.has(name="• Ready. Open a firmware file to flash it."))
    before = s.shot("2-board-plugged")

    # A file hovers: the window lights up and says what a drop does.
    drag = s.drag(image)
    drag.hover()
    s.wait("the drop highlight is announced", lambda t: t.has(name="Drop the DFU file to check it"))
    deadline = time.monotonic() + driver.DEADLINE
    while luminance(s.shot("3-file-hovering")) > 0.7 * luminance(before):
        if time.monotonic() > deadline:
            raise Failure("the window did not darken under the drop highlight")
        time.sleep(driver.POLL)
    s.log("the drop highlight shows")

    # Dropped: the image card describes the file.
    drag.drop()
    actions.append("drop the dfu.bin")
    s.wait("the card says the file is valid", lambda t: t.has(role="label", name="✔ Valid DFU file"))
    s.wait("the highlight is gone", lambda t: not t.has(name="Drop the DFU file to check it"))

    s.wait("the card names the chip", lambda t: t.find(role="label", prefix="For ESP32-S2 · "))
    s.wait("the board is ready to flash", lambda t: t.has(name="✔ Ready to flash"))
    s.wait("Flash is enabled", lambda t: t.button(FLASH) and t.button(FLASH).enabled)
    s.shot("4-file-loaded")

    # Flash: the phases go by in order, then PASS.
    s.press(FLASH, lambda t: t.button(FLASH))
    actions.append(f"press {FLASH}")
    headlines = []

    def progress(tree):
        state = tree.state("1-1") or ""
        headline, percent = (state.rsplit(" ", 1) if state.endswith("%") else (state, ""))
        # An erase says how long it may take: "Erasing app.bin (up to 35 s)".
        erasing = re.fullmatch(r"(Erasing .+) \(up to \d+ s\)", headline)
        if erasing:
            headline = erasing.group(1)
            erase_limits.append(state)
        if headline in ("PASS", "FAIL"):
            return headline
        if headline not in ("", "Ready") and headline not in headlines[-1:]:
            headlines.append(headline)
        if headline == "Writing app.bin" and int(percent[:-1]) >= 40 and not shots:
            shots.append(s.shot("5-flashing"))
        return None

    shots = []
    erase_limits = []
    result = s.wait("the flash ends", progress, deadline=120)
    s.log(f"phases seen: {headlines}")
    if result != "PASS":
        raise Failure(f"the flash ended in {result}")
    # The phases seen went by in order (polling the tree may miss short ones, even the
    # wait for the board's re-enumeration; that it came back in DFU mode is checked
    # below), and writing app.bin (most of the flash) was seen.
    if not in_order(headlines) or "Writing app.bin" not in headlines:
        raise Failure(f"the phases did not go by in order: {headlines}")
    if not shots:
        raise Failure("no screenshot while writing app.bin")
    if not erase_limits:
        raise Failure(f"no erase said how long it may take: {headlines}")
    s.wait(
        "PASS, the press-RESET line and the count show",
        lambda t: t.has(role="label", name="✔ PASS")
        and t.rows().get("1-1")
        and t.rows()["1-1"].name.endswith(", PASS")
        and t.find(role="label", prefix="Press RESET on the board to start the new firmware.")
        and t.has(role="label", name="PASS 1 · FAIL 0"),
    )
    s.shot("6-pass")
    if len(actions) != 3:
        raise Failure(f"{len(actions)} actions from start to PASS, not 3: {actions}")
    s.log(f"3 actions from start to PASS: {', '.join(actions)}")

    # The engineer's detail, on demand: the flash map and every region.
    s.press("Details", lambda t: t.one(role="push button", name="Details") or t.one(name="Details"))

    def card_complete(tree):
        # The tree arrives over AT-SPI piece by piece: wait until one read holds the card.
        labels = ("dfu.bin", "4 MiB", "Flash map (4 MiB)")
        return (
            all(tree.has(role="label", name=label) for label in labels)
            and all(tree.find(role="image", prefix=f"{name} at {address:#x}, ") for address, (name, _) in contents.items())
            and all(tree.has(role="label", name=f"0x{address:06x}") for address in contents)
        )

    s.wait("the details show the flash map and every region", card_complete)
    s.log(f"the details show the regions {[name for name, _ in contents.values()]}")

    # The emulated board's flash holds the image.
    s.close_window()
    s.assert_flashed("1-1", contents)
    # Detached by the app, the board came back in DFU mode.
    if s.board_report("1-1")["mode"] != "dfu":
        raise Failure(f"the board did not go to DFU mode: {s.board_report('1-1')}")


if __name__ == "__main__":
    driver.run(scenario)
