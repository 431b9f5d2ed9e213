"""A damaged dfu.bin dropped on the window: the card says what is wrong in plain words,
with the same message as `dfu-station info` under Details; Flash stays disabled, and the
board is left untouched."""

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
    s.wait("the board is listed", lambda t: t.state("1-1") == "Ready")

    s.drop_file(broken)
    # The card's labels come over AT-SPI one by one: a read can catch it half built.
    labels = ("broken.bin", "✖ The file is damaged. Get a fresh copy of it.")
    s.wait(
        "the card says the file is damaged and what to do",
        lambda t: all(t.has(role="label", name=label) for label in labels),
    )
    s.press("Details", lambda t: t.one(role="push button", name="Details") or t.one(name="Details"))
    details = (message, "Error code: suffix-crc-mismatch")
    s.wait(
        "the details say what the command line says",
        lambda t: all(t.has(role="label", name=label) for label in details),
    )
    s.log(f"the card shows: {message}")

    # Flash stays disabled and the board idle, read after read (a read may miss a node).
    end = time.monotonic() + 2
    whole_reads = 0
    while time.monotonic() < end:
        tree = s.tree()
        buttons = [tree.button("Flash 1 board")]
        if any(b is not None and b.enabled for b in buttons):
            raise Failure(f"Flash is enabled with a bad file: {buttons}")
        if tree.state("1-1") not in (None, "Ready"):
            raise Failure(f"the board changed state: {tree.state('1-1')}")
        whole_reads += all(buttons) and tree.state("1-1") == "Ready"
        time.sleep(driver.POLL)
    if not whole_reads:
        raise Failure("no read showed the Flash buttons and the board")
    s.log("Flash stays disabled, the board ready and untouched")

    s.close_window()
    if s.board_report("1-1")["programmed"]:
        raise Failure(f"the board's flash was written: {s.board_report('1-1')['programmed']}")
    s.log("the board's flash is untouched")


if __name__ == "__main__":
    driver.run(scenario)
