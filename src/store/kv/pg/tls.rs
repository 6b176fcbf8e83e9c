//! TLS to the database. The connection URL says what is wanted with libpq's
//! names — `sslmode` (`disable`, `prefer`, `require`, `verify-ca`,
//! `verify-full`) and `sslrootcert` (the CA file; `[store] ca_file` adds
//! it) — and the session runs over rustls (tokio-rustls, which the IMAP and
//! SMTP connections use already), adapted here to tokio-postgres' TLS traits
//! rather than through one more crate. tokio-postgres itself knows only
//! `disable`/`prefer`/`require`, so [`settings`] takes the other two values
//! and `sslrootcert` out of the URL before it is handed over.
//!
//! As in libpq: `prefer` (the default) and `require` encrypt without
//! checking the server's certificate (`require` refuses a server without
//! TLS; with a CA file it checks the chain, like `verify-ca`); `verify-ca`
//! checks the chain against the CA file (else the system roots);
//! `verify-full` checks the chain and that the certificate names the host
//! (the URL's host, even when `hostaddr` says where to connect). No channel
//! binding is offered (SCRAM without `-PLUS`), so authentication never
//! depends on how the server's certificate was signed.

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::Socket;
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::{
    CryptoProvider, verify_tls12_signature, verify_tls13_signature,
};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, Error as TlsError, RootCertStore,
    SignatureScheme,
};

use crate::store::StoreError;

/// How much of the server's identity is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// A connection URL split into what tokio-postgres reads and the TLS to use.
pub(crate) struct Settings {
    /// The URL as tokio-postgres accepts it.
    pub(crate) url: String,
    /// `None` for `disable`.
    pub(crate) connector: Option<MakeRustls>,
}

/// Reads `sslmode` and `sslrootcert` from `url` (the URL form
/// `postgresql://…?k=v&…` or the key/value form `k=v k=v`), builds the
/// TLS client, and returns the URL tokio-postgres can parse.
pub(crate) fn settings(url: &str) -> Result<Settings, StoreError> {
    let (mut mode, ca_file, url) = split_tls_params(url)?;
    if mode == Mode::Require && ca_file.is_some() {
        // libpq: a root certificate given makes `require` check the chain.
        mode = Mode::VerifyCa;
    }
    let connector = match mode {
        Mode::Disable => None,
        _ => Some(MakeRustls(Arc::new(client_config(mode, ca_file.as_ref())?))),
    };
    Ok(Settings { url, connector })
}

fn bad(what: String) -> StoreError {
    StoreError::Postgres(format!("database URL: {what}"))
}

/// The URL without `sslrootcert`, `sslmode` mapped to what tokio-postgres
/// knows; the mode and the CA file.
fn split_tls_params(url: &str) -> Result<(Mode, Option<PathBuf>, String), StoreError> {
    let url_form = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let (head, params, sep) = if url_form {
        match url.split_once('?') {
            Some((head, query)) => (format!("{head}?"), query.to_string(), '&'),
            None => (url.to_string(), String::new(), '&'),
        }
    } else {
        (String::new(), url.to_string(), ' ')
    };
    let mut mode = Mode::Prefer;
    let mut ca_file = None;
    let mut kept = Vec::new();
    for pair in params.split(sep).filter(|p| !p.trim().is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = if url_form {
            percent_decode(value)?
        } else {
            value.trim_matches('\'').to_string()
        };
        match key.trim() {
            "sslmode" => {
                mode = match decoded.as_str() {
                    "disable" => Mode::Disable,
                    "allow" | "prefer" => Mode::Prefer,
                    "require" => Mode::Require,
                    "verify-ca" => Mode::VerifyCa,
                    "verify-full" => Mode::VerifyFull,
                    other => return Err(bad(format!("unknown sslmode {other:?}"))),
                };
            }
            "sslrootcert" => ca_file = Some(PathBuf::from(decoded)),
            _ => kept.push(pair.to_string()),
        }
    }
    let passed_on = match mode {
        Mode::Disable => "disable",
        Mode::Prefer => "prefer",
        _ => "require",
    };
    kept.push(format!("sslmode={passed_on}"));
    let joined = kept.join(&sep.to_string());
    let url = if url_form && !head.ends_with('?') {
        format!("{head}?{joined}")
    } else {
        format!("{head}{joined}")
    };
    Ok((mode, ca_file, url))
}

