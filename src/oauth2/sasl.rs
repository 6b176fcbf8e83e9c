//! SASL framing for bearer tokens: XOAUTH2 (Google's, also Microsoft's) and
//! OAUTHBEARER (RFC 7628). Pure byte building and parsing, no I/O; the
//! transports base64-encode what is built here. Nothing here logs, and
//! `Debug` of [`Bearer`] hides the token.

/// A SASL mechanism that carries an OAuth 2.0 bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// RFC 7628.
    OAuthBearer,
    /// Google's pre-standard mechanism; Microsoft 365 speaks only this one.
    XOAuth2,
}

impl Mechanism {
    /// The name in `AUTHENTICATE` / `AUTH`.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::OAuthBearer => "OAUTHBEARER",
            Mechanism::XOAuth2 => "XOAUTH2",
        }
    }

    /// OAUTHBEARER when the server offers it, else XOAUTH2 when offered,
    /// else `None`. `offers("XOAUTH2")` answers whether `AUTH=XOAUTH2` (IMAP)
    /// or the EHLO `AUTH` keyword lists the mechanism.
    pub fn choose(offers: impl Fn(&str) -> bool) -> Option<Mechanism> {
        if offers("OAUTHBEARER") {
            Some(Mechanism::OAuthBearer)
        } else if offers("XOAUTH2") {
            Some(Mechanism::XOAuth2)
        } else {
            None
        }
    }

    /// From a list of IMAP capabilities (`AUTH=…`, any case).
    pub fn from_capabilities<S: AsRef<str>>(caps: &[S]) -> Option<Mechanism> {
        Mechanism::choose(|m| {
            caps.iter().any(|c| {
                let c = c.as_ref();
                c.len() == 5 + m.len()
                    && c[..5].eq_ignore_ascii_case("AUTH=")
                    && c[5..].eq_ignore_ascii_case(m)
            })
        })
    }
}

/// The token and who it is for, ready to frame.
pub struct Bearer<'a> {
    pub user: &'a str,
    pub token: &'a str,
    /// Optional RFC 7628 `host` / `port` key-values (OAUTHBEARER only).
    pub host: Option<&'a str>,
    pub port: Option<u16>,
}

impl std::fmt::Debug for Bearer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bearer")
            .field("user", &self.user)
            .field("token", &"<hidden>")
            .finish()
    }
}

impl Bearer<'_> {
    /// The client's first message for `mechanism` (before base64).
    pub fn initial_response(&self, mechanism: Mechanism) -> Vec<u8> {
        match mechanism {
            Mechanism::XOAuth2 => {
                format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token).into_bytes()
            }
            Mechanism::OAuthBearer => {
                // gs2-header: no channel binding, authzid = the user
                // (`,` and `=` escaped as RFC 5801 says).
                let mut out = format!("n,a={},\x01", saslname(self.user));
                if let Some(host) = self.host {
                    out.push_str(&format!("host={host}\x01"));
                }
                if let Some(port) = self.port {
                    out.push_str(&format!("port={port}\x01"));
                }
                out.push_str(&format!("auth=Bearer {}\x01\x01", self.token));
                out.into_bytes()
            }
        }
    }
}

/// The answer to a server's error challenge: OAUTHBEARER wants a lone
/// `%x01` (RFC 7628 §3.2.3), XOAUTH2 an empty response. The server then
/// sends its failure.
pub fn error_ack(mechanism: Mechanism) -> &'static [u8] {
    match mechanism {
        Mechanism::OAuthBearer => b"\x01",
        Mechanism::XOAuth2 => b"",
    }
}

/// What a server's error challenge says (RFC 7628 §3.2.2: a JSON object
/// with `status`, optional `scope` and `openid-configuration`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorChallenge {
    pub status: String,
    pub scope: Option<String>,
}

/// Parses a (base64-decoded) server challenge as an error challenge; `None`
/// when it is not one (e.g. the empty challenge before the initial response).
pub fn parse_error_challenge(challenge: &[u8]) -> Option<ErrorChallenge> {
    let v: serde_json::Value = serde_json::from_slice(challenge).ok()?;
    let o = v.as_object()?;
    Some(ErrorChallenge {
        status: o.get("status")?.as_str()?.to_string(),
        scope: o.get("scope").and_then(|s| s.as_str()).map(str::to_string),
    })
}

fn saslname(user: &str) -> String {
    user.replace('=', "=3D").replace(',', "=2C")
}

/// An `async_imap::Authenticator`: the initial response on the first
/// challenge (IMAP servers send an empty `+` first), the error ack on any
/// later one. Remembers the error challenge so the caller can say why.
pub struct Exchange {
    mechanism: Mechanism,
    initial: Option<Vec<u8>>,
    pub error: Option<ErrorChallenge>,
}

