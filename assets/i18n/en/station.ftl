# The station: its tiles and slots, the production log's view, the factory settings and
# their lock, the session log, and the words for a board's state and a flash's phase that
# the window and the command line share.
# Variables: $path (a USB port path like 1-2, or a file), $chip (ESP32-S2), $part (app.bin),
# $seconds (a number), $count (a number: plurals go through Fluent), $code (wrong-chip).

## A board's state and a flash's phase

station-ready = Ready
# The result words: shown large on a tile, so keep them short.
station-pass = PASS
station-fail = FAIL
# A production log record's result when the flash was stopped.
station-cancelled = CANCELLED
station-cant-flash = Can't flash
station-unplugged = Unplugged
# How a board in the ESP ROM's download boot mode or in DFU mode is named (the same mode
# to a technician).
station-download-mode = download mode
station-press-reset = Press RESET on the board to start the new firmware.
station-phase-preparing = Preparing
# The board leaves its runtime interface for DFU mode.
station-phase-detaching = Detaching
station-phase-waiting = Waiting for the board
# A part of a file split into parts ($file: app.bin; $number counts from 1): what a
# flash's phase names instead of the archive's name (app.bin.1).
station-part-of = { $file }, part { $number } of { $count }
station-phase-erasing-index = Erasing the file index
station-phase-erasing-part = Erasing { $part }
station-phase-erasing-index-limit = Erasing the file index (up to { $seconds } s)
station-phase-erasing-part-limit = Erasing { $part } (up to { $seconds } s)
station-phase-writing-index = Writing the file index
station-phase-writing-part = Writing { $part }
# DFU's last step: the board takes the firmware in.
station-phase-manifesting = Manifesting
station-phase-done = Done

## The station view's tiles

station-no-board-yet = No board yet. Plug boards in. { advice-download-mode }
# A place on the fixture, counted from 1.
station-slot = Slot { $number }
# A tile's name for screen readers: "Slot 1: Board 1-1: ESP32-S3, download mode, PASS".
station-tile-name = { $slot }: { $board }
station-tile-board = { $chip } · USB { $path }
# The row of the per-board data a board was given (its id, e.g. SN-0003).
station-unit = Unit { $unit }
station-retry = Retry
station-retry-hint = Flash this board again
station-clear = Clear
station-clear-hint = Clear this result

## The production log's view (the log's files stay in English)

station-no-log-folder = No log folder chosen
station-open-folder = Open folder
station-open-folder-hint = Show the JSONL and CSV files in the file manager
station-choose-folder = Choose folder...
station-choose-folder-hint = Where the production log is written
station-log-folder-title = Production log folder
# $why: why the folder dialog failed.
station-no-folder-dialog = ⚠ No folder dialog can be shown on this computer: install a file-dialog service (the XDG desktop portal, or zenity), or start DFU Station with a profile that names the folder. { $why }
station-column-time = Time (UTC)
station-column-usb = USB
station-column-serial = Serial
station-column-chip = Chip
station-column-result = Result
station-column-error = Error
station-column-duration = Duration
station-duration = { $seconds }{"\u00A0"}s

## Factory settings, the profile and its lock

station-locked-to-profile = Locked to the factory profile
station-locked-why = Locked to the factory profile: Unlock with the engineer's PIN
station-paused-why = Flashing is paused: the production log cannot be written
station-auto-mode = Auto mode
station-auto-mode-hint = Flash every board that fits the file as soon as it is plugged in
station-sound = Sound
station-sound-hint = A short tone per result
station-name = Station name
station-name-placeholder = name
station-name-hint = Written to every record of the production log
station-unlock-button = Unlock...
# $name: the profile's file name.
station-locked-to = Locked to { $name }
station-locked-to-hint = The image and settings are set by the factory profile
station-save-profile = Save profile...
station-save-profile-hint = Lock this station to the current file and settings
station-save-profile-first = Open a valid file and choose a log folder first
station-unlock-title = Unlock the settings
station-unlock-explain = Enter the engineer's PIN to change the file or the settings.
station-pin = PIN
station-wrong-pin = Wrong PIN. Try again.
station-unlock = Unlock
station-cancel = Cancel
station-save-title = Save a factory profile
station-save-explain = The station starts locked to the current file and settings when started with --profile FILE, or with dfu-station.toml next to it.
station-profile-file = Profile file
station-profile-pin = PIN to unlock (empty: no PIN)
station-save-and-lock = Save and lock
station-replace-and-lock = Replace and lock
station-profile-exists = { $path } exists already. Press Replace and lock to overwrite it, or choose another name.

## The session log (its lines start with the time)

