"""Station in Simplified Chinese (DFU_STATION_LANG=zh-CN), as a screen reader reads it:
two boards flashed at once, one pulled out in the middle of its flash. Its tile reads
FAIL and Unplugged with what to do (no greyed Retry); the other reads PASS with "take
the board out, put the next one in"; the strip counts one of each. The words expected are
written here as a Chinese reader hears them."""

import os

import driver
from driver import Failure


def scenario(s):
    os.environ["DFU_STATION_LANG"] = "zh-CN"
    image, contents = s.image("dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x10000: ("app.bin", 100000)})
    # The board at 1-1 drops off the bus at data block 600 (in app.bin).
    s.start_app(["s2@1-1:unplug@600", "s2@1-2"])
    s.find_window()
    station = "工位"
    s.press(station, lambda t: t.one(name=station, role="push button") or t.one(name=station))
    s.drop_file(image)

    def tile(tree, path):
        """The tile of the board at `path` ("槽位 1：板子 1-1：ESP32-S2，下载模式，就绪")."""
        return next((n for n in tree.find(role="list item") if f"板子 {path}：" in n.name), None)

    def reads(tree, path, state):
        found = tile(tree, path)
        return found is not None and found.name.endswith("，" + state)

    ready = "就绪"
    s.wait(f"both tiles read {ready}", lambda t: reads(t, "1-1", ready) and reads(t, "1-2", ready))
    if not tile(s.tree(), "1-2").name.startswith("槽位 2"):
        raise Failure(f"the second tile is not slot 2: {tile(s.tree(), '1-2').name}")
    flash = "烧录 2 块板子"
    s.press(flash, lambda t: t.button(flash))

    passed, failed = "通过", "失败"
    counts = ["✔ 通过 1", "✖ 失败 1"]
    tree = s.wait(
        f"1-1 reads {failed} and unplugged, 1-2 {passed}, the strip {counts}",
        lambda t: reads(t, "1-1", failed)
        and reads(t, "1-2", passed)
        and t.has(role="label", name="已拔出")
        and t.has(role="label", name="让板子重新进入下载模式即可再次烧录，或把它放到一边")
        and t.has(role="label", name="取出这块板子，放入下一块")
        and all(t.has(name=count) for count in counts)
        and t,
        deadline=120,
    )
    retry = "重试"
    if tree.find(role="push button", name=retry):
        raise Failure(f"a {retry} button while the failed board is out and the other passed")
    s.shot("zh-CN-station")
    s.close_window()
    s.assert_flashed("1-2", contents)


if __name__ == "__main__":
    driver.run(scenario)
