# cli: what the command line says to people (not its --help, JSON or failure codes).
# Paths, chip names, codes, hex numbers and commands go in as variables, unchanged.

## Files

# $what: the path and the system's reason.
cli-cannot-read = Cannot read { $what }
# The same after a command's name ("pack: cannot read ...").
cli-cannot-read-after-command = cannot read { $what }
cli-cannot-write = cannot write { $path }: { $error }
cli-cannot-write-manual = cannot write the manual page: { $error }
cli-exists-already = { $path } exists already: give --force to replace it
cli-not-a-file = { $path } is not a file
cli-report-written = Wrote the support report to { $path }
cli-no-window-in-this-build = this build has no window (it was built without the cargo feature `gui`). Use a command below, or build the app with the window: `cargo build --release` (the default features).
# After a refused app image or ELF file: the command that makes a dfu.bin from it.
cli-make-dfu-bin-with = Make a dfu.bin from it: { $command }

## info: what a file would write where

cli-file-invalid = { $path }: INVALID ({ $code })
# $kind: esp or dfu; $id: VID:PID in hex.
cli-file-valid-for-chip = { $path }: valid { $kind } image for { $chip } [{ $id }]
cli-file-valid-for-any-esp-chip = { $path }: valid { $kind } image for any ESP chip [{ $id }]
cli-file-valid-for-any-device = { $path }: valid { $kind } image for a generic DFU device [{ $id }]
# The labels are padded to one width, so the values line up.
cli-file-flash-size = Flash size:  { $size }
cli-file-payload = Payload:     { $bytes } bytes sent to the device
cli-file-sha256 = SHA-256:     { $sha256 }
cli-column-address = Address
cli-column-size = Size
cli-column-parts = Parts
cli-column-name = Name
cli-file-warnings = Warnings:

## pack

cli-unknown-chip = "{ $text }" is not a chip DFU Station knows ({ $known })
cli-not-a-product-id = "{ $text }" is not a USB product ID in hex (e.g. 2 or 0x0009)
cli-files-come-in-pairs = files come in ADDRESS FILE pairs; the last address has no file
# $size: the flash it covers (e.g. 1.5 MiB); $bytes: the file's length.
cli-packed-for-chip = Wrote { $path } for { $chip }: { $regions } regions, { $size } in flash, { $bytes } bytes
cli-packed-for-any-chip = Wrote { $path } for any chip: { $regions } regions, { $size } in flash, { $bytes } bytes

## list --watch

cli-board-added = Added: { $board }
cli-board-removed = Removed: { $board }

## flash

# $board: chip and VID:PID, e.g. ESP32-S2 [303a:0002]; $path: its USB port.
cli-board-at-path = { $board } at { $path }
cli-flashed-press-reset = Flashed { $file } ({ $bytes } bytes) to { $board }. Press RESET on the board to start the new firmware: the ESP ROM stays in download mode until then.
# $what: the phase, and the part being written.
cli-flash-progress = { $what }: { $percent }% ({ $done } of { $total } bytes)

## provision

cli-not-a-size = "{ $text }" is not a size: write it like 0x6000 or 24576
# $size in hex.
cli-nvs-written = Wrote { $path }: an NVS partition image of { $size } bytes (format version { $version })
cli-nvs-read-only = Below 0x3000 bytes NVS is read-only: flag the partition readonly in the partition table.
cli-values-have-no-problems = { $path }: { $units } units, no problems
# $place: FILE:ROW.
cli-values-problem = { $place }: { $message }
cli-values-problem-in-column = { $place }: column { $column }: { $message }
cli-values-problems-count = { $count ->
    [one] { $count } problem
   *[other] { $count } problems
}

## station and flash --all

cli-no-profile = No profile: give --profile FILE, or put { $file } next to the executable.
cli-station-started = Station { $station }: auto mode with { $file } (SHA-256 { $sha256 }), log in { $folder }. Plug boards in; Ctrl-C stops.
# $offset and $size in hex.
cli-board-data-to-give = Per-board data: { $values } into partition "{ $partition }" at { $offset } ({ $size } bytes), { $left } of { $rows } rows left; row journal { $journal }
cli-no-rows-left-nothing-flashed = No rows left: all { $rows } rows of { $values } have been given to boards. Nothing was flashed.
cli-no-rows-left-line-stops = No rows left: all { $rows } rows of the per-board data have been given; the line stops.
cli-log-not-writable-nothing-flashed = Production log not writable: { $error }. Nothing was flashed.
cli-log-opened = Production log: { $folder }
cli-no-result-tones = No result tones: { $reason }
cli-board-skipped = { $path }  { $chip }  skipped: not for this file
cli-no-board-for-file = No board for { $file } is connected.
cli-boards-without-result = { $count } board(s) got no result: the station stopped. Flash them again.
cli-profile-without-board-data = The profile { $path } has no [provision] section (config, values, partition): it gives no per-board data.
cli-ctrl-c-not-caught = Ctrl-C cannot be caught ({ $error }): it ends the program at once.
cli-stopping = Stopping: boards still flashing are cancelled and recorded (Ctrl-C again quits at once).
# A board's live line: $board is its port and chip; $words its state (PASS, FAIL...).
cli-board-unit = { $board }  unit { $unit }
cli-board-passed-in = { $board }  { $words } in { $seconds } s
# The shift's counts; $rate (boards per hour) and $rows (rows left) may be "none".
cli-shift = Shift: { $passed } passed, { $failed } failed, { $total } total{ $rate ->
        [none] {""}
       *[other] , { $rate } boards/hour
    }{ $rows ->
        [none] {""}
       *[other] , { $rows } rows left
    }

## The line's store: station and flash --all with a [line] profile, and `line`

cli-not-a-demo-fault = "{ $text }" is not PATH@BLOCK (e.g. 1-5@150)
cli-line-records-go-to = Line: every record also goes to { $store }.
cli-line-records-wait = { $count ->
    [one] 1 record waits in the local log for the line's database { $store }: it is sent when this station next starts with it.
   *[other] { $count } records wait in the local log for the line's database { $store }: they are sent when this station next starts with it.
}
# $offset and $size in hex.
cli-line-board-data-to-give = Per-board data: units of { $store } (config { $config }) into partition "{ $partition }" at { $offset } ({ $size } bytes), { $left } of { $rows } units left
cli-line-no-units-left-nothing-flashed = No rows left: all { $rows } units imported with this config into { $store } have been given to boards. Nothing was flashed.
cli-line-back = The line's database { $store } answers again{ $waiting ->
    [0] .
   *[other] ; the { $waiting } records kept meanwhile are being sent, oldest first.
}
cli-line-schema-current = { $store }: schema version { $version }, already current. Nothing changed.
cli-line-schema-applied = { $store }: schema version { $from } -> { $to } applied.
cli-line-imported = Imported { $units } units of { $values } into { $store }: { $left } of { $total } units of this config left.
# The line's status; $last may be "none".
cli-line-status = Line { $store }: { $passed } passed, { $failed } failed; units: { $left } left, { $claimed } being flashed, { $flashed } flashed, { $spent } spent; last record { $last ->
        [none] none
       *[other] { $last }
    }
cli-line-status-station = {"  "}{ $station }: { $passed } passed, { $failed } failed; units: { $flashed } flashed, { $spent } spent, { $claimed } being flashed; last record { $last ->
        [none] none
       *[other] { $last }
    }{ $minutes ->
        [none] {""}
       *[other] {" "}({ $minutes } min ago)
    }
cli-line-status-silent = Silent for more than { $minutes } minutes: { $stations }
