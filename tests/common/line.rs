//! The line's tests: a throw-away PostgreSQL cluster (Debian's `postgresql`, installed by
//! `bash tests/run.sh --deps`; without it these tests fail, they never skip) and the
//! files of a line (dfu.bin with an NVS partition, config, values, profiles).
//!
//! The cluster is made with `initdb` in a temporary folder, as the `postgres` user when
//! the tests run as root (PostgreSQL refuses to run as root), and listens on 127.0.0.1 at
//! a free port and on a Unix socket in that folder. It is stopped when dropped, also when
//! the test fails. Password authentication (SCRAM) over TCP, as a factory's would be;
//! fsync is off, as nothing here tests the server's own durability.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use station::{LoadedImage, check_file};
use tempfile::TempDir;

/// The line's database user and its password.
pub const USER: &str = "dfu";
pub const PASSWORD: &str = "line-test-s3cret";
/// The line's database.
pub const DATABASE: &str = "line";

/// Where board.csv's partition table puts the `nvs` partition, and its size.
pub const NVS_ADDRESS: usize = 0x9000;
pub const NVS_SIZE: usize = 0x6000;

const CONFIG: &str = "app,namespace,\nserial,data,string\ncalib,data,u32\nkey,data,hex2bin\n";

/// A PostgreSQL cluster of its own, stopped on drop.
pub struct Cluster {
    dir: TempDir,
    bin: PathBuf,
    port: u16,
    /// Run the server's programs as this user (`postgres` when we are root).
    user: Option<&'static str>,
}

