"""A damaged dfu.bin dropped on the window: the card says what is wrong in plain words,
with the same message as `dfu-station info` under Details; Flash stays disabled, and the
board is left untouched."""

import zlib

import driver
from driver import Failure


def scenario(s):
    good, _ = s.image("dfu.bin", 2, {0x10000: ("app.bin", 40000)})
    broken = good.with_name("broken.bin")
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF
    broken.write_bytes(data)
    # What is wrong, worked out here: the DFU suffix's checksum (its last 4 bytes: JAMCRC,
    # the complement of zlib's CRC-32, over every byte before them) against the contents'.
    stored = int.from_bytes(data[-4:], "little")
    computed = zlib.crc32(bytes(data[:-4])) ^ 0xFFFFFFFF
    message = f"The file is damaged: its DFU suffix checksum is 0x{stored:08x} but the contents give 0x{computed:08x}."
    info = s.cli("info", str(broken), code=2)
    if message not in (info.stdout + info.stderr).splitlines():
        raise Failure(f"dfu-station info does not say {message!r}: {info.stdout}{info.stderr}")

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

    # Flash is disabled and the board idle, in a read that shows both (a read may miss a
    # node), taken once the card and its details show: the file's verdict is in.
    tree = s.wait(
        "a read shows the Flash button and the board",
        lambda t: t.button("Flash 1 board") is not None and t.state("1-1") is not None and t,
    )
    if tree.button("Flash 1 board").enabled:
        raise Failure("Flash is enabled with a bad file")
    if tree.state("1-1") != "Ready":
        raise Failure(f"the board changed state: {tree.state('1-1')}")
    s.log("Flash is disabled, the board ready")

    # No flash was going on: closing asks nothing and the app exits.
    s.close_window()
    if s.board_report("1-1")["programmed"]:
        raise Failure(f"the board's flash was written: {s.board_report('1-1')['programmed']}")
    s.log("the board's flash is untouched")


if __name__ == "__main__":
    driver.run(scenario)
