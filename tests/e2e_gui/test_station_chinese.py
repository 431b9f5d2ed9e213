"""Station in Simplified Chinese (DFU_STATION_LANG=zh-CN), as a screen reader reads it:
two boards flashed at once, one pulled out in the middle of its flash. Its tile reads
FAIL and Unplugged with what to do (no greyed Retry); the other reads PASS with "take
the board out, put the next one in"; the strip counts one of each. The words expected are
read from the zh-CN catalogue, and checked to be Chinese."""

import os

import driver
from driver import Failure
from test_chinese import catalogue, chinese


def scenario(s):
    zh = catalogue()

    def say(key, **values):
        text = zh[key]
        for name, value in values.items():
            text = text.replace(f"{{ ${name} }}", str(value))
        return chinese(text)

    os.environ["DFU_STATION_LANG"] = "zh-CN"
    image, contents = s.image("dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x10000: ("app.bin", 100000)})
    # The board at 1-1 drops off the bus at data block 600 (in app.bin).
    s.start_app(["s2@1-1:unplug@600", "s2@1-2"])
    s.find_window()
    station = say("window-mode-station")
    s.press(station, lambda t: t.one(name=station, role="push button"))
    s.drop_file(image)

    def tile(tree, path):
        """The tile of the board at `path` ("槽位 1：板子 1-1：ESP32-S2，下载模式，就绪")."""
        return next((n for n in tree.find(role="list item") if f"板子 {path}：" in n.name), None)

    def reads(tree, path, state):
        found = tile(tree, path)
        return found is not None and found.name.endswith("，" + state)

    ready = say("station-ready")
    s.wait(f"both tiles read {ready}", lambda t: reads(t, "1-1", ready) and reads(t, "1-2", ready))
    if not tile(s.tree(), "1-2").name.startswith(say("station-slot", number=2)):
        raise Failure(f"the second tile is not slot 2: {tile(s.tree(), '1-2').name}")
    flash = say("window-flash-boards", count=2)
    s.press(flash, lambda t: t.button(flash))

    passed, failed = say("station-pass"), say("station-fail")
    counts = ["✔ " + say("window-shift-passed", count=1), "✖ " + say("window-shift-failed", count=1)]
    tree = s.wait(
        f"1-1 reads {failed} and unplugged, 1-2 {passed}, the strip {counts}",
        lambda t: reads(t, "1-1", failed)
        and reads(t, "1-2", passed)
        and t.has(role="label", name=say("station-unplugged"))
        and t.has(role="label", name=say("station-unplugged-next"))
        and t.has(role="label", name=say("station-take-out-put-next"))
        and all(t.has(name=count) for count in counts)
        and t,
        deadline=120,
    )
    retry = say("station-retry")
    if tree.find(role="push button", name=retry):
        raise Failure(f"a {retry} button while the failed board is out and the other passed")
    s.shot("zh-CN-station")
    s.close_window()
    s.assert_flashed("1-2", image, contents)


if __name__ == "__main__":
    driver.run(scenario)
