# failures: what went wrong in a technician's words (failure-*), and what to do next (advice-*).
# One message per failure code's headline and advice (src/advice.rs picks the key per code).
# Codes (`wrong-chip`), commands, paths and the udev rule stay as they are.

## Headlines: what the window shows first. A plain sentence, then the next step.

failure-file-damaged = The file is damaged. Get a fresh copy of it.
failure-file-too-short = The file is too short to be firmware. Pick the right file.
failure-not-firmware = This is not a firmware file for these boards. Ask your engineer for the dfu.bin.
failure-file-built-wrong = The file was built wrong. Ask your engineer to rebuild it.
failure-not-dfu-bin-yet = This is not a dfu.bin yet. Make a dfu.bin from it first.
failure-file-unreadable = The file cannot be read. Check that its drive is connected.
failure-station-file-changed = The station's file has changed. Set the boards aside and call your engineer.
failure-usb-unavailable = USB does not work on this computer. Call your engineer.
failure-no-board = No board found. Put the board in download mode.
failure-several-boards = Several boards match. Choose one.
failure-board-named-wrong = The board is not named right. Check the command.
failure-wrong-chip = This file is for another chip. Use the right file or board.
failure-cannot-open-board = The board cannot be opened. Close other flashing programs and replug it.
failure-log-not-writable = The production log cannot be written. Fix the log folder to go on.
failure-board-data-mistakes = The per-board data has mistakes. Ask your engineer to fix the values file.
failure-no-place-for-board-data = The file has no place for per-board data. Ask your engineer for the right file.
failure-no-board-data-left = There is no per-board data left. Set the board aside and call your engineer.
failure-journal-not-writable = The list of boards given data cannot be written. Fix the log folder to go on.
failure-journal-refused = The list of boards given data does not match this station. Call your engineer.
failure-board-data-not-prepared = This board's data could not be prepared. Set the board aside and call your engineer.
failure-line-unreachable = The line's database cannot be reached. Check the network; boards with per-board data wait until it answers.
failure-line-refused = The line's database does not accept this station. Call your engineer.
failure-board-refused-firmware = The board refused the firmware. Check that the file is for this board, then flash again.
# A board that reported errVERIFY once the firmware was written (the code is dfu-device-error):
# the board, not the file, is the matter.
failure-board-did-not-keep = The board did not keep what was written. Flash it again; if it fails again, set the board aside.
failure-connection-broke = The connection to the board broke. Check the cable and flash again.
failure-board-stopped-answering = The board stopped answering properly. Replug it in download mode and flash again.
failure-board-too-slow = The board took too long. Replug it in download mode and flash again.
failure-not-in-download-mode = The board is not in download mode. Put it in download mode and flash again.
failure-board-not-back = The board did not come back. Check the cable and flash again.
failure-flashing-stopped = Flashing was stopped. Flash the board again before it is used.
failure-internal-error = DFU Station failed. Flash again and send a support report.

# The USB layer's own sentence when libusb cannot start ($reason: libusb's words).
failure-usb-not-available = USB is not available on this computer (libusb could not start: { $reason }); no board can be seen

## Advice: the next step, in more detail (the command line prints it under the error).

