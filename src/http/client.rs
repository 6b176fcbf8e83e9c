//! A minimal blocking HTTP/1.1 client for the CLI talking to its own daemon
//! on loopback (no TLS, `Connection: close`). Not for the open internet.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::Context as _;

/// POSTs `body` as JSON to `path` and copies a 2xx answer to `out`; any
/// other status becomes an error carrying the daemon's message.
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
    stream.set_read_timeout(Some(Duration::from_secs(600)))?;
    let payload = serde_json::to_vec(body)?;
    let mut w = stream.try_clone()?;
    write!(
        w,
        "POST {path} HTTP/1.1\r\nHost: {listen}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    )?;
    w.write_all(&payload)?;
    w.flush()?;
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
        let text = String::from_utf8_lossy(&error_body);
        anyhow::bail!("daemon answered {status}: {}", text.trim())
    }
}
