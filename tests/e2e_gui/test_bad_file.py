"""A damaged dfu.bin dropped on the window: the card says what is wrong (the same message
as `dfu-station info`), Flash stays disabled, and the board is left untouched."""

import time

import driver
from driver import Failure


def scenario(s):
    good, _ = s.image("dfu.bin", 2, {0x10000: ("app.bin", 40000)})
    broken = good.with_name("broken.bin")
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF
    broken.write_bytes(data)
    info = s.cli("info", str(broken), code=2)
    message = (info.stdout + info.stderr).splitlines()[-1]

    s.start_app(["s2@1-1"])
    s.find_window()
    s.wait("the board is listed", lambda t: t.state("1-1") == "Idle")

    s.drop_file(broken)
    # The card's labels come over AT-SPI one by one: a read can catch it half built.
    labels = ("Not usable", "broken.bin", message, "Error code: suffix-crc-mismatch")
    s.wait(
        "the card says the file is not usable, and why",
        lambda t: all(t.has(role="label", name=label) for label in labels),
    )
    s.log(f"the card shows: {message}")

    # Flash stays disabled and the board idle, read after read (a read may miss a node).
    end = time.monotonic() + 2
    whole_reads = 0
    while time.monotonic() < end:
        tree = s.tree()
        buttons = [tree.button(name) for name in ("Flash", "Flash all (0)")]
        if any(b is not None and b.enabled for b in buttons):
            raise Failure(f"Flash is enabled with a bad file: {buttons}")
        if tree.state("1-1") not in (None, "Idle"):
            raise Failure(f"the board changed state: {tree.state('1-1')}")
        whole_reads += all(buttons) and tree.state("1-1") == "Idle"
        time.sleep(driver.POLL)
    if not whole_reads:
        raise Failure("no read showed the Flash buttons and the board")
    s.log("Flash and Flash all stay disabled, the board idle")

    s.close_window()
    if s.board_report("1-1")["programmed"]:
        raise Failure(f"the board's flash was written: {s.board_report('1-1')['programmed']}")
    s.log("the board's flash is untouched")


if __name__ == "__main__":
    driver.run(scenario)
