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
    labels = ("Not usable", "broken.bin", message, "Error code: suffix_crc_mismatch")
    s.wait(
        "the card says the file is not usable, and why",
        lambda t: all(t.has(role="label", name=label) for label in labels),
    )
    s.log(f"the card shows: {message}")

    # Flash stays disabled, read after read.
    end = time.monotonic() + 2
    while time.monotonic() < end:
        tree = s.tree()
        for name in ("Flash", "Flash all (0)"):
            button = tree.button(name)
            if button is None or button.enabled:
                raise Failure(f"{name} is not a disabled button with a bad file: {button}")
        time.sleep(driver.POLL)
    s.log("Flash and Flash all stay disabled")
    if tree.state("1-1") != "Idle":
        raise Failure(f"the board changed state: {tree.state('1-1')}")

    s.close_window()
    if s.board_report("1-1")["programmed"]:
        raise Failure(f"the board's flash was written: {s.board_report('1-1')['programmed']}")
    s.log("the board's flash is untouched")


if __name__ == "__main__":
    driver.run(scenario)
