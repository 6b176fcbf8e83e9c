//! Checks shared by every IMAP and SMTP connection table (port range, no
//! password in the file, TLS unless loopback), and the listener's address.

use super::*;

/// The common shape of an IMAP or SMTP connection, for validation.
pub(super) struct Connection<'a> {
    pub(super) host: &'a str,
    pub(super) port: &'a Spanned<i64>,
    pub(super) tls: TlsMode,
    pub(super) allow_insecure: bool,
    pub(super) password: Option<&'a Spanned<String>>,
    pub(super) password_env: Option<&'a String>,
    pub(super) password_file: Option<&'a PathBuf>,
    pub(super) needs_password: bool,
}

impl Connection<'_> {
    pub(super) fn problems(&self, what: &str) -> Vec<(Option<std::ops::Range<usize>>, String)> {
        let mut out = Vec::new();
        let port = *self.port.get_ref();
        if !(1..=65535).contains(&port) {
            out.push((
                Some(self.port.span()),
                format!("{what}: port {port} is not between 1 and 65535"),
            ));
        }
        if let Some(p) = self.password {
            out.push((
                Some(p.span()),
                format!("{what}: passwords are never written in the config; use `password_env` or `password_file`"),
            ));
        }
        if self.needs_password
            && self.password_env.is_none()
            && self.password_file.is_none()
            && self.password.is_none()
        {
            out.push((
                Some(self.port.span()),
                format!("{what}: set `password_env` or `password_file`"),
            ));
        }
        if self.tls == TlsMode::None && !is_local(self.host) && !self.allow_insecure {
            out.push((
                Some(self.port.span()),
                format!("{what}: tls = \"none\" to {} would send the password in clear; use TLS or set allow_insecure = true", self.host),
            ));
        }
        out
    }
}

/// True for `host:port` with a numeric port (`127.0.0.1:8025`, `[::1]:80`,
/// `localhost:8025`): what the listener can bind.
pub(super) fn is_listen_address(listen: &str) -> bool {
    if listen.parse::<std::net::SocketAddr>().is_ok() {
        return true;
    }
    match listen.rsplit_once(':') {
        Some((host, port)) => {
            !host.is_empty()
                && !host.contains(char::is_whitespace)
                && port.parse::<u16>().is_ok_and(|p| p > 0)
        }
        None => false,
    }
}
