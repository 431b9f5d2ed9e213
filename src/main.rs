use std::process::ExitCode;

fn main() -> ExitCode {
    dfu_station::cli::run()
}
