"""Two boards flashed at once with Flash all: both PASS, both flashes hold the image."""

import driver
from driver import Failure

BUSY = ("Idle", "PASS", "FAIL", None)


def scenario(s):
    image, contents = s.image("dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x10000: ("app.bin", 150000)})
    s.start_app(["s2@1-1", "s2@1-2"])
    s.find_window()
    s.wait("both boards are listed", lambda t: t.state("1-1") == "Idle" and t.state("1-2") == "Idle")
    s.drop_file(image)
    s.press("Flash all (2)", lambda t: t.button("Flash all (2)"))

    together = []

    def done(tree):
        states = [tree.state("1-1"), tree.state("1-2")]
        if all(state not in BUSY for state in states):
            together.append(states)
        return states == ["PASS", "PASS"] and tree.has(name="PASS 2 · FAIL 0")

    s.wait("both boards pass", done, deadline=120)
    if not together:
        raise Failure("the two boards were never seen flashing at the same time")
    s.log(f"flashing side by side: {together[0]}")

    s.close_window()
    for path in ("1-1", "1-2"):
        s.assert_flashed(path, image, contents)


if __name__ == "__main__":
    driver.run(scenario)