impl Cluster {
    /// Makes and starts a cluster with the line's user and an empty database.
    pub fn start() -> Cluster {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|versions| {
                versions
                    .filter_map(|v| v.ok().map(|v| v.path().join("bin")))
                    .filter(|bin| bin.join("initdb").is_file())
                    .max()
            })
            .expect(
                "PostgreSQL is not installed: run `bash tests/run.sh --deps` (Debian package postgresql)",
            );
        let dir = tempfile::tempdir().unwrap();
        let root = unsafe { libc::geteuid() } == 0;
        let user = root.then_some("postgres");
        if root {
            let chown = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(chown.success());
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Cluster {
            dir,
            bin,
            port,
            user,
        };
        // The superuser's password (its socket logins are trusted; TCP ones are not).
        let superuser_password = cluster.dir.path().join("superuser-password");
        std::fs::write(&superuser_password, "postgres\n").unwrap();
        let initdb = cluster
            .server("initdb")
            .args([
                "-D",
                cluster.data().to_str().unwrap(),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
                "--pwfile",
                superuser_password.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(initdb.status.success(), "initdb: {}", text(&initdb));
        std::fs::write(cluster.password_file(), format!("{PASSWORD}\n")).unwrap();
        cluster.start_again();
        for sql in [
            format!("CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'"),
            format!("CREATE DATABASE {DATABASE} OWNER {USER}"),
        ] {
            let out = cluster
                .psql_command("postgres")
                .args(["-c", &sql])
                .output()
                .unwrap();
            assert!(out.status.success(), "psql {sql}: {}", text(&out));
        }
        cluster
    }

    /// The line's store: `postgres://dfu@127.0.0.1:PORT/line` (the password apart).
    pub fn url(&self) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{DATABASE}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A file holding the line user's password (for `password_file`, `--password-file`),
    /// written once by [`Cluster::start`] (never rewritten while a station may read it).
    pub fn password_file(&self) -> PathBuf {
        self.dir.path().join("line-password")
    }

    /// Runs `sql` in the line's database as the superuser; its rows, unaligned, `|`
    /// between columns. Panics on an error.
    pub fn psql(&self, sql: &str) -> String {
        let out = self
            .psql_command(DATABASE)
            .args(["-c", sql])
            .output()
            .unwrap();
        assert!(out.status.success(), "psql {sql}: {}", text(&out));
        String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
    }

    /// A psql session on the line's database, its input piped: statements written to it
    /// run in turn (a test holds a lock this way).
    pub fn session(&self) -> Child {
        self.psql_command(DATABASE)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Stops the server (fast: sessions are ended, as when a database host goes down).
    pub fn stop(&self) {
        let out = self.pg_ctl(&["-m", "fast", "stop"]);
        assert!(out.status.success(), "pg_ctl stop: {}", text(&out));
    }

    /// Starts the server (again).
    pub fn start_again(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        let out = self.pg_ctl(&["-l", log.to_str().unwrap(), "-o", &options, "start"]);
        let server_log = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            out.status.success(),
            "pg_ctl start: {}\n{server_log}",
            text(&out)
        );
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// psql on `database` as the superuser, over the Unix socket.
    fn psql_command(&self, database: &str) -> Command {
        let mut command = self.server("psql");
        command
            .args([
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-U",
                "postgres",
                "-h",
            ])
            .arg(self.dir.path())
            .args(["-p", &self.port.to_string(), "-d", database]);
        command
    }

    fn pg_ctl(&self, args: &[&str]) -> Output {
        self.server("pg_ctl")
            .args(["-D", self.data().to_str().unwrap(), "-w", "-t", "60"])
            .args(args)
            .output()
            .unwrap()
    }

    /// One of the server's programs, run as the server's user.
    fn server(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        match self.user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["-m", "immediate", "stop"]);
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The unit ids SN-0001... in order.
pub fn ids(rows: usize) -> Vec<String> {
    (1..=rows).map(|i| format!("SN-{i:04}")).collect()
}

/// A values file of `rows` units.
pub fn values(rows: usize) -> String {
    let mut text = String::from("serial,calib,key\n");
    for (i, id) in ids(rows).iter().enumerate() {
        text.push_str(&format!("{id},{},{:02x}a0b0c0d0\n", 1000 + i, i));
    }
    text
}

/// An ESP32-S2 dfu.bin with ESP-IDF's partition table (`nvs` at 0x9000) and 16 KiB of app.
pub fn dfu_bin() -> Vec<u8> {
    let table = std::fs::read(super::vector("partitions/board.bin")).unwrap();
    firmware::pack(
        &[
            firmware::FlashFile {
                address: 0x8000,
                name: "partition-table.bin".into(),
                data: table,
            },
            firmware::FlashFile {
                address: 0x20000,
                name: "app.bin".into(),
                data: super::sample(16 << 10, 3),
            },
        ],
        &firmware::PackOptions::default(),
    )
    .unwrap()
}

/// The line's files in `dir`: dfu.bin, config.csv and values.csv of `rows` units.
pub fn files(dir: &Path, rows: usize) -> Arc<LoadedImage> {
    let file = dfu_bin();
    std::fs::write(dir.join("dfu.bin"), &file).unwrap();
    std::fs::write(dir.join("config.csv"), CONFIG).unwrap();
    std::fs::write(dir.join("values.csv"), values(rows)).unwrap();
    check_file(&dir.join("dfu.bin"), Box::new(move || Ok(file))).unwrap()
}

/// A station's folder in `dir`: its profile (`station.toml`: the line's dfu.bin and
/// config from `files`, per-board data when `provision`, the store with its password in
/// a file) and its log folder `logs`. Returns the profile's path.
pub fn station(
    dir: &Path,
    files: &Path,
    name: &str,
    cluster: &Cluster,
    provision: bool,
) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let image = files.join("dfu.bin");
    let sha = hex::encode(Sha256::digest(std::fs::read(&image).unwrap()));
    let mut toml = format!(
        "station = \"{name}\"\nimage = \"{}\"\nimage_sha256 = \"{sha}\"\nauto_flash = true\nlog_folder = \"logs\"\n",
        image.display()
    );
    if provision {
        toml.push_str(&format!(
            "\n[provision]\nconfig = \"{}\"\n",
            files.join("config.csv").display()
        ));
    }
    toml.push_str(&format!(
        "\n[line]\nstore = \"{}\"\npassword_file = \"{}\"\n",
        cluster.url(),
        cluster.password_file().display()
    ));
    let path = dir.join("station.toml");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(toml.as_bytes()).unwrap();
    path
}

/// `dfu-station ARGS` in English with the line's password in the environment.
pub fn dfu_station(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dfu-station"));
    command
        .env("DFU_STATION_LANG", "en")
        .env("DFU_STATION_LINE_PASSWORD", PASSWORD)
        .args(args);
    command
}

/// `line init` and `line import` of the files in `dir` into `cluster`.
pub fn init_and_import(cluster: &Cluster, dir: &Path) {
    let url = cluster.url();
    for args in [
        vec!["line", "init", "--store", &url],
        vec![
            "line",
            "import",
            dir.join("config.csv").to_str().unwrap(),
            dir.join("values.csv").to_str().unwrap(),
            "--store",
            &url,
        ],
    ] {
        let out = dfu_station(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out));
    }
}