/// `%XX` escapes of a URL query value (and `+` left as it is, as libpq does).
fn percent_decode(value: &str) -> Result<String, StoreError> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad("a bad %-escape".into()))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad("a value that is not UTF-8".into()))
}

/// `%`-escapes what a URL query value may not hold as it is (for
/// `[store] ca_file` added to the URL).
pub(crate) fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn client_config(mode: Mode, ca_file: Option<&PathBuf>) -> Result<ClientConfig, StoreError> {
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Postgres(format!("TLS versions: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = match mode {
        Mode::Disable | Mode::Prefer | Mode::Require => Arc::new(Unverified(provider)),
        Mode::VerifyCa | Mode::VerifyFull => {
            let chain =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots(ca_file)?), provider)
                    .build()
                    .map_err(|e| StoreError::Postgres(format!("TLS roots: {e}")))?;
            if mode == Mode::VerifyCa {
                Arc::new(AnyName(chain))
            } else {
                chain
            }
        }
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// The CA file's certificates, or the system's roots without one.
fn roots(ca_file: Option<&PathBuf>) -> Result<RootCertStore, StoreError> {
    let mut roots = RootCertStore::empty();
    let Some(path) = ca_file else {
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        return Ok(roots);
    };
    let pem = std::fs::read(path)
        .map_err(|e| StoreError::Postgres(format!("reading CA file {}: {e}", path.display())))?;
    for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
        let cert =
            cert.map_err(|e| StoreError::Postgres(format!("CA file {}: {e}", path.display())))?;
        roots
            .add(cert)
            .map_err(|e| StoreError::Postgres(format!("CA file {}: {e}", path.display())))?;
    }
    if roots.is_empty() {
        return Err(StoreError::Postgres(format!(
            "CA file {} holds no certificate",
            path.display()
        )));
    }
    Ok(roots)
}

/// `prefer`/`require`: encrypted, the certificate not checked (libpq's
/// meaning); the handshake's signatures are still verified.
#[derive(Debug)]
struct Unverified(Arc<CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain checked, whatever host name the certificate gives.
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(TlsError::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// tokio-postgres' TLS maker over rustls.
#[derive(Clone)]
pub(crate) struct MakeRustls(Arc<ClientConfig>);

impl MakeTlsConnect<Socket> for MakeRustls {
    type Stream = RustlsStream;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<RustlsConnect> {
        let name = ServerName::try_from(domain.to_string())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        Ok(RustlsConnect {
            config: self.0.clone(),
            name,
        })
    }
}

/// One connection's handshake.
pub(crate) struct RustlsConnect {
    config: Arc<ClientConfig>,
    name: ServerName<'static>,
}

impl TlsConnect<Socket> for RustlsConnect {
    type Stream = RustlsStream;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream>> + Send>>;

    fn connect(self, stream: Socket) -> Self::Future {
        Box::pin(async move {
            let tls = tokio_rustls::TlsConnector::from(self.config)
                .connect(self.name, stream)
                .await?;
            Ok(RustlsStream(tls))
        })
    }
}

/// An encrypted connection to the database.
pub(crate) struct RustlsStream(tokio_rustls::client::TlsStream<Socket>);

impl AsyncRead for RustlsStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl AsyncWrite for RustlsStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

impl TlsStream for RustlsStream {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_params_are_read_and_the_rest_is_passed_on() {
        let (mode, ca, url) = split_tls_params(
            "postgresql://u:p@db.internal:5432/c?sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20x.pem&application_name=c",
        )
        .unwrap();
        assert_eq!(mode, Mode::VerifyFull);
        assert_eq!(ca, Some(PathBuf::from("/etc/ca x.pem")));
        assert_eq!(
            url,
            "postgresql://u:p@db.internal:5432/c?application_name=c&sslmode=require"
        );
        let (mode, ca, url) = split_tls_params("postgresql://u@h/c").unwrap();
        assert_eq!((mode, ca), (Mode::Prefer, None));
        assert_eq!(url, "postgresql://u@h/c?sslmode=prefer");
        let (mode, _, url) =
            split_tls_params("host=h dbname=c sslmode=verify-ca sslrootcert=/ca.pem").unwrap();
        assert_eq!(mode, Mode::VerifyCa);
        assert_eq!(url, "host=h dbname=c sslmode=require");
        assert!(split_tls_params("postgresql://h/c?sslmode=sometimes").is_err());
        assert_eq!(percent_encode("/etc/ca x.pem"), "/etc/ca%20x.pem");
    }
}
