# help: the guided help panel, its topics, pictures, "Make dfu.bin..." and "Install rule".
# Variables: $path, $command (shell text, never translated), $name (a file), $board (a
# USB port path such as 1-1), $chip, $address (hex), $seconds, $reason, $error.

## The panel

help-button = Help
help-button-hint = What to do when a board is not seen or a flash fails
help-heading = Help
help-close = Close
help-close-hint = Close the help
help-all-topics = All topics
help-list-intro = Choose what you see:
help-support-report = Save support report...
help-support-report-hint = A file to send to whoever helps you: versions, the boards' details, the last flashes step by step and this session's log (no firmware, no PIN)
help-demo-heading = Try without hardware
help-demo-plug = Plug in an emulated { $chip }
help-demo-plug-hint = An emulated board that flashes like a real one

## Topics' buttons

help-copy-rule = Copy rule
help-copy-rule-hint = Copy the udev rule to the clipboard
help-install-rule = Install rule
help-install-rule-hint = Adds the setting that lets you open the boards (asks for your password)
help-install-rule-off-hint = Linux only, one at a time
help-make-dfu-bin = Make dfu.bin...
help-make-dfu-bin-hint = Pack the program into a dfu.bin next to it, then open that
help-make-dfu-bin-off-hint = Drop the program file on the window first

## Why a topic opened by itself

help-context-raw-app = { $name } is a program, not a dfu.bin.
# $reason: the failure's plain headline.
help-context-failure = Board { $board }: { $reason }
help-context-wrong-chip = This file is made for { $file_chip }, but the board is { $board_chip }.
help-context-no-board = No board has appeared in { $seconds } s.
help-context-still-no-board = Still no board: on a custom board, check the USB wiring.
help-context-s3-missing = { $name } is for the ESP32-S3, and no ESP32-S3 has appeared in { $seconds } s.
help-context-erasing-index = Board { $board } is erasing the file index...
help-context-erasing-part = Board { $board } is erasing { $part }...
help-context-erasing-part-size = Board { $board } is erasing { $part } ({ $size })...

## Topics: title, first thing to do, why, steps


help-no-board-title = No board found
help-no-board-first = Put the board in download mode and plug it in with a data cable.
help-no-board-why = DFU Station sees a board only while it is in download mode and connected with a cable that carries data.
help-no-board-data-cable = Use a data cable: many USB cables only charge. If the board lights up but is not listed, try another cable.
help-no-board-port = Plug the board straight into the computer or a powered hub; try another port. Unpowered hubs often fail.
help-no-board-custom = A custom board? Check its USB wiring (Help: Custom board).

help-wiring-title = Custom board: check the USB wiring
help-wiring-first = Set the board aside and call your engineer: its USB wiring needs checking.
help-wiring-why = The ESP32-S2 and ESP32-S3 have USB on fixed pins. With D+ and D- swapped or open, the computer does not see the board at all.
help-wiring-pins = Connect D+ to GPIO20 and D- to GPIO19, and GND to GND.
help-wiring-colours = In a USB cable green is D+, white is D-, red is +5 V and black is GND.
help-wiring-swap = Some cables use other colours or swap green and white: if the board is not seen, swap D+ and D-.
help-wiring-power = Feed +5 V to the board's regulator, never straight to a 3.3 V pin.

help-linux-access-title = Linux: access to the board is denied
help-linux-access-first = Press { help-install-rule } below (or ask your engineer to), then replug the board.
help-linux-access-why = This computer does not let you open the boards yet. One setting fixes that for good: DFU Station adds it when you give your password.
help-linux-access-install = Press { help-install-rule } and type your password when asked.
help-linux-access-replug = Unplug and replug the board, then flash again.
help-linux-access-engineer-why = Linux lets only root open USB devices unless a udev rule allows more. DFU Station never runs as root: one rule lets the logged-in user open Espressif boards (USB vendor 303a).
help-linux-access-engineer-install = { help-install-rule } writes the rule to { $path } through pkexec and reloads udev.
help-linux-access-by-hand = Or copy the rule, put it into that file yourself and run: { $command }
help-linux-access-plugdev-comment = # or ESP-IDF's rule, for members of the plugdev group:

