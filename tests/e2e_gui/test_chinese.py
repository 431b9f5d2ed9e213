"""The technician's path in Simplified Chinese (DFU_STATION_LANG=zh-CN): the screen reader
reads the board's row, the primary button and the result in Chinese; a file with a
Chinese name, in a folder with a Chinese name, is dropped and flashed; the board holds it.
The words expected are written here as a Chinese reader hears them."""

import os

import driver


def scenario(s):
    os.environ["DFU_STATION_LANG"] = "zh-CN"
    image, contents = s.image("dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x10000: ("app.bin", 120000)})
    folder = image.parent / "生产线 3"
    folder.mkdir()
    named = folder / "固件-工位3.bin"
    image.rename(named)

    s.start_app(["s2@1-1"])
    s.find_window()
    # "板子 1-1：ESP32-S2，下载模式，就绪": the row as a screen reader reads it.
    row = "板子 1-1：ESP32-S2"

    def reads(tree, state):
        rows = tree.find(role="list item", prefix=row)
        return bool(rows) and rows[0].name.endswith("，" + state)

    ready = "就绪"
    s.wait(f"the board reads {row}…{ready}", lambda t: reads(t, ready))

    s.drop_file(named)
    s.wait("the card names the Chinese file", lambda t: t.has(name=named.name))
    flash = "烧录 1 块板子"
    s.press(flash, lambda t: t.button(flash))

    passed = "通过"
    counts = "通过 1 · 失败 0"
    s.wait(
        f"the board reads {passed} and the counter {counts}",
        lambda t: reads(t, passed) and t.has(name=counts),
        deadline=120,
    )
    s.shot("zh-CN-pass")
    s.close_window()
    s.assert_flashed("1-1", contents)


if __name__ == "__main__":
    driver.run(scenario)
