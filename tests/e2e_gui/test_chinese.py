"""The technician's path in Simplified Chinese (DFU_STATION_LANG=zh-CN): the screen reader
reads the board's row, the primary button and the result in Chinese; a file with a
Chinese name, in a folder with a Chinese name, is dropped and flashed. The board does not
keep the first download (errVERIFY): FAIL says so in Chinese, with no English around it,
and "Flash again" flashes it once more; the board holds the file. The words expected are
written here as a Chinese reader hears them."""

import os
import re

import driver
from driver import Failure


def scenario(s):
    os.environ["DFU_STATION_LANG"] = "zh-CN"
    image, contents = s.image("dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x10000: ("app.bin", 120000)})
    folder = image.parent / "生产线 3"
    folder.mkdir()
    named = folder / "固件-工位3.bin"
    image.rename(named)

    s.start_app(["s2@1-1:verify@manifest"])
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

    failed = "失败"
    kept = "板子没有保存住写入的内容。请重新烧录；如果再次失败，请把板子放到一边。"
    again = "重新烧录"

    def failed_plainly(tree):
        button = tree.button(again)
        return reads(tree, failed) and tree.has(role="label", name=kept) and button and button.enabled and tree

    tree = s.wait(f"the board reads {failed}, {kept}, and {again} can be pressed", failed_plainly, deadline=120)
    # No English beside the Chinese: not the headline's, not the protocol's (Details is closed).
    english = re.compile(r"\b(board|flash|file|check|ready|pass|fail|errVERIFY|DNLOAD|block)\b", re.IGNORECASE)
    shown = [n.name for n in tree.nodes if english.search(n.name)]
    if shown:
        raise Failure(f"English beside the Chinese: {shown}")
    s.log(f"FAIL reads: {kept}")
    s.press(again, lambda t: t.button(again))

    passed = "通过"
    counts = "通过 1 · 失败 1"
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
