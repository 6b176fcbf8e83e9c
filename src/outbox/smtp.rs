//! The SMTP connection pool the sender uses: connections carousel opens
//! itself (STARTTLS, implicit TLS, or plain for localhost; AUTH with a
//! password or XOAUTH2), reused while idle, with a timeout on every step.
//!
//! Why not lettre's own pooled `AsyncSmtpTransport`: it opens sockets without
//! `TCP_NODELAY`, and lettre writes a message and its final `\r\n.\r\n` as
//! two writes, so Nagle's algorithm can hold the dot until the body is
//! ACKed (at least one round trip per message, up to the server's delayed-ACK
//! time); it sends a `NOOP` before every reuse of a pooled connection (one
//! more round trip per message); and its timeout covers only the TCP
//! connect. `SmtpPool` connects with `TCP_NODELAY`, skips the `NOOP`, puts a
//! timeout on every SMTP step, and retries a send once on a fresh
//! connection only when a reused one broke before any message content went
//! out (so a retry can never deliver twice).

use std::sync::Arc;
use std::time::Duration;

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Quit, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use tokio::io::{AsyncRead, AsyncWrite};

/// How to reach the SMTP server.
pub(super) struct SmtpServer {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) tls: ServerTls,
    pub(super) credentials: Option<Credentials>,
    /// AUTH XOAUTH2 as this user with tokens from the source (instead of `credentials`).
    pub(super) oauth2: Option<Box<(String, Arc<crate::oauth2::TokenSource>)>>,
    pub(super) hello: ClientId,
    /// For each SMTP step (`[outbox.delivery] timeout_secs`).
    pub(super) timeout: Duration,
}

pub(super) enum ServerTls {
    None,
    Starttls(TlsParameters),
    Implicit(
        tokio_rustls::TlsConnector,
        rustls_pki_types::ServerName<'static>,
    ),
}

/// Why a send failed. Never contains the password.
#[derive(Debug)]
pub(super) struct SmtpError {
    pub(super) text: String,
    /// A 5xx reply: do not retry.
    pub(super) permanent: bool,
    /// The connection is unusable: network error, timeout, garbled or
    /// missing reply, or 421 (the server is closing it).
    pub(super) broken: bool,
}

impl SmtpError {
    fn timeout(step: &str, after: Duration) -> SmtpError {
        SmtpError {
            text: format!("timed out after {} s: {step}", after.as_secs()),
            permanent: false,
            broken: true,
        }
    }
}

impl From<lettre::transport::smtp::Error> for SmtpError {
    fn from(e: lettre::transport::smtp::Error) -> SmtpError {
        let code = e.status().map(u16::from);
        SmtpError {
            text: e.to_string(),
            permanent: e.is_permanent(),
            broken: code.is_none_or(|c| c == 421),
        }
    }
}

