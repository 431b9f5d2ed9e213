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
station-press-reset-after = { station-press-reset } ({ $seconds }{"\u00A0"}s)
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
# $message: what is wrong with the file, in English for the engineer.
station-log-refused = Refused { $path } [{ $code }]: { $message }
station-log-flashing = { $path }  flashing
station-log-pass = { $path }  PASS in { $seconds } s
# $reason: what happened, in English for the engineer.
station-log-fail = { $path }  FAIL [{ $code }]: { $reason }
station-log-folder = Production log in { $folder }
station-log-no-tones = No result tones: { $why }
station-log-demo = Demo mode: emulated boards on an in-process bus

# The production log cannot be written: the banner and the command line's line.
station-log-paused = Production log not writable: { $error }. Flashing is paused.{ $held ->
    [0] {""}
    [one] {" "}1 record is held until it can be written.
   *[other] {" "}{ $held } records are held until they can be written.
}

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
