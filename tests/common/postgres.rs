//! A private PostgreSQL 15 for the tests that need the shared store
//! (`notes/postgres.md`): one server per test binary on 127.0.0.1, in a
//! temporary directory, stopped (and its directory removed) when the test
//! binary exits. Each test takes a fresh database from it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = "/usr/lib/postgresql/15/bin";

/// The running server of this test binary.
pub struct Postgres {
    pub port: u16,
    pub dir: PathBuf,
}

/// Starts (once per test binary) a private PostgreSQL on `port`.
pub fn server(port: u16) -> &'static Postgres {
    static SERVER: OnceLock<Postgres> = OnceLock::new();
    SERVER.get_or_init(|| start(port))
}

/// Starts (once per test binary) a private PostgreSQL on `port` that takes
/// TLS connections only (`hostssl`), with a certificate for the host name
/// `db.internal` signed by a test CA; `Tls` says where the CA files are.
pub fn tls_server(port: u16) -> &'static (Postgres, Tls) {
    static SERVER: OnceLock<(Postgres, Tls)> = OnceLock::new();
    SERVER.get_or_init(|| {
        let server = start_with(port, make_certificates);
        let tls = Tls {
            ca: server.dir.join("ca.crt"),
            other_ca: server.dir.join("other-ca.crt"),
        };
        (server, tls)
    })
}

/// The test CA that signed the server's certificate, and another one.
pub struct Tls {
    pub ca: PathBuf,
    pub other_ca: PathBuf,
}

/// Self-signed CAs, the server's key and certificate (for `db.internal`
/// only) in `data`, TLS on and plain TCP refused.
fn make_certificates(dir: &Path, data: &Path) -> Vec<String> {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("run openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    for ca in ["ca", "other-ca"] {
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &format!("{ca}.key"),
            "-out",
            &format!("{ca}.crt"),
            "-days",
            "30",
            "-subj",
            &format!("/CN=carousel {ca}"),
        ]);
    }
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:db.internal
basicConstraints=CA:FALSE
         keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
",
    )
    .unwrap();
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=db.internal",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "30",
        "-extfile",
        "server.ext",
    ]);
    for file in ["server.crt", "server.key"] {
        std::fs::copy(dir.join(file), data.join(file)).unwrap();
    }
    std::fs::write(
        data.join("pg_hba.conf"),
        "local all all trust
hostssl all all 127.0.0.1/32 trust
",
    )
    .unwrap();
    let _ = Command::new("chown")
        .args(["-R", "postgres:postgres"])
        .arg(data)
        .status();
    let _ = Command::new("chmod")
        .arg("600")
        .arg(data.join("server.key"))
        .status();
    vec![
        "-c ssl=on".into(),
        format!("-c ssl_cert_file={}", data.join("server.crt").display()),
        format!("-c ssl_key_file={}", data.join("server.key").display()),
    ]
}

/// A new empty database on the server; returns its connection URL.
pub fn fresh_database(port: u16) -> String {
    server(port);
    url(port, &new_database(port))
}

/// A new empty database on this binary's server (started already); its name.
pub fn new_database(port: u16) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    psql(port, "postgres", &format!("CREATE DATABASE {name}"));
    name
}

pub fn url(port: u16, database: &str) -> String {
    format!("postgresql://carousel@127.0.0.1:{port}/{database}")
}

/// Runs one SQL statement with psql; returns its unaligned output.
pub fn psql(port: u16, database: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-U",
            "carousel",
            "-d",
            database,
        ])
        .args(["-v", "ON_ERROR_STOP=1", "-tA", "-c", sql])
        .output()
        .expect("run psql (apt-get install postgresql)");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn as_postgres(args: &[&str]) -> Command {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]);
        c
    } else {
        Command::new("env")
    };
    cmd.args(args);
    cmd
}

fn start(port: u16) -> Postgres {
    start_with(port, |_, _| Vec::new())
}

/// Starts a server; `prepare` gets the server's directory and its data
/// directory after initdb, and returns more server options.
fn start_with(port: u16, prepare: impl FnOnce(&Path, &Path) -> Vec<String>) -> Postgres {
    assert!(
        Path::new(BIN).join("initdb").exists(),
        "PostgreSQL 15 is not installed: apt-get install postgresql (scripts/test.sh does)"
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create PostgreSQL dir");
    let _ = Command::new("chown")
        .args(["postgres:postgres"])
        .arg(&dir)
        .status();
    let data = dir.join("data");
    let d = dir.display().to_string();
    let data_s = data.display().to_string();
    let initdb = format!("{BIN}/initdb");
    let ok = as_postgres(&[
        &initdb,
        "-D",
        &data_s,
        "-A",
        "trust",
        "-U",
        "carousel",
        "--no-sync",
        "-E",
        "UTF8",
    ])
    .stdout(Stdio::null())
    .status()
    .expect("run initdb");
    assert!(ok.success(), "initdb failed in {d}");
    let pg_ctl = format!("{BIN}/pg_ctl");
    let log = format!("{d}/log");
    let extra = prepare(&dir, &data).join(" ");
    let opts = format!(
        "-k {d} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off -c max_connections=200 {extra}"
    );
    let ok = as_postgres(&[
        &pg_ctl, "-D", &data_s, "-l", &log, "-w", "-o", &opts, "start",
    ])
    .stdout(Stdio::null())
    .status()
    .expect("run pg_ctl");
    assert!(ok.success(), "PostgreSQL did not start: see {log}");
    // Stopped when this test binary exits, however it exits.
    let watch = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         {stop}; rm -rf {d}",
        pid = std::process::id(),
        stop = if is_root() {
            format!("runuser -u postgres -- {pg_ctl} -D {data_s} -m immediate -w stop")
        } else {
            format!("{pg_ctl} -D {data_s} -m immediate -w stop")
        }
    );
    // `setsid -f` forks the watcher off and returns at once.
    Command::new("setsid")
        .args(["-f", "sh", "-c", &watch])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("spawn the PostgreSQL watcher");
    Postgres { port, dir }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false)
}

/// A config on a PostgreSQL store (`CAROUSEL_DATABASE_URL`) with a Maildir
/// source `inbox` (created) polled every 50 ms and one rep, Dana.
pub fn maildir_config(dir: &Path) -> PathBuf {
    let text = "[store]\nbackend = \"postgres\"\nurl_env = \"CAROUSEL_DATABASE_URL\"\n\n\
[[mailbox]]\nname = \"leads\"\nmaildir = \"inbox\"\npoll_ms = 50\n\n\
[outbox]\ndir = \"outbox\"\nfrom = \"Acme <hello@acme.example>\"\nmessage_id_domain = \"carousel.acme.example\"\n\n\
[[rep]]\nname = \"Dana\"\nemail = \"dana@acme.example\"\n";
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(dir.join("inbox").join(sub)).unwrap();
    }
    path
}