help-windows-driver-title = Windows: the board needs its USB driver
help-windows-driver-first = Where DFU Station shows { driver-install }, press it; otherwise ask your engineer to install the driver (the steps are under { help-for-engineer }), then replug the board.
help-windows-driver-why = Windows has no driver for the board's flashing connection until one is installed. DFU Station looks by itself and says what the board needs.
help-windows-driver-press = Press { driver-install } where DFU Station shows it, and answer Yes when Windows asks for permission.
help-windows-driver-replug = Replug the board: it appears in DFU Station.
help-windows-driver-engineer-why = Windows binds no driver to the board's DFU interface (interface 2 in download mode), and a program can flash the board only through WinUSB there. macOS needs nothing.
help-windows-driver-espressif = ESP32-S2: { driver-install } installs Espressif's signed WinUSB driver on interface 2 only; Windows asks for permission first.
help-windows-driver-s3 = ESP32-S3: Espressif publishes no signed driver for it, so WinUSB goes on with Zadig, as follows (this works for an ESP32-S2 too).
help-windows-driver-zadig = Put the board in download mode, start Zadig (zadig.akeo.ie) and choose Options > List All Devices.
help-windows-driver-pick = Pick "ESP32-S2 (Interface 2)" (or "ESP32-S3 (Interface 2)"), select WinUSB and press Install Driver.
help-windows-driver-serial = Do not replace the drivers of interfaces 0 and 1: they are the board's serial port.
help-windows-driver-wrong = A wrong driver on interface 2 (libusb0, usbser: DFU Station names it) goes first: in Device Manager, Uninstall device with "Attempt to remove the driver for this device" ticked (or, as administrator, pnputil /delete-driver oemNN.inf /uninstall), then replug the board.

help-s3-title = ESP32-S3: the board never appears
help-s3-first = Try another ESP32-S3 board; if none appears, set them aside and call your engineer.
help-s3-why = Many ESP32-S3 boards are made so that they cannot be flashed over this USB connection at all. That is decided when the board is designed, not at the bench.
help-s3-another = Try another ESP32-S3 board of the same kind.
help-s3-set-aside = If none appears, set them aside and call your engineer.
help-s3-engineer-why = On the ESP32-S3 the USB pins belong to USB-Serial-JTAG, not to the USB-OTG controller that the ROM's DFU needs.
help-s3-phy = DFU works only with the USB_PHY_SEL eFuse burnt (it gives the internal PHY to USB-OTG) or with an external USB PHY on the board.
help-s3-efuse = Burning an eFuse is permanent and has bricked boards: leave that decision to the hardware engineer. DFU Station never burns eFuses.
help-s3-date-code = Chips with a date code before 2219 cannot download over USB-OTG at all.
help-s3-security = Secure Boot, flash encryption and Secure Download Mode switch DFU off.
help-s3-serial = Otherwise flash these boards over their serial port (esptool).

help-not-back-title = The board did not come back while flashing
help-not-back-first = Replug the board in download mode and flash again.
help-not-back-why = To be flashed, the board restarts once and must come back within 10 seconds. It did not.
help-not-back-port = Plug the board into another USB port, straight into the computer.
help-not-back-cable = Flash again. If it keeps failing, try another data cable.
help-not-back-engineer = After DETACH the ROM restarts in DFU mode; DFU Station waits 10 s for it to re-enumerate at the same USB port path. A hub slow to re-enumerate, or a cable that drops out on the restart, makes it miss.