/// Runs one SMTP step under `limit`.
async fn step<T, E: Into<SmtpError>>(
    limit: Duration,
    what: &str,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, SmtpError> {
    match tokio::time::timeout(limit, fut).await {
        Ok(r) => r.map_err(Into::into),
        Err(_) => Err(SmtpError::timeout(what, limit)),
    }
}

impl From<std::io::Error> for SmtpError {
    fn from(e: std::io::Error) -> SmtpError {
        SmtpError {
            text: format!("network error: {e}"),
            permanent: false,
            broken: true,
        }
    }
}

/// Idle connections are dropped (with QUIT) after this long; lettre's pool
/// uses the same, and servers close idle clients after a few minutes.
const IDLE_MAX: Duration = Duration::from_secs(60);

/// A pool of SMTP connections opened with `TCP_NODELAY` (see the module
/// doc). Holds at most `[outbox.delivery] concurrency` idle connections;
/// `send_batch` never has more sends in flight than that.
pub(super) struct SmtpPool {
    pub(super) server: SmtpServer,
    pub(super) idle: std::sync::Mutex<Vec<(AsyncSmtpConnection, std::time::Instant)>>,
    pub(super) max_idle: usize,
}

impl SmtpPool {
    pub(super) fn idle(
        &self,
    ) -> std::sync::MutexGuard<'_, Vec<(AsyncSmtpConnection, std::time::Instant)>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A fresh connection: TCP (no Nagle), implicit TLS or STARTTLS as
    /// configured, EHLO, AUTH. With OAuth2, a refused token is dropped and
    /// the login tried once more on a new connection with a fresh one.
    pub(super) async fn connect(&self) -> Result<AsyncSmtpConnection, SmtpError> {
        let Some((user, tokens)) = self.server.oauth2.as_deref() else {
            return self.open().await;
        };
        let mut last = None;
        for _ in 0..2 {
            let token = tokens.access_token().await.map_err(|e| {
                crate::oauth2::report_login_required("outbox", e.needs_login());
                SmtpError {
                    text: e.to_string(),
                    permanent: false,
                    broken: true,
                }
            })?;
            let credentials = Credentials::new(user.clone(), token.expose().to_string());
            let mut conn = self.open().await?;
            match step(
                self.server.timeout * 2,
                "AUTH XOAUTH2",
                conn.auth(&[Mechanism::Xoauth2], &credentials),
            )
            .await
            {
                Ok(_) => {
                    crate::oauth2::report_login_required("outbox", false);
                    return Ok(conn);
                }
                Err(mut e) => {
                    // A refused token is not the message's fault: retry later.
                    e.permanent = false;
                    e.broken = true;
                    e.text = format!("AUTH XOAUTH2 as {user}: {}", e.text);
                    tracing::debug!("SMTP refused the OAuth2 access token; refreshing it");
                    tokens.invalidate().await;
                    last = Some(e);
                }
            }
        }
        Err(last.unwrap_or_else(|| SmtpError::timeout("AUTH XOAUTH2", self.server.timeout)))
    }

    /// TCP, TLS, EHLO and password AUTH when configured.
    pub(super) async fn open(&self) -> Result<AsyncSmtpConnection, SmtpError> {
        let s = &self.server;
        let t = s.timeout;
        let tcp = step(
            t,
            "connecting",
            tokio::net::TcpStream::connect((s.host.as_str(), s.port)),
        )
        .await
        .map_err(|mut e| {
            e.text = format!("connecting to {}:{}: {}", s.host, s.port, e.text);
            e
        })?;
        tcp.set_nodelay(true)?;
        let stream: Box<dyn AsyncTokioStream> = match &s.tls {
            ServerTls::Implicit(connector, name) => Box::new(TlsStream(
                step(t, "TLS handshake", connector.connect(name.clone(), tcp)).await?,
            )),
            _ => Box::new(tcp),
        };
        // Greeting + EHLO.
        let mut conn = step(
            t * 2,
            "greeting and EHLO",
            AsyncSmtpConnection::connect_with_transport(stream, &s.hello),
        )
        .await?;
        if let ServerTls::Starttls(params) = &s.tls {
            // STARTTLS, handshake, EHLO again; fails if the server does not offer it.
            step(t * 3, "STARTTLS", conn.starttls(params.clone(), &s.hello)).await?;
        }
        if let Some(credentials) = &s.credentials {
            step(t * 2, "AUTH", conn.auth(DEFAULT_MECHANISMS, credentials)).await?;
        }
        Ok(conn)
    }

    /// An idle connection, newest first; stale ones are dropped.
    pub(super) fn take(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle();
        while let Some((conn, since)) = idle.pop() {
            if since.elapsed() < IDLE_MAX && !conn.has_broken() {
                return Some(conn);
            }
        }
        None
    }

    pub(super) fn park(&self, conn: AsyncSmtpConnection) {
        let mut idle = self.idle();
        if idle.len() < self.max_idle && !conn.has_broken() {
            idle.push((conn, std::time::Instant::now()));
        }
    }

    /// Sends one message: on an idle connection when there is one, else a
    /// new one. A reused connection that turns out broken before any message
    /// content went out (closed by the server while idle) is replaced and the
    /// send tried once more; after content went out it is never retried here
    /// (the server may have accepted it).
    pub(super) async fn send(
        &self,
        envelope: &lettre::address::Envelope,
        bytes: &[u8],
    ) -> Result<Response, SmtpError> {
        if let Some(mut conn) = self.take() {
            match self.transaction(&mut conn, envelope, bytes).await {
                Ok(r) => {
                    self.park(conn);
                    return Ok(r);
                }
                Err((e, content_sent)) => {
                    if !e.broken || content_sent {
                        self.recycle(conn, &e).await;
                        return Err(e);
                    }
                    tracing::debug!("pooled SMTP connection broken ({}): reconnecting", e.text);
                }
            }
        }
        let mut conn = self.connect().await?;
        match self.transaction(&mut conn, envelope, bytes).await {
            Ok(r) => {
                self.park(conn);
                Ok(r)
            }
            Err((e, _)) => {
                self.recycle(conn, &e).await;
                Err(e)
            }
        }
    }

    /// After a failed transaction: a connection still in step with the
    /// server (it replied 4xx/5xx) is reset and kept; a broken one is dropped.
    pub(super) async fn recycle(&self, mut conn: AsyncSmtpConnection, e: &SmtpError) {
        if !e.broken
            && step(self.server.timeout, "RSET", conn.command(Rset))
                .await
                .is_ok()
        {
            self.park(conn);
        }
    }

    /// MAIL, RCPT…, DATA, content. The error says whether content was sent.
    pub(super) async fn transaction(
        &self,
        conn: &mut AsyncSmtpConnection,
        envelope: &lettre::address::Envelope,
        bytes: &[u8],
    ) -> Result<Response, (SmtpError, bool)> {
        let t = self.server.timeout;
        let before = |e: SmtpError| (e, false);
        // As lettre's `send`: SMTPUTF8 for non-ASCII addresses, 8BITMIME for a non-ASCII body.
        let mut options = Vec::new();
        let non_ascii = |a: &Address| !AsRef::<str>::as_ref(a).is_ascii();
        if envelope.from().is_some_and(non_ascii) || envelope.to().iter().any(non_ascii) {
            if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
                return Err(before(SmtpError {
                    text: "envelope has non-ASCII addresses but the server lacks SMTPUTF8".into(),
                    permanent: false,
                    broken: false,
                }));
            }
            options.push(MailParameter::SmtpUtfEight);
        }
        if !bytes.is_ascii() {
            if !conn.server_info().supports_feature(Extension::EightBitMime) {
                return Err(before(SmtpError {
                    text: "message has non-ASCII bytes but the server lacks 8BITMIME".into(),
                    permanent: false,
                    broken: false,
                }));
            }
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let mail = Mail::new(envelope.from().cloned(), options);
        step(t, "MAIL FROM", conn.command(mail))
            .await
            .map_err(before)?;
        for to in envelope.to() {
            step(t, "RCPT TO", conn.command(Rcpt::new(to.clone(), vec![])))
                .await
                .map_err(before)?;
        }
        step(t, "DATA", conn.command(Data)).await.map_err(before)?;
        // From here the server may accept the message: never retried here.
        // Writing the content gets one more timeout per MiB.
        let limit = t
            * (1 + u32::try_from(bytes.len() >> 20)
                .unwrap_or(u32::MAX)
                .min(1000));
        step(limit, "message content", conn.message(bytes))
            .await
            .map_err(|e| (e, true))
    }

    /// QUITs idle connections: all of them, or only those idle too long.
    pub(super) async fn close(&self, all: bool) {
        let closing: Vec<AsyncSmtpConnection> = {
            let mut idle = self.idle();
            let (old, keep) = std::mem::take(&mut *idle)
                .into_iter()
                .partition(|(_, since)| all || since.elapsed() >= IDLE_MAX);
            *idle = keep;
            old.into_iter().map(|(c, _)| c).collect()
        };
        for mut conn in closing {
            let _ = tokio::time::timeout(self.server.timeout, conn.command(Quit)).await;
        }
    }
}

/// An implicit-TLS stream, in the shape lettre takes for a connection.
#[derive(Debug)]
struct TlsStream(tokio_rustls::client::TlsStream<tokio::net::TcpStream>);

impl AsyncTokioStream for TlsStream {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the fake server does with the n-th message on a connection.
    #[derive(Clone, Copy)]
    enum Fake {
        Accept,
        /// Accept, then close the connection (a server dropping an idle client).
        AcceptThenClose,
        /// Read the content, then close without a reply.
        CloseAfterContent,
    }

    /// A tiny SMTP server: `script(connection, message)` decides each message.
    /// Returns its port and (connections, messages whose content arrived).
    async fn fake_smtp(
        script: fn(usize, usize) -> Fake,
    ) -> (
        u16,
        Arc<std::sync::atomic::AtomicUsize>,
        Arc<std::sync::atomic::AtomicUsize>,
    ) {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (conns, msgs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let (c, m) = (conns.clone(), msgs.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let conn = c.fetch_add(1, SeqCst);
                let m = m.clone();
                tokio::spawn(async move {
                    let mut s = BufReader::new(tcp);
                    let _ = s.write_all(b"220 fake ESMTP\r\n").await;
                    let mut n = 0;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if s.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" => b"250-fake\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                let _ = s.write_all(b"354 go on\r\n").await;
                                loop {
                                    line.clear();
                                    if s.read_line(&mut line).await.unwrap_or(0) == 0 {
                                        return;
                                    }
                                    if line == ".\r\n" {
                                        break;
                                    }
                                }
                                m.fetch_add(1, SeqCst);
                                n += 1;
                                match script(conn, n) {
                                    Fake::Accept => b"250 2.0.0 queued\r\n",
                                    Fake::AcceptThenClose => {
                                        let _ = s.write_all(b"250 2.0.0 queued\r\n").await;
                                        return;
                                    }
                                    Fake::CloseAfterContent => return,
                                }
                            }
                            "QUIT" => {
                                let _ = s.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 ok\r\n",
                        };
                        let _ = s.write_all(reply).await;
                    }
                });
            }
        });
        (port, conns, msgs)
    }

    fn pool(port: u16) -> SmtpPool {
        SmtpPool {
            server: SmtpServer {
                host: "127.0.0.1".into(),
                port,
                tls: ServerTls::None,
                credentials: None,
                oauth2: None,
                hello: ClientId::Domain("carousel.test".into()),
                timeout: Duration::from_secs(10),
            },
            idle: std::sync::Mutex::new(Vec::new()),
            max_idle: 2,
        }
    }

    fn envelope() -> lettre::address::Envelope {
        lettre::address::Envelope::new(
            Some("a@acme.test".parse().unwrap()),
            vec!["b@example.test".parse().unwrap()],
        )
        .unwrap()
    }

    #[tokio::test]
    async fn a_pooled_connection_closed_while_idle_is_replaced_and_the_send_retried_once() {
        // Connection 0 accepts one message and closes; connection 1 accepts all.
        let (port, conns, msgs) = fake_smtp(|conn, _| {
            if conn == 0 {
                Fake::AcceptThenClose
            } else {
                Fake::Accept
            }
        })
        .await;
        let pool = pool(port);
        let body = b"Subject: x\r\n\r\n.leading dot\r\n";
        for _ in 0..3 {
            let reply = pool.send(&envelope(), body).await.unwrap();
            assert_eq!(u16::from(reply.code()), 250);
        }
        use std::sync::atomic::Ordering::SeqCst;
        assert_eq!(msgs.load(SeqCst), 3, "each message delivered exactly once");
        assert_eq!(conns.load(SeqCst), 2, "the second connection is reused");
        pool.close(true).await;
    }

    #[tokio::test]
    async fn a_connection_lost_after_the_content_went_out_is_not_retried() {
        // Connection 0: first message accepted, the second read and then the
        // connection drops: the server may have queued it, so no retry.
        let (port, conns, msgs) = fake_smtp(|_, n| {
            if n == 1 {
                Fake::Accept
            } else {
                Fake::CloseAfterContent
            }
        })
        .await;
        let pool = pool(port);
        let body = b"Subject: x\r\n\r\nhi\r\n";
        pool.send(&envelope(), body).await.unwrap();
        let e = pool.send(&envelope(), body).await.unwrap_err();
        assert!(e.broken && !e.permanent, "{e:?}");
        use std::sync::atomic::Ordering::SeqCst;
        assert_eq!(msgs.load(SeqCst), 2);
        assert_eq!(conns.load(SeqCst), 1, "no reconnect after content went out");
    }
}
