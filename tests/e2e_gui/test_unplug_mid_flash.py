"""A board pulled out in the middle of a flash: FAIL with the reason, the row goes once
dismissed, and the app goes on to flash the next board."""

import driver


def scenario(s):
    image, contents = s.image("dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x10000: ("app.bin", 100000)})
    # The board at 1-1 drops off the bus at data block 600 (in app.bin).
    s.start_app(["s2@1-1:unplug@600", "s2@1-2"])
    s.find_window()
    s.wait("both boards are listed", lambda t: t.state("1-1") == "Ready" and t.state("1-2") == "Ready")
    s.drop_file(image)
    s.wait("the file is valid", lambda t: t.has(role="label", name="✔ Valid DFU file"))

    s.press("the row of 1-1", lambda t: t.rows().get("1-1"))
    s.wait("1-1 is selected", lambda t: (row := t.rows().get("1-1")) and row.selected and t.has(name="2  Board: ESP32-S2 at USB 1-1"))
    s.press("Flash 1 board", lambda t: t.button("Flash 1 board"))
    s.wait("1-1 fails", lambda t: t.state("1-1") == "FAIL", deadline=120)
    # The tree arrives over AT-SPI piece by piece: wait until one read holds all of it.
    tree = s.wait(
        "the failure, the unplugged row and the count",
        lambda t: t.find(role="label", contains="connection to the board broke")
        and all(t.has(role="label", name=label) for label in ("✖ FAIL", "Unplugged", "PASS 0 · FAIL 1"))
        and t,
    )
    s.log(f"the reason: {tree.find(role='label', contains='connection to the board broke')[0].name}")

    s.press("Dismiss", lambda t: t.button("Dismiss"))
    s.wait("the row of 1-1 is gone", lambda t: t.rows() and "1-1" not in t.rows())

    # The app goes on: the next board is selected and flashed.
    s.wait("1-2 is selected", lambda t: (row := t.rows().get("1-2")) and row.selected and t.has(name="2  Board: ESP32-S2 at USB 1-2"))
    s.press("Flash 1 board", lambda t: t.button("Flash 1 board"))
    s.wait("1-2 passes", lambda t: t.state("1-2") == "PASS" and t.has(name="PASS 1 · FAIL 1"), deadline=120)

    s.close_window()
    s.assert_flashed("1-2", contents)


if __name__ == "__main__":
    driver.run(scenario)
