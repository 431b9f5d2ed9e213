"""Station from an empty bench: the empty state offers Open... and a place to drop the
file with the download-mode picture, and no Flash button while no board waits; the file
is dropped, two boards are plugged in and flashed at once ("Flash 2 boards"): both PASS,
counted in the strip, each tile saying to take the board out and put the next one in.
A board taken out keeps its tile, saying to put the next one in; cleared, the slot reads
empty in its place. Both flashes hold the image."""

import driver
from driver import Failure

BUSY = ("Ready", "PASS", "FAIL", None)
EMPTY_HINT = "No board yet. Plug boards in."
DROP_HINT = "Drop the dfu.bin here, or press Open..."
PICTURE_ROLE = "image"
NEXT = "Take the board out and put the next one in"
PUT_NEXT = "Put the next board in"
EMPTY_SLOT = "Slot 2: Empty: put a board in"


def scenario(s):
    image, contents = s.image("dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x10000: ("app.bin", 150000)})
    s.start_app(["s2@1-1:unplugged", "s2@1-2:unplugged"])
    s.find_window()
    s.press("Station", lambda t: t.one(name="Station", role="push button") or t.one(name="Station"))

    # No board, no file: how to start, and nothing to press but Open....
    tree = s.wait(
        "the empty Station offers Open..., the drop zone and the download-mode picture",
        lambda t: t.find(role="label", prefix=EMPTY_HINT)
        and t.has(role="label", name=DROP_HINT)
        and t.button("Open...")
        and t.find(role=PICTURE_ROLE)
        and t,
    )
    if tree.find(role="push button", prefix="Flash"):
        raise Failure(f"a Flash button with no board: {tree.find(role='push button', prefix='Flash')[0]}")
    if tree.find(contains="boards/h"):
        raise Failure("a pace is shown before any board was flashed")
    s.shot("station-empty")

    s.drop_file(image)
    s.wait("the strip names the file", lambda t: t.has(name="dfu.bin") and not t.has(role="label", name=DROP_HINT))
    s.bus("plug", "1-1")
    s.bus("plug", "1-2")
    s.wait("the tiles name their slots", lambda t: t.find(role="list item", prefix="Slot 2: Board 1-2"))
    s.wait("both boards are ready", lambda t: t.state("1-1") == "Ready" and t.state("1-2") == "Ready")
    s.press("Flash 2 boards", lambda t: t.button("Flash 2 boards"))

    together = []

    def done(tree):
        states = [tree.state("1-1"), tree.state("1-2")]
        if all(state not in BUSY for state in states):
            together.append(states)
        # Station's strip counts the shift (the top bar's small count is Desk's).
        return (
            states == ["PASS", "PASS"]
            and tree.has(name="✔ PASS 2")
            and tree.has(name="✖ FAIL 0")
            and len(tree.find(role="label", name=NEXT)) == 2
        )

    s.wait("both boards pass, each tile says to take it out", done, deadline=120)
    if not together:
        raise Failure("the two boards were never seen flashing at the same time")
    s.log(f"flashing side by side: {together[0]}")
    s.shot("station-two-pass")

    # Taken out: the result stays on its tile, which says to put the next board in.
    s.bus("unplug", "1-2")
    s.wait("the tile of the board taken out says to put the next in", lambda t: t.has(role="label", name=PUT_NEXT))
    # One Clear per tile, in slot order: 1-2's is the second.
    s.wait("both tiles have their Clear", lambda t: len(t.find(role="push button", name="Clear")) == 2)
    s.press("Clear on the tile of 1-2", lambda t: t.find(role="push button", name="Clear")[-1])
    s.wait("the slot reads empty in its place", lambda t: t.has(role="list item", name=EMPTY_SLOT) and "1-2" not in t.rows())
    s.shot("station-slot-emptied")

    s.close_window()
    for path in ("1-1", "1-2"):
        s.assert_flashed(path, contents)


if __name__ == "__main__":
    driver.run(scenario)
