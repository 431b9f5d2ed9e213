# The window: the top bar, Desk's three steps, Station's strip, the board list, the file
# card and its flash map, the quit questions and the file dialogs.
# Variables: $count and other numbers (plurals go through Fluent); $chip, $name, $path,
# $serial, $unit, $address, $code stay as they are (untranslated).

## Top bar

window-app-name = DFU Station
window-mode-desk = Desk
window-mode-desk-hint = One board at a time: file, board, Flash, result
window-locked = Locked to the factory profile
window-mode-station = Station
window-mode-station-hint = A tile per slot of the fixture, the shift's counters, auto mode
window-no-file = No file
window-file-hint = The file to flash
window-pass-fail-count = PASS { $passed } · FAIL { $failed }
window-pass-fail-hint = Boards flashed since the app started (demo boards do not count)

## The primary button and why it is off

window-flash-boards = { $count ->
    [one] Flash { $count } board
   *[other] Flash { $count } boards
}
window-paused = Flashing is paused: the production log cannot be written
window-open-firmware-first = Open a firmware file first
window-plug-in-boards = Plug in boards in download mode
window-no-board-ready = No board is ready for this file
window-refusal-open-file = Open a firmware file first (step 1)
window-refusal-plug-in = Plug in a board in download mode
window-refusal-unplugged = The board is unplugged
window-refusal-flashing = The board is being flashed
window-refusal-flash-next = Press Flash next for the next board
window-refusal-flash-again = Press Flash again, or Flash next for the next board
window-wrong-chip = Can't flash: the file is for { $chip }

## Desk

window-step-firmware = 1  Firmware
window-step-board-none = 2  Board
window-step-board = 2  Board: { $chip } at USB { $path }
window-step-flash = 3  Flash
window-open-locked = Locked to the factory profile: Unlock with the engineer's PIN
window-file-dialog-open = The file dialog is open
window-no-file-dialog = No file dialog can be shown on this computer. Drag the dfu.bin onto this window instead, or install a file-dialog service (the XDG desktop portal, or zenity).

## Station's strip and its setup

window-station-default-name = Station
window-file-for-sha = For { $chip } · SHA-256 { $sha }
window-checking = Checking { $name }...
window-no-firmware-file = No firmware file
window-shift-passed = PASS { $count }
window-shift-failed = FAIL { $count }
# $rate is a number or "-" before the first board.
window-boards-per-hour = { $rate } boards/h
window-boards-per-hour-hint = The pace since the first board of the shift
window-no-rows-left = No rows left of { $rows }: the line stops
window-rows-left = { $left } of { $rows } rows left
window-rows-left-hint = Per-board data: rows of the values file no board has had yet
# The banner while the line's database cannot be reached (the store and the reason are
# in its hover text).
window-line-away = The line's database cannot be reached. Flashing goes on; { $waiting ->
    [0] records wait on this computer
    [one] 1 record waits on this computer
   *[other] { $waiting } records wait on this computer
} until it is back.
window-line-away-boards-wait = The line's database cannot be reached: boards with per-board data wait until it answers.{ $waiting ->
    [0] {""}
    [one] {" "}1 record waits on this computer.
   *[other] {" "}{ $waiting } records wait on this computer.
}
window-auto-on = { " " }AUTO ON{ " " }
window-auto-on-hint = Every board that fits the file is flashed as it is plugged in
window-station-setup-button = Station setup...
window-station-setup-hint = Auto mode, sound, station name, log folder, profile
window-station-setup = Station setup
window-log-folder = Production log folder

## The bottom panel's tabs

window-session-log = Session log
window-production-log = Production log

## Quitting

window-held-records-title = Records not written yet
window-held-records = { $count ->
    [one] { $count } record is not written to the production log yet: it cannot be written. Quitting now loses them.
   *[other] { $count } records are not written to the production log yet: it cannot be written. Quitting now loses them.
}
window-keep-waiting = Keep waiting
window-quit-anyway = Quit anyway
window-quit-while-flashing = { $count ->
    [one] { $count } board is flashing. Stop them and quit?
   *[other] { $count } boards are flashing. Stop them and quit?
}
window-stop-and-quit = Stop them and quit
window-keep-flashing = Keep flashing
window-stopped-are-cancelled = Each stopped board is recorded as cancelled and must be flashed again.
window-stopping = { $count ->
    [one] Stopping { $count } board is flashing...
   *[other] Stopping { $count } boards are flashing...
}
window-closes-when-recorded = The window closes once every flash has ended and been recorded.

