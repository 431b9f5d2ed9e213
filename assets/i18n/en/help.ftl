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
help-support-report-hint = A file with the app's and the system's versions, the boards' USB descriptors, the last flashes' DFU requests and this session's log (no firmware, no PIN), to send to whoever helps you
help-demo-heading = Try without hardware
help-demo-plug = Plug in an emulated { $chip }
help-demo-plug-hint = An emulated board that flashes like a real one

## Topics' buttons

help-copy-rule = Copy rule
help-copy-rule-hint = Copy the udev rule to the clipboard
help-install-rule = Install rule
help-install-rule-hint = Write the rule as root (asks for your password), reload udev
help-install-rule-off-hint = Linux only, one at a time
help-make-dfu-bin = Make dfu.bin...
help-make-dfu-bin-hint = Pack the app into a dfu.bin next to it, then load that
help-make-dfu-bin-off-hint = Drop the app image on the window first

## Why a topic opened by itself

help-context-raw-app = { $name } is an application image.
help-context-failure = Board { $board }: { $reason }
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
help-linux-access-why = Linux lets only root open USB devices unless a udev rule allows more. DFU Station never runs as root: one rule lets the logged-in user open Espressif boards (USB vendor 303a).
help-linux-access-install = Press { help-install-rule } and confirm with your password: it writes the rule to { $path } and reloads udev.
help-linux-access-by-hand = Or copy the rule, put it into that file yourself and run: { $command }
help-linux-access-replug = Unplug and replug the board, then flash again.
help-linux-access-plugdev-comment = # or ESP-IDF's rule, for members of the plugdev group:

help-windows-driver-title = Windows: the board cannot be opened (WinUSB driver)
help-windows-driver-first = Where DFU Station shows { driver-install }, press it; otherwise ask your engineer to install the WinUSB driver with the steps below, then replug the board.
help-windows-driver-why = Windows binds no driver to the board's DFU interface (interface 2 in download mode), and a program can flash the board only through WinUSB there. DFU Station looks at that interface by itself and says what it needs. macOS needs nothing.
help-windows-driver-espressif = ESP32-S2: { driver-install } installs Espressif's signed WinUSB driver on interface 2 only; Windows asks for permission first.
help-windows-driver-s3 = ESP32-S3: Espressif publishes no signed driver for it, so WinUSB goes on with Zadig, as follows (this works for an ESP32-S2 too).
help-windows-driver-zadig = Put the board in download mode, start Zadig (zadig.akeo.ie) and choose Options > List All Devices.
help-windows-driver-pick = Pick "ESP32-S2 (Interface 2)" (or "ESP32-S3 (Interface 2)"), select WinUSB and press Install Driver.
help-windows-driver-serial = Do not replace the drivers of interfaces 0 and 1: they are the board's serial port.
help-windows-driver-wrong = A wrong driver on interface 2 (libusb0, usbser: DFU Station names it) goes first: in Device Manager, Uninstall device with "Attempt to remove the driver for this device" ticked (or, as administrator, pnputil /delete-driver oemNN.inf /uninstall), then replug the board.
help-windows-driver-replug = Replug the board: it appears in DFU Station.

help-s3-title = ESP32-S3: the board never appears
help-s3-first = Try another ESP32-S3 board; if none appears, set them aside and call your engineer.
help-s3-why = On the ESP32-S3 the USB pins belong to USB-Serial-JTAG, not to the USB-OTG controller that the ROM's DFU needs.
help-s3-phy = DFU works only with the USB_PHY_SEL eFuse burnt (it gives the internal PHY to USB-OTG) or with an external USB PHY on the board.
help-s3-efuse = Burning an eFuse is permanent and has bricked boards: leave that decision to the hardware engineer. DFU Station never burns eFuses.
help-s3-date-code = Chips with a date code before 2219 cannot download over USB-OTG at all.
help-s3-security = Secure Boot, flash encryption and Secure Download Mode switch DFU off.
help-s3-serial = Otherwise flash these boards over their serial port (esptool).

help-not-back-title = The board did not come back after DETACH
help-not-back-first = Replug the board in download mode and flash again.
help-not-back-why = To flash, the board restarts into DFU mode and must show up on USB again within 10 s. It did not.
help-not-back-port = Plug the board into another USB port, straight into the computer.
help-not-back-cable = Flash again. If it keeps failing, try another data cable.

help-long-erase-title = Erasing: the board is busy, not stuck
help-long-erase-first = Wait: the board is erasing. Do not unplug it.
help-long-erase-why = The ESP ROM erases each part of the file (up to 512 KiB) before it takes the part's first block: the bar stands still meanwhile.
help-long-erase-wait = Wait: a part takes a few seconds to erase, a big file tens of seconds.
help-long-erase-hands-off = Do not unplug the board or press RESET while it erases.
help-long-erase-moves = The bar moves again as soon as writing starts.

help-raw-app-title = This is an application image, not a dfu.bin
help-raw-app-first = Ask your engineer for the dfu.bin, or press { help-make-dfu-bin } below.
help-raw-app-why = The file starts with 0xE9 and has no DFU suffix: it is the app alone. The ROM needs a dfu.bin, which names each file's flash address and checksum. Flashing the app as is would leave the board broken.
help-raw-app-make = Press { help-make-dfu-bin }: the app goes to { $address }; add the bootloader and partition table if the board has none yet.
help-raw-app-idf = Or, in the ESP-IDF project folder, run { $command }: it writes { $path }.
help-raw-app-drop = Then drop the dfu.bin on this window.

help-wrong-chip-title = The file is made for another chip
help-wrong-chip-first = Use a board of the file's chip, or ask your engineer for the right file.
help-wrong-chip-why = A dfu.bin names the chip it was built for. On another chip it would not start, so DFU Station does not flash it.
help-wrong-chip-check = Check the chip of the board in the list (ESP32-S2 or ESP32-S3).
help-wrong-chip-select = Select a board with the file's chip,
help-wrong-chip-rebuild = or ask for a dfu.bin built for this chip ({ $target_command }, then { $dfu_command }).

help-press-reset-title = Flashed: press RESET to start the new firmware
help-press-reset-first = Press RESET on the board to start the new firmware.
help-press-reset-why = After flashing, the chip stays in its ROM loader: the new firmware does not run yet.
help-press-reset-press = Press and release RESET (EN) on the board, without holding BOOT.
help-press-reset-replug = Or unplug the board and plug it in again.

help-busy-title = Another program holds the board
help-busy-first = Close the other flashing program, then flash again.
help-busy-why = Only one program at a time can open a board's DFU interface.
help-busy-close = Close dfu-util, idf.py (dfu-flash, monitor), serial monitors and other DFU Station windows.
help-busy-again = Flash again. If the board stays busy, unplug and replug it.

help-usb-unavailable-title = USB could not start
help-usb-unavailable-first = Set the boards aside and call your engineer: USB does not work on this computer.
help-usb-unavailable-why = DFU Station could not start USB (libusb), so no board can be listed. Files and demo boards keep working.
help-usb-unavailable-check = On Linux, check that { $path } exists; in a container or sandbox, give the app access to USB devices.
help-usb-unavailable-restart = Restart DFU Station after fixing it.

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
help-install-done = Rule installed and udev reloaded. Unplug and replug the board, then flash again.
help-install-no-pkexec = Not installed: pkexec could not start ({ $error }). Install the rule by hand.
help-install-refused = Not installed: the password dialog was cancelled or refused.
help-install-failed = Not installed: { $error }
