# Words used across the window and the command line.
# Keys: lowercase words joined by "-", named after what they say (not where).
# Variables: $count (a number: plurals go through Fluent), $name, $path, ...

# The language menu's label.
language = Language

# The window could not start (a native dialog, or stderr).
start-failed-title = DFU Station cannot start
start-failed = DFU Station cannot start: { $error }
# The Windows launcher could not start the program ($app: its file name; $error: the system's words).
start-app-failed = DFU Station could not start { $app }: { $error }
start-window-failed = could not open the window: { $errors }
start-renderer-failed = dfu-station: the { $renderer } renderer could not open the window: { $error }

# Sizes: whole units without decimals, else one decimal (i18n::size).
size-bytes = { $count ->
    [one] { $count } byte
   *[other] { $count } bytes
}
size-kib = { $size } KiB
size-mib = { $size } MiB

# The system's fonts could not be listed: the bundled Chinese font is used.
fonts-system-failed = dfu-station: the system's fonts could not be listed; the window uses its own fonts.
