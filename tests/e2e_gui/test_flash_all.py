"""Two boards flashed at once from Station ("Flash 2 boards"): both PASS, both flashes
hold the image."""

import driver
from driver import Failure

BUSY = ("Ready", "PASS", "FAIL", None)


def scenario(s):
    image, contents = s.image("dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x10000: ("app.bin", 150000)})
    s.start_app(["s2@1-1", "s2@1-2"])
    s.find_window()
    s.wait("both boards are listed", lambda t: t.state("1-1") == "Ready" and t.state("1-2") == "Ready")
    s.drop_file(image)
    s.press("Station", lambda t: t.one(name="Station", role="push button") or t.one(name="Station"))
    s.wait("the tiles name their slots", lambda t: t.find(role="list item", prefix="Slot 2: Board 1-2"))
    s.press("Flash 2 boards", lambda t: t.button("Flash 2 boards"))

    together = []

    def done(tree):
        states = [tree.state("1-1"), tree.state("1-2")]
        if all(state not in BUSY for state in states):
            together.append(states)
        # Station's strip counts the shift (the top bar's small count is Desk's).
        return states == ["PASS", "PASS"] and tree.has(name="✔ PASS 2") and tree.has(name="✖ FAIL 0")

    s.wait("both boards pass", done, deadline=120)
    if not together:
        raise Failure("the two boards were never seen flashing at the same time")
    s.log(f"flashing side by side: {together[0]}")

    s.close_window()
    for path in ("1-1", "1-2"):
        s.assert_flashed(path, contents)


if __name__ == "__main__":
    driver.run(scenario)