impl Exchange {
    pub fn new(mechanism: Mechanism, bearer: &Bearer<'_>) -> Exchange {
        Exchange {
            mechanism,
            initial: Some(bearer.initial_response(mechanism)),
            error: None,
        }
    }

    /// The next client message for `challenge`.
    pub fn step(&mut self, challenge: &[u8]) -> Vec<u8> {
        match self.initial.take() {
            Some(first) if challenge.is_empty() => first,
            first => {
                if first.is_some() {
                    // A non-empty first challenge: still answer with the
                    // initial response unless it is an error.
                    if let Some(e) = parse_error_challenge(challenge) {
                        self.error = Some(e);
                        return error_ack(self.mechanism).to_vec();
                    }
                    return first.unwrap_or_default();
                }
                self.error = parse_error_challenge(challenge).or(Some(ErrorChallenge {
                    status: "unexpected challenge".into(),
                    scope: None,
                }));
                error_ack(self.mechanism).to_vec()
            }
        }
    }
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange")
            .field("mechanism", &self.mechanism)
            .field("error", &self.error)
            .finish()
    }
}

impl async_imap::Authenticator for &mut Exchange {
    type Response = Vec<u8>;
    fn process(&mut self, challenge: &[u8]) -> Vec<u8> {
        self.step(challenge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauthbearer_matches_rfc7628_example() {
        // RFC 7628 §4.1, the client's initial response.
        let b = Bearer {
            user: "user@example.com",
            token: "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==",
            host: Some("server.example.com"),
            port: Some(143),
        };
        assert_eq!(
            b.initial_response(Mechanism::OAuthBearer),
            b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01".to_vec()
        );
    }

    #[test]
    fn oauthbearer_without_host_and_escaped_user() {
        let b = Bearer {
            user: "a,b=c@x",
            token: "T",
            host: None,
            port: None,
        };
        assert_eq!(
            b.initial_response(Mechanism::OAuthBearer),
            b"n,a=a=2Cb=3Dc@x,\x01auth=Bearer T\x01\x01".to_vec()
        );
    }

    #[test]
    fn xoauth2_matches_google_example() {
        // Google's XOAUTH2 documentation example (before base64).
        let b = Bearer {
            user: "someuser@example.com",
            token: "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg",
            host: Some("ignored"),
            port: Some(1),
        };
        assert_eq!(
            b.initial_response(Mechanism::XOAuth2),
            b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01".to_vec()
        );
    }

    #[test]
    fn error_challenge_from_rfc7628() {
        // RFC 7628 §4.3: the server's error, then the client's %x01.
        let json = br#"{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}"#;
        let e = parse_error_challenge(json).expect("error challenge");
        assert_eq!(e.status, "invalid_token");
        assert_eq!(e.scope.as_deref(), Some("example_scope"));
        assert_eq!(parse_error_challenge(b""), None);
        assert_eq!(parse_error_challenge(b"not json"), None);
        let b = Bearer {
            user: "u",
            token: "t",
            host: None,
            port: None,
        };
        let mut x = Exchange::new(Mechanism::OAuthBearer, &b);
        assert_eq!(x.step(b""), b"n,a=u,\x01auth=Bearer t\x01\x01".to_vec());
        assert_eq!(x.step(json), b"\x01".to_vec());
        assert_eq!(
            x.error.as_ref().map(|e| e.status.as_str()),
            Some("invalid_token")
        );
        let mut x = Exchange::new(Mechanism::XOAuth2, &b);
        x.step(b"");
        assert_eq!(x.step(br#"{"status":"400"}"#), Vec::<u8>::new());
        assert!(x.error.is_some());
    }

    #[test]
    fn mechanism_prefers_oauthbearer() {
        assert_eq!(
            Mechanism::from_capabilities(&[
                "IMAP4rev1",
                "AUTH=PLAIN",
                "AUTH=xoauth2",
                "AUTH=OAUTHBEARER"
            ]),
            Some(Mechanism::OAuthBearer)
        );
        assert_eq!(
            Mechanism::from_capabilities(&["IMAP4rev1", "AUTH=XOAUTH2"]),
            Some(Mechanism::XOAuth2)
        );
        assert_eq!(Mechanism::from_capabilities(&["AUTH=PLAIN"]), None);
        assert_eq!(Mechanism::from_capabilities(&["AUTH=XOAUTH2X"]), None);
    }

    #[test]
    fn debug_hides_token() {
        let b = Bearer {
            user: "u",
            token: "SECRET-TOKEN",
            host: None,
            port: None,
        };
        assert!(!format!("{b:?}").contains("SECRET"));
        let x = Exchange::new(Mechanism::XOAuth2, &b);
        assert!(!format!("{x:?}").contains("SECRET"));
    }
}