help-long-erase-title = Erasing: the board is busy, not stuck
help-long-erase-first = Wait: the board is erasing. Do not unplug it.
help-long-erase-why = Before the board writes each part of the firmware, it erases that part: meanwhile the bar stands still.
help-long-erase-wait = Wait: a part takes a few seconds to erase, a big file tens of seconds.
help-long-erase-hands-off = Do not unplug the board or press RESET while it erases.
help-long-erase-moves = The bar moves again as soon as writing starts.
help-long-erase-engineer = The ESP ROM erases a part (up to the dfu.bin's part size, 512 KiB by default) when the DNLOAD carrying its first block arrives, and answers only once the erase is done. DFU Station waits up to each part's erase limit (shown while erasing) before it fails the flash.

help-raw-app-title = This file is not a dfu.bin yet
help-raw-app-first = Ask your engineer for the dfu.bin, or press { help-make-dfu-bin } below.
help-raw-app-why = The file is the program alone. The board needs a dfu.bin, which also says where each piece of the firmware goes: flashing the program as it is would leave the board broken.
help-raw-app-press-make = Press { help-make-dfu-bin }: DFU Station packs the program into a dfu.bin next to it and opens that.
help-raw-app-drop = Or drop the dfu.bin your engineer gives you on this window.
help-raw-app-engineer-why = The file starts with 0xE9 (an ESP app image) and has no DFU suffix. The ROM takes a dfu.bin, which names each file's flash address and checksum.
help-raw-app-make = { help-make-dfu-bin } puts the app at { $address }; add the bootloader and partition table if the board has none yet.
help-raw-app-idf = Or, in the ESP-IDF project folder, run { $command }: it writes { $path }.

help-wrong-chip-title = The file is made for another chip
help-wrong-chip-first = Use a board of the file's chip, or ask your engineer for the right file.
help-wrong-chip-why = A dfu.bin names the chip it was built for. On another chip it would not start, so DFU Station does not flash it.
help-wrong-chip-check = Check the chip of the board in the list (ESP32-S2 or ESP32-S3).
help-wrong-chip-select = Select a board with the file's chip, or ask your engineer for a dfu.bin built for this board's chip.
help-wrong-chip-rebuild = To build the dfu.bin for this board's chip: { $target_command }, then { $dfu_command }.

help-press-reset-title = Flashed: press RESET to start the new firmware
help-press-reset-first = Press RESET on the board to start the new firmware.
help-press-reset-why = After flashing, the board waits in download mode: the new firmware does not run until the board restarts.
help-press-reset-press = Press and release RESET (EN) on the board, without holding BOOT.
help-press-reset-replug = Or unplug the board and plug it in again.

help-busy-title = Another program holds the board
help-busy-first = Close the other flashing program, then flash again.
help-busy-why = Only one program at a time can use a board.
help-busy-close = Close other flashing programs, serial monitors and other DFU Station windows.
help-busy-again = Flash again. If the board stays busy, unplug and replug it.
help-busy-engineer = Programs that hold a board's DFU interface: dfu-util, idf.py (dfu-flash, monitor), serial monitors, another DFU Station.

help-usb-unavailable-title = USB could not start
help-usb-unavailable-first = Set the boards aside and call your engineer: USB does not work on this computer.
help-usb-unavailable-why = DFU Station could not start USB, so no board can be listed. Files and demo boards keep working.
help-usb-unavailable-restart = Restart DFU Station once your engineer has fixed it.
help-usb-unavailable-check = DFU Station could not start libusb. On Linux, check that { $path } exists; in a container or sandbox, give the app access to USB devices.

## The technical detail of a topic, folded away

help-for-engineer = For your engineer

## Pictures: what a screen reader says, and the words drawn in them

help-picture-download-mode = Picture: a dev board's BOOT and RESET buttons. 1: hold BOOT. 2: press and release RESET. 3: release BOOT.
help-picture-reset = Picture: a dev board; press and release RESET, BOOT stays up.
help-picture-wiring = Picture: USB cable to the chip. Red +5 V, white D- to GPIO19, green D+ to GPIO20, black GND. Swap D+ and D- if the board is not seen.
help-picture-hold-boot = 1. Hold BOOT
help-picture-tap-reset = 2. Tap RESET
help-picture-release-boot = 3. Release BOOT
help-picture-press-reset = Press and release RESET
# Printed on the drawn board, as on a real one.
help-picture-module = ESP32
help-picture-boot-button = BOOT
help-picture-reset-button = RESET
help-picture-usb-plug = USB
help-picture-wire-red = red
help-picture-wire-white = white
help-picture-wire-green = green
help-picture-wire-black = black
help-picture-pin-power = +5 V
help-picture-pin-d-minus = D-  GPIO19
help-picture-pin-d-plus = D+  GPIO20
help-picture-pin-ground = GND
help-picture-swap-hint =
    swap if
    not seen

## "Make dfu.bin": the dialog

help-make-window-title = Make dfu.bin
help-make-chip = Chip
help-make-app = App
help-make-bootloader = Bootloader
help-make-partition-table = Partition table
help-make-writes = Writes
help-make-file-at = { $name } at { $address }
help-make-no-file-at = none at { $address }
help-make-pick-bootloader = Choose the bootloader
help-make-pick-partition-table = Choose the partition table
help-make-choose = Choose...
help-make-remove = Remove
help-make-hint = Add the bootloader and partition table for a board that has none yet.
help-make-no-file-dialog = ⚠ No file dialog can be shown: { $reason } Install a file-dialog service (the XDG desktop portal, or zenity).
help-make-replace-and-load = Replace and load
help-make-and-load = Make and load
help-make-exists = { $name } exists already. Press { help-make-replace-and-load } to overwrite it.

## "Install rule": pkexec

help-install-running = Installing: confirm in the password dialog...
help-install-done = Rule installed. Unplug and replug the board, then flash again.
help-install-no-pkexec = Not installed: pkexec could not start ({ $error }). Install the rule by hand.
help-install-refused = Not installed: the password dialog was cancelled or refused.
help-install-failed = Not installed: { $error }
