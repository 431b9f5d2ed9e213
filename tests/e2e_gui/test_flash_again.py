"""A board that did not keep what was written (it reports errVERIFY once the firmware is
written): FAIL says so in plain words, not "check the file"; the session log's line is
plain too, the protocol's words wait under Details; "Flash again" flashes the same board
with the same file, which then passes and holds the image."""

import driver
from driver import Failure

KEPT = "The board did not keep what was written. Flash it again; if it fails again, set the board aside."
PROTOCOL = ("errVERIFY", "dfuERROR", "DNLOAD", "block", "manifest")


def scenario(s):
    image, contents = s.image("dfu.bin", 2, {0x1000: ("bootloader.bin", 20000), 0x10000: ("app.bin", 100000)})
    # The board reports errVERIFY after the first download, then works.
    s.start_app(["s2@1-1:verify@manifest"])
    s.find_window()
    s.wait("the board is listed", lambda t: t.state("1-1") == "Ready")
    s.drop_file(image)
    s.wait("the file is valid", lambda t: t.has(role="label", name="✔ Valid DFU file"))
    s.press("Flash 1 board", lambda t: t.button("Flash 1 board"))
    s.wait("1-1 fails", lambda t: t.state("1-1") == "FAIL", deadline=120)

    # The tree arrives over AT-SPI piece by piece: wait until one read holds all of it.
    def banner(tree):
        again = tree.button("Flash again")
        return (
            tree.has(role="label", name=KEPT)
            and again
            and again.enabled
            and tree.button("Flash next")
            and tree.find(role="label", contains="1-1  FAIL: The board did not keep what was written.")
            and tree
        )

    tree = s.wait("the plain headline, the log's plain line, Flash again beside Flash next", banner)
    shown = [n.name for n in tree.nodes if any(word in n.name for word in PROTOCOL)]
    if shown:
        raise Failure(f"the protocol's words are shown outside Details: {shown}")
    if tree.find(contains="Check that the file is"):
        raise Failure("the headline blames the file")
    s.log("FAIL reads: " + KEPT)

    s.press("Flash again", lambda t: t.button("Flash again"))
    s.wait("1-1 passes", lambda t: t.state("1-1") == "PASS" and t.has(name="PASS 1 · FAIL 1"), deadline=120)
    s.close_window()
    s.assert_flashed("1-1", contents)


if __name__ == "__main__":
    driver.run(scenario)
