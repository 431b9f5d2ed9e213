# Words used across the window and the command line.
# Keys: lowercase words joined by "-", named after what they say (not where).
# Variables: $count (a number: plurals go through Fluent), $name, $path, ...

# The language menu's label.
language = Language
boards-count = { $count ->
    [one] { $count } board
   *[other] { $count } boards
}