## The selected board and its result

window-cancel = Cancel
window-cancel-hint = Stop now; the board keeps part of the new firmware and must be flashed again
# $reset is the sentence that says to press RESET; $seconds has one decimal.
window-pass-press-reset = { station-press-reset } (flashed in { $seconds }{"\u00A0"}s)
window-flash-again = Flash again
window-flash-again-hint = Flash this board again with the same file
window-flash-next = Flash next
window-flash-next-hint = Clear this result and go on with the next board
window-details = Details
window-error-code = Error code: { $code }
window-rate = { $size }/s
# $time is minutes:seconds.
window-time-left = { $time } left
window-done-of-total = { $done } of { $total }

## A state in a few words

window-status-pass = { station-pass }. { station-press-reset }
window-status-fail = FAIL. { $reason }
window-unplugged = Unplugged
window-ready-no-file = Ready. Open a firmware file to flash it.
window-ready-checking-file = Ready. The file is being checked...
window-ready-file-refused = Ready. The file in step 1 can't be flashed: open another.
window-ready = Ready to flash
window-file-valid = Valid DFU file
window-file-valid-warnings = { $count ->
    [one] Valid, { $count } warning
   *[other] Valid, { $count } warnings
}

## Sizes


## The board list

window-board-row = Board { $path }: { $chip }, { $mode }, { $state }
window-boards = Boards
window-no-board-yet = No board yet. Plug in an ESP32-S2/S3 in download mode; it shows up here at once.
window-no-hardware = No hardware at hand? Help > Plug in an emulated board.
window-usb-path = USB { $path }
window-unit = unit { $unit }
window-serial = serial { $serial }
window-dismiss = Dismiss
window-cannot-flash = Can't flash
window-demo-board = Demo board:
window-unplug = Unplug
window-unplug-hint = Pull the emulated board out
window-put-in-download-mode = Put in download mode
window-put-in-download-mode-hint = Hold BOOT and press RESET on the emulated board

## The file card and its flash map

window-open = Open...
window-open-hint = Choose a dfu.bin
window-drop-here = Drop the dfu.bin here, or press Open...
window-any-chip = any chip (not recorded in the file)
window-file-for-size = For { $chip } · { $size }
window-sha256 = SHA-256
window-flash-size = Flash size
window-unknown = unknown
window-flash-map = Flash map ({ $size })
window-region = { $name } at { $address }, { $size }
window-region-details =
    { $name }
    { $start } - { $end }
    { $size } in { $count ->
        [one] { $count } part
       *[other] { $count } parts
    }
window-drop-to-check = Drop the DFU file to check it

## File dialogs

window-open-dfu-file = Open a DFU file
window-filter-dfu = DFU file
window-filter-binary = Binary file
window-filter-any = Any file
window-no-session-bus = no session bus ({ $error })
window-portal-missing = { $name } is not on the session bus
window-no-dialog-service = No XDG desktop portal ({ $why }) and no zenity.
window-save-support-report = Save support report
window-report-saved = Saved to { $path }. Send this file to whoever helps you.
window-report-not-saved = Could not save to { $path }: { $error }

## The driver doctor (Windows): a board's card in the list and in the Windows driver help

driver-install-hint = Installs Espressif's signed WinUSB driver on this board's DFU interface only; its serial port keeps its driver.
driver-show-steps = Show the steps
driver-show-steps-hint = Opens the Windows driver help.
# A board card's badge: short.
driver-badge-needed = Needs its USB driver
driver-badge-wrong = Wrong USB driver
driver-installing = Installing the driver: answer Yes when Windows asks for permission...
driver-installed = Driver installed. If the board does not appear, replug it.
driver-installed-restart = Driver installed: restart the computer to finish.
driver-install-declined = Not installed: Windows' permission was not given. Press { driver-install } again and answer Yes.
driver-install-no-device = Not installed: Windows found no board for the driver. Replug the board in download mode and try again.
driver-install-timed-out = Not installed: the installer had not finished after { $seconds } s.
# $code: pnputil's exit code. The log's path is Windows' own.
driver-install-failed = Not installed: the installer failed (pnputil code { $code }; C:\Windows\INF\setupapi.dev.log says why). Install WinUSB with Zadig instead, as the steps in Help show.
# $error: the system's words.
driver-install-not-started = Not installed: the installer could not start ({ $error }).