station-log-show = { $count ->
    [one] Show log ({ $count } line)
   *[other] Show log ({ $count } lines)
}
station-log-hide = { $count ->
    [one] Hide log ({ $count } line)
   *[other] Hide log ({ $count } lines)
}
station-log-show-hint = Show or hide the log
station-log-copy = Copy log
station-log-dropped = { $count ->
    [one] ({ $count } older line dropped)
   *[other] ({ $count } older lines dropped)
}
# $mode: station-download-mode.
station-log-board-arrived = { $path }  { $chip } in { $mode }, serial { $serial }
station-log-board-left = { $path }  left the bus
# $size: 1.5 MiB; $sha256: the first hex digits.
station-log-loaded = Loaded { $path }: { $size }, SHA-256 { $sha256 }
# $reason: what is wrong with the file, in plain words (the engineer's detail is shown apart).
station-log-refused = Refused { $path }: { $reason }
station-log-flashing = { $path }  flashing
station-log-pass = { $path }  PASS in { $seconds } s
# $reason: what happened, in plain words (the engineer's detail is shown apart).
station-log-fail = { $path }  FAIL: { $reason }
station-log-folder = Production log in { $folder }
station-log-no-tones = No result tones: { $why }
station-log-demo = Demo mode: emulated boards on an in-process bus

# The production log cannot be written: the banner and the command line's line.
station-log-paused = Production log not writable: { $error }. Flashing is paused.{ $held ->
    [0] {""}
    [one] {" "}1 record is held until it can be written.
   *[other] {" "}{ $held } records are held until they can be written.
}

## The driver doctor (Windows): the driver on a board's DFU interface, and what to do.
## The window and the command line say these; the headlines name no interface numbers.

driver-needed = This board needs its USB driver before it can be flashed.
# $driver: the driver's service name as Windows gives it (libusb0, usbser).
driver-wrong = This board has the wrong USB driver ({ $driver }), so it cannot be flashed.
# The button that installs the driver.
driver-install = Install driver
driver-press-install = Press { driver-install } and answer Yes when Windows asks for permission.
driver-no-package = Espressif publishes no signed driver for the { $chip }, so DFU Station cannot install it for you: install WinUSB with Zadig, as the steps in Help show.
# $path: where the installer puts the driver files.
driver-package-missing = The driver that comes with DFU Station is missing ({ $path }): reinstall DFU Station, or install WinUSB with Zadig, as the steps in Help show.
# $name: the board's entry in Device Manager. The words in quotes are Windows' own.
driver-remove = Remove it: in Device Manager, right-click "{ $name }", choose Uninstall device, tick "Attempt to remove the driver for this device", press Uninstall, then replug the board.
# $command: pnputil's command line, verbatim.
driver-remove-command = Or, in a command prompt run as administrator: { $command }
# For the engineer. $instance: Windows' device instance ID; $driver: the service name,
# $problem: Device Manager's problem code (28: no driver), each "-" when there is none.
driver-details = { $chip } download mode, USB interface 2: { $instance }; driver: { $driver }; problem code: { $problem }
# The command line's line per board ($headline: driver-needed or driver-wrong; $details: driver-details).
driver-line = { $chip }: { $headline } DFU Station's window says what to do. [{ $details }]

## The fixture's tiles (Station): a slot without a board, and the next step after a result

# A board at a USB port that the profile's slots do not name.
station-not-in-a-slot = Not in a slot
# A slot of the fixture with no board in it (shown large, in a quiet tile).
station-empty-slot = Empty: put a board in
# Under PASS while the board is still in its slot; then once it is out.
station-take-out-put-next = Take the board out and put the next one in
station-put-next = Put the next board in
# Under FAIL: the board left the bus to restart for flashing and never came back.
station-no-board-came-back = No board came back
station-no-board-came-back-next = Check the cable, then put the board back in download mode
# Under FAIL and "Unplugged": the failed board is out of its slot.
station-unplugged-next = Put it back in download mode to flash it again, or set it aside

## The line's store (a profile's [line]): the banner, the Station strip, units spent.

# While the line's database cannot be reached; $error is the technical reason (English).
station-line-unreachable = The line's database { $store } cannot be reached ({ $error }).{ $waiting ->
    [0] {" "}Records wait on this computer and are sent when it is back.
    [one] {" "}1 record waits on this computer and is sent when it is back.
   *[other] {" "}{ $waiting } records wait on this computer and are sent when it is back.
} Flashing goes on.
station-line-unreachable-boards-wait = The line's database { $store } cannot be reached ({ $error }).{ $waiting ->
    [0] {""}
    [one] {" "}1 record waits on this computer and is sent when it is back.
   *[other] {" "}{ $waiting } records wait on this computer and are sent when it is back.
} Boards with per-board data wait: no unit can be claimed until it answers.
station-line-units-spent = { $count ->
    [one] 1 unit claimed before this station stopped was never confirmed; it is spent (never given again): { $units }
   *[other] { $count } units claimed before this station stopped were never confirmed; they are spent (never given again): { $units }
}
station-line-totals = Line: { $passed } passed · { $failed } failed · { $left } rows left
station-line-totals-hint = The whole line's records and units, from its database { $store }.