advice-download-mode = Put the board in download mode: hold BOOT, press and release RESET, then release BOOT.
advice-download-mode-and-data-cable = { advice-download-mode } Use a data cable (not a charge-only one), then try again.
advice-download-mode-then-flash = { advice-download-mode } Then flash again.
advice-check-file-picked = Check that the right file was picked and that it was copied completely.
advice-build-dfu-bin = For ESP32-S2/S3 boards, build a dfu.bin with `idf.py dfu`.
advice-fresh-copy = Get a fresh copy of the file (it was cut or changed after it was built) and open it again.
advice-rebuild = Rebuild the file with `idf.py dfu` (or `dfu-station pack`) and open it again.
advice-shorter-part-names = Use shorter part names and rebuild the file.
advice-fix-addresses = Fix the parts' addresses and rebuild the file.
advice-fit-flash-size = Build the image for the board's flash size (`--flash-size`) or move the part.
advice-make-dfu-bin = Make a dfu.bin from it (`idf.py dfu` in its project, or `dfu-station pack`) and open that.
advice-check-file-readable = Check that the file exists, that you may read it and that its drive is connected.
advice-locked-file-changed = Set the board aside and call your engineer: the locked file must be saved again.
advice-check-usb-support = Check that the computer has USB support (on Linux, that /dev/bus/usb exists). Everything else keeps working.
advice-choose-one-board = Choose one board by its port path (-p) or serial number (-S).
advice-write-vid-pid = Write the board as VID:PID in hex, e.g. 303a:0002.
advice-use-file-for-chip = Use a file built for this board's chip (`idf.py set-target`, then `idf.py dfu`), or plug in the board it is meant for.
advice-check-cable-and-programs = Check the cable and that no other program uses the board, then flash again.
advice-fix-log-folder = Free space or fix the log folder's permissions (or choose another folder); flashing resumes once the log is written.
advice-fix-listed-rows = Fix every row listed (`dfu-station provision check CONFIG VALUES` lists them), then load the profile again.
advice-add-nvs-partition = Build the dfu.bin with a partition table holding the NVS data partition the profile names (type data, subtype nvs), or name another partition in the profile.
advice-ask-for-new-rows = Set the board aside: ask the engineer for a values file with new rows (and a new log folder).
advice-fix-journal-folder = Free space or fix the log folder's permissions, then start again; rows already claimed are never given again.
advice-use-journal-values = Use the values file the journal was started with, or another log folder; call your engineer if the journal is damaged.
advice-check-row = Check the row with `dfu-station provision check CONFIG VALUES` and call your engineer; the row stays spent.
advice-line-unreachable = Check the network and the database server. Once it answers, a running station goes on by itself and sends the records kept meanwhile; a station that could not start must be started again.
advice-line-refused = Check the profile's [line] store, the password (DFU_STATION_LINE_PASSWORD, password_env or password_file) and the database's schema (`dfu-station line init`), then start again.
advice-check-file-for-board = Check that the file is meant for this board, then flash again.
advice-flash-again-then-set-aside = Flash the board again. If it fails the same way again, set it aside: its flash may be faulty.
advice-replug = Unplug and replug the board, put it in download mode, then flash again.
advice-check-cable-and-permissions = Check the cable and the USB permissions or driver, then flash again.
advice-flash-partial-board-again = The board may hold a partial image: flash it again before it is used.
advice-send-support-report = Flash the board again, and send a support report (Help) so this gets fixed.

## Advice for USB errors that name their fix. One message per platform's fix.

# Linux: $rule is the udev rule, $path the file it goes into (both verbatim);
# {"  "} indents the rule (spaces before a placeable at a line start are dropped).
advice-install-udev-rule =
    Let your user open Espressif boards: put the line
    {"  "}{ $rule }
    into { $path }, run `sudo udevadm control --reload && sudo udevadm trigger`, then unplug and replug the board.
# Windows.
advice-install-winusb = Install the WinUSB driver on the board's DFU interface (interface 2, the one without a driver) with Zadig, or install Espressif's USB driver, then unplug and replug the board.
# macOS and other systems.
advice-access-refused = The system refused access: check that no other driver has claimed the board's DFU interface and that your user may use USB devices, then replug the board.
advice-no-driver = No driver lets programs open the board's DFU interface: check that no other driver has claimed it, then replug the board.
advice-board-busy = Another program holds the board (dfu-util, idf.py, a serial monitor or another DFU Station): close it and try again.
advice-board-gone = The board was unplugged or restarted. Check the cable. { advice-download-mode } Then try again.

## A file's warnings: what the window shows under "Valid, N warnings". A plain sentence,
## then what to do; the technical detail (product IDs, file names) goes under Details.

warning-any-chip = The file does not say which chip it is for. Make sure it is the right file for this board.
warning-unknown-chip = The file is for a chip DFU Station does not know. Ask your engineer whether it is right for this board.
warning-no-flash-size = The file does not say the board's flash size, so its fit cannot be checked. It can still be flashed.
warning-long-erase = Part of the firmware is erased in one go, so flashing may seem to stop for a while. Wait, and do not unplug the board.
warning-extra-data = The file has extra data at its end that the board ignores. Ask your engineer for a clean build if in doubt.
warning-nothing-to-flash = The file holds nothing to write: flashing it changes nothing. Ask your engineer for the right file.
