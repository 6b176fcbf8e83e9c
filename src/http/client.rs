//! How the CLI talks to its own running daemon: a minimal blocking HTTP/1.1
//! client (no TLS, `Connection: close`) over the daemon's Unix socket beside
//! the store (always served by `carousel run`), else over `[http] listen` on
//! loopback. Not for the open internet.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use anyhow::Context as _;

use crate::config::Config;

/// How long the CLI waits for the daemon to finish a verb (a big import or
/// report can take minutes).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(600);

/// The daemon ran the request and refused it: `message` is the verb's own
/// error, printed as is so the CLI says the same thing with or without a
/// daemon.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Refused {
    pub status: u16,
    pub message: String,
}

/// POSTs `body` as JSON to the daemon that holds `config`'s store: over its
/// Unix socket, else over `[http] listen`. A 2xx answer is copied to `out`;
/// a refusal is a [`Refused`] error carrying the daemon's message; a daemon
/// that cannot be reached is an error naming where it was looked for.
pub fn ask(
    config: &Config,
    path: &str,
    body: &serde_json::Value,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let socket = super::socket_path(config);
    let store = config.store_path();
    let via_socket = match UnixStream::connect(&socket) {
        Ok(stream) => {
            stream.set_read_timeout(Some(ANSWER_TIMEOUT))?;
            return exchange(stream, "carousel", path, body, out).map_err(|e| {
                if e.is::<Refused>() {
                    e
                } else {
                    e.context(format!(
                        "asking the daemon that holds {} over {}",
                        store.display(),
                        socket.display()
                    ))
                }
            });
        }
        Err(e) => format!("{}: {e}", socket.display()),
    };
    let Some(http) = &config.http else {
        anyhow::bail!(
            "the store {} is held by another process (a running `carousel run`?), and its socket does not answer ({via_socket})",
            store.display()
        );
    };
    post_json(&http.listen, path, body, out).map_err(|e| match e.downcast::<Refused>() {
        Ok(refused) => anyhow::Error::new(refused),
        Err(e) => e.context(format!(
            "the store {} is held by another process (a running `carousel run`?); neither its socket ({via_socket}) nor [http] listen = {} answers",
            store.display(),
            http.listen
        )),
    })
}

/// POSTs `body` as JSON to `path` at a TCP `listen` address and copies a 2xx
/// answer to `out`; any other status becomes a [`Refused`] error.
pub fn post_json(
    listen: &str,
    path: &str,
    body: &serde_json::Value,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let addr = listen
        .to_socket_addrs()
        .with_context(|| format!("bad address {listen}"))?
        .next()
        .with_context(|| format!("no address for {listen}"))?;
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .with_context(|| format!("connecting to {listen}"))?;
    stream.set_read_timeout(Some(ANSWER_TIMEOUT))?;
    exchange(stream, listen, path, body, out)
}

/// One request and its answer on a connected stream.
fn exchange<S: Read + Write>(
    mut stream: S,
    host: &str,
    path: &str,
    body: &serde_json::Value,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let payload = serde_json::to_vec(body)?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    )?;
    stream.write_all(&payload)?;
    stream.flush()?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("not an HTTP answer: {status_line:?}"))?;
    let mut length: Option<u64> = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            }
        }
    }
    let ok = (200..300).contains(&status);
    let mut error_body = Vec::new();
    let target: &mut dyn Write = if ok { &mut *out } else { &mut error_body };
    if chunked {
        loop {
            let mut size_line = String::new();
            reader.read_line(&mut size_line)?;
            let size = u64::from_str_radix(size_line.trim().split(';').next().unwrap_or("0"), 16)
                .context("bad chunk size")?;
            if size == 0 {
                break;
            }
            std::io::copy(&mut (&mut reader).take(size), target)?;
            let mut crlf = String::new();
            reader.read_line(&mut crlf)?;
        }
    } else if let Some(n) = length {
        std::io::copy(&mut (&mut reader).take(n), target)?;
    } else {
        std::io::copy(&mut reader, target)?;
    }
    if ok {
        Ok(())
    } else {
        Err(Refused {
            status,
            message: String::from_utf8_lossy(&error_body).trim().to_string(),
        }
        .into())
    }
}
