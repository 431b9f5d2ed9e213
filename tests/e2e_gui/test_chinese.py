"""The technician's path in Simplified Chinese (DFU_STATION_LANG=zh-CN): the screen reader
reads the board's row, the primary button and the result in Chinese; a file with a
Chinese name, in a folder with a Chinese name, is dropped and flashed. The board does not
keep the first download (errVERIFY): FAIL says so in Chinese, with no English around it,
and "Flash again" flashes it once more; the board holds the file. The words expected are
read from the zh-CN catalogue, and checked to be Chinese."""

import os
import re
from pathlib import Path

import driver
from driver import Failure

CATALOGUE = Path(__file__).parents[2] / "assets" / "i18n" / "zh-CN"


def catalogue():
    """The zh-CN messages that fit on one line: {key: value}."""
    messages = {}
    for ftl in CATALOGUE.glob("*.ftl"):
        for line in ftl.read_text(encoding="utf-8").splitlines():
            match = re.match(r"^([a-z][a-z0-9-]*) = (.+)$", line)
            if match:
                messages[match[1]] = match[2]
    return messages


def chinese(text):
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        raise Failure(f"not Chinese: {text!r}")
    return text


def scenario(s):
    zh = catalogue()

    def say(key, **values):
        text = zh[key]
        for name, value in values.items():
            text = text.replace(f"{{ ${name} }}", str(value))
        return text

    os.environ["DFU_STATION_LANG"] = "zh-CN"
    image, contents = s.image("dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x10000: ("app.bin", 120000)})
    folder = image.parent / "生产线 3"
    folder.mkdir()
    named = folder / "固件-工位3.bin"
    image.rename(named)

    s.start_app(["s2@1-1:verify@manifest"])
    s.find_window()
    # "板子 1-1：ESP32-S2，下载模式，就绪": the row as a screen reader reads it.
    row = chinese(say("window-board-row", path="1-1", chip="ESP32-S2", mode="", state="")).split("，")[0]

    def reads(tree, state):
        rows = tree.find(role="list item", prefix=row)
        return bool(rows) and rows[0].name.endswith("，" + state)

    ready = chinese(say("station-ready"))
    s.wait(f"the board reads {row}…{ready}", lambda t: reads(t, ready))

    s.drop_file(named)
    s.wait("the card names the Chinese file", lambda t: t.has(name=named.name))
    flash = chinese(say("window-flash-boards", count=1))
    s.press(flash, lambda t: t.button(flash))

    failed = chinese(say("station-fail"))
    kept = chinese(say("failure-board-did-not-keep"))
    again = chinese(say("window-flash-again"))

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

    passed = chinese(say("station-pass"))
    counts = say("window-pass-fail-count", passed=1, failed=1)
    s.wait(
        f"the board reads {passed} and the counter {counts}",
        lambda t: reads(t, passed) and t.has(name=counts),
        deadline=120,
    )
    s.shot("zh-CN-pass")
    s.close_window()
    s.assert_flashed("1-1", named, contents)


if __name__ == "__main__":
    driver.run(scenario)
