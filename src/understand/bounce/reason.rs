//! Why a recipient bounced, in sisimai's vocabulary (`userunknown`,
//! `mailboxfull`, `blocked`, …), and whether that makes the bounce *hard*.
//!
//! `hard` means the address itself is permanently undeliverable: the user or
//! the host does not exist, the mailbox has moved, or the domain accepts no
//! mail (DESIGN.md `bounce.hard`, sisimai's `hardbounce`). Every other reason —
//! a block for the sender's reputation, spam, policy, authentication, rate,
//! size, a full mailbox, an expired queue — says nothing bad about the address
//! and is soft, whatever its class.
//!
//! The reason is read from two things the bounce states:
//! * the remote server's words (the diagnostic): phrase tables per reason,
//!   kept as data in [`PHRASES`] (mostly from sisimai's `Sisimai::Reason::*`
//!   tables, BSD-2-Clause, © azumakuniyuki), matched in one pass;
//! * the RFC 3463 enhanced status code ([`STATUS_REASONS`]) and the SMTP reply
//!   code;
//! * what the mail system that wrote the notice states itself (a bounce
//!   category field, a remote host's answer code, its own words for an
//!   unknown recipient: [`super::mta`]).
//!
//! The order of the decision follows sisimai's `Sisimai::Reason.get`: what
//! the writing system states first, then reasons that the words or the code
//! state precisely, then the code's own meaning, then the words of the looser
//! reasons, then the code's class. Generic "user unknown" words count as the
//! address being unknown only with an x.1.1-class code, the RCPT stage, or
//! the writing system's own wording; otherwise they are a filter's
//! (`filtered`, soft), as sisimai reads them.
//! The text looked at is lowercased, whitespace-collapsed and bounded, so the
//! work per recipient is bounded.

use aho_corasick::AhoCorasick;
use once_cell::sync::Lazy;
use regex::Regex;

use super::mta::Writer;
use super::status;

/// Most bytes of diagnostic text a reason is read from.
const MAX_EVIDENCE: usize = 4096;

/// The reasons that mean the address itself is undeliverable.
pub const ADDRESS_REASONS: [&str; 4] = ["userunknown", "hostunknown", "hasmoved", "notaccept"];

/// Reasons that blame the sending side (its IP, domain, content or rate),
/// not the recipient: several of them at one domain mean the sender is being
/// blocked there.
pub const SENDER_SIDE_REASONS: [&str; 9] = [
    "blocked",
    "badreputation",
    "spamdetected",
    "policyviolation",
    "securityerror",
    "authfailure",
    "rejected",
    "toomanyconn",
    "speeding",
];

/// True for a reason that blames the sender (see [`SENDER_SIDE_REASONS`]).
pub fn is_sender_side(reason: &str) -> bool {
    SENDER_SIDE_REASONS.contains(&reason)
}

/// Phrases per reason, lowercase. `…` inside a phrase means "anything on the
/// same line in between" (sisimai's aligned pairs).
pub const PHRASES: &[(&str, &[&str])] = &[
    (
        "mailboxfull",
        &[
            "452 insufficient disk space",
            "account disabled temporarly for exceeding receiving limits",
            "account is exceeding their quota",
            "account is over quota",
            "mailbox exceeds allowed size",
            "account is temporarily over quota",
            "boite du destinataire pleine",
            "delivery failed: over quota",
            "disc quota exceeded",
            "diskspace quota",
            "does not have enough space",
            "exceeded storage allocation",
            "exceeding its mailbox quota",
            "full mailbox",
            "is over disk quota",
            "is over quota",
            "mail file size exceeds the maximum size allowed for mail delivery",
            "mail quota exceeded",
            "mailbox exceeded the local limit",
            "mailbox full",
            "mailbox has exceeded its disk space limit",
            "mailbox is full",
            "mailbox over quota",
            "mailbox quota usage exceeded",
            "mailbox size limit exceeded",
            "maildir over quota",
            "maildir delivery failed: userdisk quota ",
            "maildir delivery failed: domaindisk quota ",
            "mailfolder is full",
            "no space left on device",
            "not enough storage space in",
            "not sufficient disk space",
            "over the allowed quota",
            "quota exceeded",
            "quota violation for",
            "recipient reached disk quota",
            "mailbox would exceed maximum allowed storage",
            "the user's space has been used up",
            "over quota",
            "too much mail data",
            "user has too many messages on the server",
            "insufficient storage",
            "postfach voll",
            "postfach ist voll",
            "boîte aux lettres pleine",
            "buzón lleno",
            "メールボックスが一杯",
            "容量超過",
            "容量オーバー",
        ],
    ),
    (
        "mesgtoobig",
        &[
            "exceeded maximum inbound message size",
            "line limit exceeded",
            "max message size exceeded",
            "message file too big",
            "message length exceeds administrative limit",
            "message size exceeds fixed limit",
            "message size exceeds fixed maximum message size",
            "message size exceeds maximum value",
            "message too big",
            "message too large for this ",
            "size limit",
            "taille limite du message atteinte",
        ],
    ),
    (
        "exceedlimit",
        &["message header size exceeds limit", "message too large"],
    ),
    (
        "suspend",
        &[
            " is currently suspended",
            " temporary locked",
            "archived recipient",
            "boite du destinataire archivee",
            "email account that you tried to reach is disabled",
            "has been suspended",
            "inactive account",
            "invalid/inactive user",
            "is a deactivated mailbox",
            "is unavailable: user is terminated",
            "mailbox currently suspended",
            "mailbox disabled",
            "mailbox is frozen",
            "mailbox unavailable or access denied",
            "recipient rejected: temporarily inactive",
            "recipient suspend the service",
            "this account has been disabled or discontinued",
            "this account has been temporarily suspended",
            "this mailbox is disabled",
            "user or domain is disabled",
            "user suspended",
            "vdelivermail: account is locked email bounced",
            "account is disabled",
            "account has been disabled",
        ],
    ),
    ("hasmoved", &[" has been replaced by "]),
    (
        "norelaying",
        &[
            "as a relay",
            "insecure mail relay",
            "is not permitted to relay through this server without authentication",
            "no relaying",
            "not a gateway",
            "not allowed to relay through this machine",
            "not an open relay, so get lost",
            "not local host",
            "relay access denied",
            "relay denied",
            "relay not permitted",
            "relaying denied",
            "relaying mail to ",
            "specified domain is not allowed",
            "this system is not configured to relay mail",
            "unable to relay for",
            "we don't handle mail for",
        ],
    ),
    (
        "authfailure",
        &[
            "//spf.pobox.com",
            // Tencent (QQ mail) answers.
            "dmarc check failed",
            "spf check failed",
            "bad spf records for",
            "dmarc policy",
            "please inspect your spf settings",
            "sender policy framework (spf) fail",
            "sender policy framework violation",
            "spf (sender policy framework) domain authentication fail",
            "spf check: fail",
            " is not allowed to send mail.…_401",
            "is not allowed to send from <… per it's spf record",
            "unauthenticated email",
            "not pass authentication checks",
        ],
    ),
    (
        "userunknown",
        &[
            "#5.1.1 bad address",
            "550 address invalid",
            "5.1.0 address rejected.",
            "address does not exist",
            "address not present in directory",
            "address unknown",
            "can't accept user",
            "does not exist.",
            "destination addresses were unknown",
            "destination server rejected recipients",
            "email address does not exist",
            "email address could not be found",
            "invalid address",
            "invalid mailbox",
            "invalid mailbox path",
            "invalid recipient",
            "is not a known user",
            "is not a valid mailbox",
            "is not an active address at this host",
            "mailbox does not exist",
            "mailbox invalid",
            "mailbox is inactive",
            "mailbox is unavailable",
            "mailbox not present",
            "mailbox not found",
            "mailbox unavaiable",
            "nessun utente simile in questo indirizzo",
            "no account by that name here",
            "no existe dicha persona",
            "no existe ese usuario ",
            "no mail box available for this user",
            "no mailbox by that name is currently available",
            "no mailbox found",
            "no such address here",
            "no such mailbox",
            "no such person at this address",
            "no such recipient",
            "no such user",
            "please check if address is correct",
            "no thank you rejected: account unavailable",
            "no valid recipients, bye",
            "not a valid recipient",
            "not a valid user here",
            "not a local address",
            "not email addresses",
            "recipient address rejected. (in reply to rcpt to command)",
            "recipient address rejected: access denied",
            "recipient address rejected: invalid user",
            "recipient address rejected: invalid-recipient",
            "recipient address rejected: unknown user",
            "recipient address rejected: userunknown",
            "recipient does not exist",
            "recipient is not accepted",
            "recipient is not local",
            "recipient not exist",
            "recipient not found",
            "recipient not ok",
            "recipient refuses to accept your mail",
            "recipient unknown",
            "requested action not taken: mailbox unavailable",
            "resolver.adr.recipient notfound",
            "resolver.adr.recipientnotfound",
            "sorry, user unknown",
            "sorry, badrcptto",
            "sorry, no mailbox here by that name",
            "sorry, your envelope recipient has been denied",
            "that domain or user isn't in my list of allowed rcpthosts",
            "the email account that you tried to reach does not exist",
            "the following recipients was undeliverable",
            "the user's email name is not found",
            "there is no one at this address",
            "this address no longer accepts mail",
            "this email address is wrong or no longer valid",
            "this recipient is in my badrecipientto list",
            "this recipient is not in my validrcptto list",
            "this spectator does not exist",
            "unknown mailbox",
            "unknown recipient",
            "unknown user",
            "user does not exist",
            "user missing home directory",
            "user not active",
            "user not exist",
            "user not found",
            "user not known",
            "user unknown",
            "address not found",
            "not listed in domino directory",
            "not listed in public name & address book",
            "invalid final delivery userid",
            "ディレクトリのリストにありません",
            "ディレクトリには見つかりません",
            "utilisateur inconnu",
            "vdeliver: invalid or unknown virtual user",
            "your envelope recipient is in my badrcptto list",
            "account …does not exist at the organization",
            "bad…recipient",
            "mailbox …does not exist",
            "no … in name directory",
            "non…existent user",
            "rcpt <… does not exist",
            "recipient … was not found in",
            "recipient address rejected: user … does not exist",
            "recipient address rejected: user unknown in …table",
            "this user doesn't have a … account",
            "unknown e…mail address",
            "unknown local…part",
            "user … was not found",
            "user … does not exist",
            "user (…) unknown",
            "unbekannter empfänger",
            "benutzer unbekannt",
            "existiert nicht",
            "destinataire inconnu",
            "usuario desconocido",
            "宛先不明",
            "存在しません",
        ],
    ),
    (
        "filtered",
        &[
            "because the recipient is only accepting mail from specific email addresses",
            "bounced address",
            "due to extended inactivity new mail is not currently being accepted for this mailbox",
            "has restricted sms e-mail",
            "is not accepting any mail",
            "message rejected due to user rules",
            "not found recipient account",
            "refused due to recipient preferences",
            "resolver.rst.notauthorized",
            "this account is protected by",
            "user refuses to receive this mail",
            "user reject",
            "refuse to receive mail",
            "you have been blocked by the recipient",
        ],
    ),
    (
        "requireptr",
        &[
            "access denied. ip name lookup failed",
            "all mail servers must have a ptr record with a valid reverse dns entry",
            "bad dns ptr resource record",
            "cannot find your hostname",
            "fix reverse dns for ",
            "ips with missing ptr records",
            "no ptr record found.",
            "please get a custom reverse dns name from your isp for your host",
            "ptr record setup",
            "reverse dns failed",
            "sender ip reverse lookup rejected",
            "does not have a ptr record",
            "the corresponding forward dns entry does not point to the sending ip",
            "this system will not accept messages from servers/devices with no reverse dns",
            "unresolvable relay host name",
            "we do not accept mail from hosts with dynamic ip or generic dns ptr-records",
            "domain … mismatches client ip",
            "dns lookup failure: … try again later",
            "reverse dns lookup for host … failed permanently",
            "server access … forbidden by invalid rdns record of your mail server",
            "service permits … unverifyable sending ips",
        ],
    ),
    (
        "notcompliantrfc",
        &[
            "this message is not rfc 5322 compliant",
            // Gmail: "Messages with multiple addresses in From: header are
            // not accepted" (RFC 5322 allows one author mailbox without Sender:).
            "header are not accepted",
            "messages with multiple addresses",
            "https://support.google.com/mail/?p=rfcmessagenoncompliant",
        ],
    ),
    (
        "badreputation",
        &[
            "a poor email reputation score",
            "has been temporarily rate limited due to ip reputation",
            "ip/domain reputation problems",
            "likely suspicious due to the very low reputation",
            "none/bad reputation",
            "temporarily deferred due to unexpected volume or user complaints",
            "the sending mta's poor reputation",
        ],
    ),
    (
        "rejected",
        &[
            "access denied (in reply to mail from command)",
            "access denied (sender blacklisted)",
            "administrative prohibition",
            "batv failed to verify",
            "batv validation failure",
            "backscatter protection detected an invalid or expired email address",
            "because the sender isn't on the recipient's list of senders to accept mail from",
            "bogus mail from",
            "can't determine purported responsible address",
            "connections not accepted from servers without a valid sender domain",
            "denied [bouncedeny]",
            "denied by secumail valid-address-filter",
            "delivery not authorized, message refused",
            "does not exist e2110",
            "domain of sender address ",
            "email address is on senderfilterconfig list",
            "emetteur invalide",
            "empty envelope senders not allowed",
            "envelope blocked - ",
            "error: no third-party dsns",
            "from: domain is invalid. please provide a valid from:",
            "invalid domain, see <url:",
            "invalid sender",
            "is not a registered gateway user",
            "mail from not owned by user",
            "message rejected: email address is not verified",
            "mx records for ",
            "null sender is not allowed",
            "recipient addresses rejected : access denied",
            "recipient not accepted. (batv: no tag",
            "returned mail not accepted here",
            "rfc 1035 violation: recursive cname records for",
            "rule imposed mailbox access for",
            "sending this from a different address or alias using the ",
            "sender address has been blacklisted",
            "sender email address rejected",
            "sender is in my black list",
            "sender is spammer",
            "sender not pre-approved",
            "sender rejected",
            "sender domain is empty",
            "sender verify failed",
            "sender was rejected",
            "spam reporting address",
            "syntax error: empty email address",
            "the message has been rejected by batv defense",
            "this server does not accept mail from",
            "transaction failed unsigned dsn for",
            "unroutable sender address",
            "you are not allowed to post to this mailing list",
            "you are sending to/from an address that has been blacklisted",
            "your access to submit messages to this e-mail system has been rejected",
            "your email address has been blacklisted",
            "not have permission to post",
            "sender address rejected",
        ],
    ),
    (
        "hostunknown",
        &[
            "domain does not exist",
            "domain is not reachable",
            "domain must exist",
            "host or domain name not found",
            "host unknown",
            "host unreachable",
            "mail domain mentioned in email address is unknown",
            "name or service not known",
            "no such domain",
            "recipient address rejected: unknown domain name",
            "recipient domain must exist",
            "the account or domain may not exist",
            "unknown host",
            "unroutable address",
            "unrouteable address",
            "unknown domain",
            "domain not found",
            "553 … does not exist",
        ],
    ),
    (
        "spamdetected",
        &[
            " - spam",
            "//www.spamhaus.org/help/help_spam_16.htm",
            "//dsbl.org/help/help_spam_16.htm",
            "//mail.163.com/help/help_spam_16.htm",
            "554 5.7.0 reject, id=",
            "appears to be unsolicited",
            "blacklisted url in message",
            "block for spam",
            "blocked by policy: no spam please",
            "blocked by spamassassin",
            "blocked for abuse. see http://att.net/blocks",
            "cannot be forwarded because it was detected as spam",
            "considered unsolicited bulk e-mail (spam) by our mail filters",
            "content filter rejection",
            "cyberoam anti spam engine has identified this email as a bulk email",
            "denied due to spam list",
            "high probability of spam",
            "is classified as spam and is rejected",
            "listed in work.drbl.imedia.ru",
            "the mail server detected your message as spam and has prevented delivery.",
            "mail appears to be unsolicited",
            "mail content denied",
            "may consider spam",
            "message considered as spam or virus",
            "message contains spam or virus",
            "message content rejected",
            "message detected as spam",
            "message filtered",
            "message looks like spam",
            "message is being rejected as it seems to be a spam",
            "message refused by mailmarshal spamprofiler",
            "message refused by trustwave seg spamprofiler",
            "message rejected as spam",
            "message rejected because of unacceptable content",
            "message rejected due to suspected spam content",
            "message rejected for policy reasons",
            "message was rejected for possible spam/virus content",
            "our email server thinks this email is spam",
            "our system has detected that this message is ",
            "probable spam",
            "reject bulk.advertising",
            "rejected: spamassassin score ",
            "rejected - bulk email",
            "rejecting banned content",
            "rejecting mail content",
            "related to content with spam-like characteristics",
            "sender domain listed at ",
            "sending address not accepted due to spam filter",
            "spam blocked",
            "spam check",
            "spam content matched",
            "spam detected",
            "spam email",
            "spam message rejected.",
            "spam not accepted",
            "spam refused",
            "spam rejection",
            "spam score ",
            "spambouncer identified spam",
            "spamming not allowed",
            "too many spam complaints",
            "too much spam.",
            "the email message was detected as spam",
            "the message has been rejected by spam filtering engine",
            "the message was rejected due to classification as bulk mail",
            "the content of this message looked like spam",
            "this message appears to be spam",
            "this message has been identified as spam",
            "this message has been scored as spam with a probability",
            "this message was classified as spam",
            "this message was rejected by recurrent pattern detection system",
            "transaction failed spam message not queued",
            "we dont accept spam",
            "your email appears similar to spam we have received before",
            "your email breaches local uribl policy",
            "your email had spam-like ",
            "your email is considered spam",
            "your email is probably spam",
            "your email was detected as spam",
            "your message as spam and has prevented delivery",
            "your message has been temporarily blocked by our filter",
            "your message has been rejected because it appears to be spam",
            "your message has triggered a spam block",
            "your message may contain the spam contents",
            "your message failed several antispam checks",
            "greylisted… please try again in",
            "our filters rate at and above … percent probability of being spam",
            "rejected by … (spam)",
            "rejected due to spam …classification",
            "rejected due to spam …content",
            "spam … exceeded",
            "this message scored … spam points",
        ],
    ),
    (
        "speeding",
        &[
            "mail sent from your ip address has been temporarily rate limited",
            "please try again slower",
            "receiving mail at a rate that prevents additional messages from being delivered",
            "rate limit",
            "rate-limited",
            "ratelimit",
            "too many messages",
        ],
    ),
    (
        "toomanyconn",
        &[
            "all available ips are at maximum connection limit",
            // Tencent (QQ mail) rate limits.
            "ip frequency limited",
            "domain frequency limited",
            "sender frequency limited",
            "connection frequency limited",
            "connection rate limit exceeded",
            "exceeds per-domain connection limit for",
            "has exceeded the max emails per hour ",
            "throttling failure: daily message quota exceeded",
            "throttling failure: maximum sending rate exceeded",
            "too many connections",
            "too many concurrent smtp connections",
            "too many errors from your ip",
            "too many recipients",
            "too many smtp sessions for this host",
            "trop de connexions, ",
            "we have already made numerous attempts to deliver this message",
        ],
    ),
    (
        "blocked",
        &[
            " said: 550 blocked",
            "//www.spamcop.net/bl.",
            "bad sender ip address",
            "banned sending ip",
            "blacklisted by",
            "blocked using ",
            "blocked - see http",
            "dnsbl:attrbl",
            "client host rejected: abus detecte gu_eib_02",
            "client host rejected: abus detecte gu_eib_04",
            "client host rejected: may not be mail exchanger",
            "client host rejected: was not authenticated",
            "confirm this mail server",
            "connection dropped",
            "connection refused by",
            "connection reset by peer",
            "connection was dropped by remote host",
            "connections not accepted from ip addresses on spamhaus xbl",
            "currently sending spam see: ",
            "domain does not exist:",
            "dynamic/zombied/spam ips blocked",
            "error: no valid recipients from ",
            "esmtp not accepting connections",
            "extreme bad ip profile",
            "go away",
            "helo command rejected:",
            "host network not allowed",
            "hosts with dynamic ip",
            "invalid ip for sending mail of domain",
            "is in a black list",
            "is not allowed to send mail from",
            "no access from mail server",
            "no matches to nameserver query",
            "not currently accepting mail from your ip",
            "part of their network is on our block list",
            "please use the smtp server of your isp",
            "refused - see http",
            "rejected - multi-blacklist",
            "rejected because the sending mta or the sender has not passed validation",
            "rejecting open proxy",
            "sender ip address rejected",
            "server access forbidden by your ip ",
            "service not available, closing transmission channel",
            "smtp error from remote mail server after initial connection:",
            "sorry, that domain isn't in my list of allowed rcpthosts",
            "sorry, your remotehost looks suspiciously like spammer",
            "to submit messages to this e-mail system has been rejected",
            "too many spams from your ip",
            "too many unwanted messages have been sent from the following ip address above",
            "was blocked by ",
            "we do not accept mail from dynamic ips",
            "you are not allowed to connect",
            "you are sending spam",
            "your ip address is listed in the rbl",
            "your network is temporary blacklisted",
            "blocklist",
            "blacklist",
            "block list",
            "spamhaus",
            "access from ip address … blocked",
            "client host … blocked using",
            "dnsbl:rbl …>_is_blocked",
            "email blocked by …spamhaus",
            "host … refused to talk to me: … blocked",
            "ip … is blocked by earthlink",
            "is in an …rbl on ",
            "mail server at … is blocked",
            "mail from … refused:",
            "message from … rejected based on blacklist",
            "messages from … temporarily deferred due to user complaints",
            "server ip … listed as abusive",
            "sorry! your ip address… is blocked by rbl",
            "your sender's ip address is listed at …abuseat.org",
        ],
    ),
    (
        "virusdetected",
        &[
            "it has a potentially executable attachment",
            "the message was rejected because it contains prohibited virus or spam content",
            "this form of attachment has been used by recent viruses or other malware",
            "virus detected",
            "virus phishing/malicious_url detected",
            "your message was infected with a virus",
        ],
    ),
    (
        "policyviolation",
        &[
            "an illegal attachment on your message",
            "because the recipient is not accepting mail with ",
            "by non-member to a members-only list",
            "closed mailing list",
            "denied by policy",
            "email not accepted for policy reasons",
            "email rejected due to security policies",
            "header error",
            "local policy violation",
            "message bounced due to organizational settings",
            "message given low priority",
            "message not accepted for policy reasons",
            "message rejected due to local policy",
            "rejected for policy reasons",
            "protocol violation",
            "the email address used to send your message is not subscribed to this group",
            "the message was rejected by organization policy",
            "this message was blocked because its content presents a potential",
            "we do not accept messages containing images or other attachments",
            "you're using a mass mailer",
            "you have exceeded the…allowable number of posts without solving a captcha",
        ],
    ),
    (
        "systemerror",
        &[
            "aliasing/forwarding loop broken",
            "can't create user output file",
            "could not load drd for domain",
            "internal error reading data",
            "internal server error: operation now in progress",
            "interrupted system call",
            "it encountered an error while being processed",
            "it would create a mail loop",
            "local configuration error",
            "local error in processing",
            "loop was found in the mail exchanger",
            "loops back to myself",
            "mail system configuration error",
            "queue file write error",
            "recipient deferred because there is no mdb",
            "remote server is misconfigured",
            "server configuration error",
            "service currently unavailable",
            "system config error",
            "temporary local problem",
            "timeout waiting for input",
            "transaction failed ",
            "unable to contact ldap server",
        ],
    ),
    (
        "networkerror",
        &[
            "could not connect and send the mail to",
            "dns records for the destination computer could not be found",
            "hop count exceeded - possible mail loop",
            "host is unreachable",
            "host name lookup failure",
            "host not found, try again",
            "mail forwarding loop for ",
            "malformed name server reply",
            "malformed or unexpected name server reply",
            "maximum forwarding loop count exceeded",
            "message looping",
            "message probably in a routing loop",
            "no route to host",
            "too many hops",
            "unable to resolve route ",
            "unrouteable mail domain",
            "name service error",
            "dns error",
            "dns query failed",
            "wasn't able to establish an smtp connection",
            "network error on destination mxs",
            "querying the domain name system (dns) for the recipient's domain",
        ],
    ),
    (
        "contenterror",
        &[
            "duplicate header",
            "header size exceeds maximum permitted",
            "improper use of 8-bit data in message header",
            "message header size, or recipient list, exceeds policy limit",
            "message mime complexity exceeds the policy maximum",
            "routing loop detected -- too many received: headers",
            "this message contain invalid mime headers",
            "this message contain improperly-formatted binary content",
            "this message contain text that uses unnecessary base64 encoding",
        ],
    ),
    (
        "systemfull",
        &[
            "mail system full",
            "requested mail action aborted: exceeded storage allocation",
        ],
    ),
    (
        "notaccept",
        &[
            "does not accept mail (nullmx)",
            "host/domain does not accept mail",
            "host does not accept mail",
            "domain does not accept mail",
            "mail receiving disabled",
            "name server: .: host not found",
            "no mx record found for domain=",
            "no route for current request",
            "smtp protocol returned a permanent error",
            "null mx",
            "indicated no smtp service",
        ],
    ),
    (
        "securityerror",
        &[
            "account not subscribed to ses",
            "authentication credentials invalid",
            "authentication failure",
            "authentication turned on in your email client",
            "turn on smtp authentication",
            "executable files are not allowed in compressed files",
            "sorry, you don't authenticate or the domain isn't in my list of allowed rcpthosts",
            "unauthenticated senders not allowed",
            "verification failure",
            "authentication failed; server … said: ",
            "authentification invalide…305",
            "authentification requise…402",
            "domain … is a dead domain",
            "user … is not authorized to perform ses:sendrawemail on resource",
        ],
    ),
    (
        "expired",
        &[
            "connection timed out",
            "could not find a gateway for",
            "delivery attempts will continue to be",
            "delivery expired",
            "delivery time expired",
            "failed to deliver to domain ",
            "giving up on",
            "have been failing for a long time",
            "has been delayed",
            "it has not been collected after",
            "message expired after sitting in queue for",
            "message expired, cannot connect to remote server",
            "message expired, connection refulsed",
            "message timed out",
            "retry time not reached for any host after a long failure period",
            "server did not respond",
            "this message has been in the queue too long",
            "unable to deliver message after multiple retries",
            "was not reachable within the allowed queue period",
            "your message could not be delivered for more than",
            "could not be delivered for… days",
            "retry timeout exceeded",
            "envelope expired",
            "giving up",
            "could not deliver for the last",
            "did not accept our requests to connect",
            "refused to accept a connection from your email system",
            "was not delivered within",
            "delivery failed … attempts",
        ],
    ),
    (
        "mailererror",
        &[
            " || exit ",
            "procmail: ",
            "bin/procmail",
            "bin/maidrop",
            "command failed: ",
            "command died with status ",
            "command output:",
            "mailer error",
            "pipe to |/",
            "x-unix; ",
        ],
    ),
];

/// Sisimai's table of enhanced status codes to reasons (`Sisimai::SMTP::Status`),
/// the RFC 3463 / IANA meaning of each code.
const STATUS_REASONS: &[(&str, &str)] = &[
    ("4.1.6", "hasmoved"),
    ("4.1.7", "rejected"),
    ("4.1.8", "rejected"),
    ("4.1.9", "systemerror"),
    ("4.2.1", "suspend"),
    ("4.2.2", "mailboxfull"),
    ("4.2.3", "exceedlimit"),
    ("4.2.4", "filtered"),
    ("4.3.1", "systemfull"),
    ("4.3.2", "notaccept"),
    ("4.3.3", "systemerror"),
    ("4.3.5", "systemerror"),
    ("4.4.1", "expired"),
    ("4.4.2", "networkerror"),
    ("4.4.3", "systemerror"),
    ("4.4.4", "networkerror"),
    ("4.4.5", "systemfull"),
    ("4.4.6", "networkerror"),
    ("4.4.7", "expired"),
    ("4.4.8", "networkerror"),
    ("4.5.3", "systemerror"),
    ("4.5.5", "systemerror"),
    ("4.6.0", "contenterror"),
    ("4.6.2", "contenterror"),
    ("4.6.5", "contenterror"),
    ("4.7.1", "blocked"),
    ("4.7.2", "blocked"),
    ("4.7.5", "securityerror"),
    ("4.7.6", "securityerror"),
    ("4.7.7", "securityerror"),
    ("4.7.12", "securityerror"),
    ("4.7.15", "securityerror"),
    ("4.7.16", "mesgtoobig"),
    ("4.7.24", "authfailure"),
    ("4.7.25", "requireptr"),
    ("5.1.0", "userunknown"),
    ("5.1.1", "userunknown"),
    ("5.1.2", "hostunknown"),
    ("5.1.3", "userunknown"),
    ("5.1.4", "filtered"),
    ("5.1.6", "hasmoved"),
    ("5.1.7", "rejected"),
    ("5.1.8", "rejected"),
    ("5.1.9", "systemerror"),
    ("5.1.10", "notaccept"),
    // Exchange Online's own sub-code: "Remote server returned unknown
    // recipient or mailbox unavailable".
    ("5.1.351", "userunknown"),
    ("5.2.0", "filtered"),
    ("5.2.1", "filtered"),
    ("5.2.2", "mailboxfull"),
    ("5.2.3", "exceedlimit"),
    ("5.2.4", "filtered"),
    ("5.3.0", "systemerror"),
    ("5.3.1", "systemfull"),
    ("5.3.2", "notaccept"),
    ("5.3.3", "systemerror"),
    ("5.3.4", "mesgtoobig"),
    ("5.3.5", "systemerror"),
    ("5.4.0", "networkerror"),
    ("5.4.3", "systemerror"),
    ("5.4.4", "hostunknown"),
    ("5.5.2", "syntaxerror"),
    ("5.5.3", "toomanyconn"),
    ("5.5.4", "systemerror"),
    ("5.5.5", "systemerror"),
    ("5.5.6", "syntaxerror"),
    ("5.6.0", "contenterror"),
    ("5.6.1", "contenterror"),
    ("5.6.2", "contenterror"),
    ("5.6.3", "contenterror"),
    ("5.6.5", "contenterror"),
    ("5.6.6", "contenterror"),
    ("5.6.7", "contenterror"),
    ("5.6.8", "contenterror"),
    ("5.6.9", "contenterror"),
    ("5.7.0", "securityerror"),
    ("5.7.1", "securityerror"),
    ("5.7.2", "securityerror"),
    ("5.7.3", "securityerror"),
    ("5.7.4", "securityerror"),
    ("5.7.5", "securityerror"),
    ("5.7.6", "securityerror"),
    ("5.7.7", "securityerror"),
    ("5.7.8", "securityerror"),
    ("5.7.9", "securityerror"),
    ("5.7.10", "securityerror"),
    ("5.7.11", "securityerror"),
    ("5.7.13", "suspend"),
    ("5.7.14", "securityerror"),
    ("5.7.15", "securityerror"),
    ("5.7.16", "mesgtoobig"),
    ("5.7.17", "hasmoved"),
    ("5.7.18", "hasmoved"),
    ("5.7.19", "securityerror"),
    ("5.7.20", "authfailure"),
    ("5.7.21", "authfailure"),
    ("5.7.22", "authfailure"),
    ("5.7.23", "authfailure"),
    ("5.7.24", "authfailure"),
    ("5.7.25", "requireptr"),
    ("5.7.26", "authfailure"),
    ("5.7.27", "notaccept"),
    ("5.7.28", "spamdetected"),
    ("5.7.29", "authfailure"),
    ("5.7.30", "securityerror"),
];

/// Reasons a status code only hints at: the words are read before them
/// (sisimai's `GetRetried` plus the catch-all classes).
const LOOSE_STATUS_REASONS: [&str; 7] = [
    "securityerror",
    "systemerror",
    "filtered",
    "networkerror",
    "expired",
    "suspend",
    "onhold",
];

/// Words saying the domain has no mail exchanger to deliver to: more
/// precise than a 5.4.4 code or a "DNS error" around them.
const NO_MAIL_EXCHANGER: [&str; 4] = [
    "null mx",
    "nullmx",
    "doesn't receive email according to the administrator",
    "couldn't find a mail exchanger",
];

/// Every phrase of [`PHRASES`] in one Aho-Corasick automaton, matched in a
/// single pass over the text. A phrase with `…` is split into pieces that must
/// occur in order.
struct Phrases {
    automaton: AhoCorasick,
    /// For each distinct piece (automaton pattern): where it is used, as
    /// (reason index, phrase number, piece index).
    uses: Vec<Vec<(usize, usize, usize)>>,
    /// Pieces per phrase, by phrase number.
    pieces: Vec<usize>,
}

static TABLE: Lazy<Phrases> = Lazy::new(|| {
    let mut distinct: Vec<&'static str> = Vec::new();
    let mut uses: Vec<Vec<(usize, usize, usize)>> = Vec::new();
    let mut pieces = Vec::new();
    for (reason, (_, phrases)) in PHRASES.iter().enumerate() {
        for phrase in *phrases {
            let number = pieces.len();
            let parts: Vec<&'static str> = phrase.split('…').filter(|p| !p.is_empty()).collect();
            pieces.push(parts.len());
            for (i, part) in parts.into_iter().enumerate() {
                let id = match distinct.iter().position(|d| *d == part) {
                    Some(id) => id,
                    None => {
                        distinct.push(part);
                        uses.push(Vec::new());
                        distinct.len() - 1
                    }
                };
                uses[id].push((reason, number, i));
            }
        }
    }
    Phrases {
        automaton: AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&distinct)
            .expect("static phrase tables"),
        uses,
        pieces,
    }
});

/// The SMTP command a notice says was refused ("in reply to RCPT TO
/// command", "after MAIL FROM", a `>>> RCPT TO:` transcript line). Read on
/// lowercased, whitespace-collapsed text.
static COMMAND: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:in reply to|after|while sending|while talking|in response to|did not like our|most progress was|smtp command:?|smtp:|>>>|\[|does not like)(?: the)? ?(recipient|rcpt to|rcpt_to|rcpt|mail from|mail_from|end of data|data|helo|ehlo|initial connection|connect)\b")
        .expect("static regex")
});

/// The SMTP command stated in `text` (lowercased), when there is one:
/// `rcpt`, `mail`, `data`, `helo`, `ehlo` or `connect`.
fn command_in(text: &str) -> Option<&'static str> {
    let found = COMMAND
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .last()?;
    Some(match found.as_str() {
        "rcpt to" | "rcpt_to" | "rcpt" | "recipient" => "rcpt",
        "mail from" | "mail_from" => "mail",
        "end of data" | "data" => "data",
        "helo" => "helo",
        "ehlo" => "ehlo",
        _ => "connect",
    })
}

/// The reasons the words state, as a set over [`PHRASES`].
struct Said {
    matched: Vec<bool>,
}

impl Said {
    fn of(text: &str) -> Said {
        let table = &*TABLE;
        let mut matched = vec![false; PHRASES.len()];
        // Pieces of multi-piece phrases seen: (phrase, piece, start, end).
        let mut partial: Vec<(usize, usize, usize, usize)> = Vec::new();
        for m in table.automaton.find_overlapping_iter(text) {
            for &(reason, number, piece) in &table.uses[m.pattern().as_usize()] {
                if table.pieces[number] == 1 {
                    matched[reason] = true;
                } else if !matched[reason] && partial.len() < 4096 {
                    partial.push((number, piece, m.start(), m.end()));
                }
            }
        }
        // A split phrase matches when its pieces occur in order.
        partial.sort_unstable();
        let mut i = 0;
        while i < partial.len() {
            let number = partial[i].0;
            let end = partial[i..].iter().take_while(|p| p.0 == number).count() + i;
            let hits = &partial[i..end];
            let mut at = 0;
            let mut found = true;
            for piece in 0..table.pieces[number] {
                match hits
                    .iter()
                    .filter(|h| h.1 == piece && h.2 >= at)
                    .map(|h| h.3)
                    .min()
                {
                    Some(e) => at = e,
                    None => {
                        found = false;
                        break;
                    }
                }
            }
            if found {
                let reason = table
                    .uses
                    .iter()
                    .flatten()
                    .find(|u| u.1 == number)
                    .map(|u| u.0);
                if let Some(r) = reason {
                    matched[r] = true;
                }
            }
            i = end;
        }
        Said { matched }
    }

    fn says(&self, reason: &str) -> bool {
        // Usually nothing or one or two reasons matched: check those only.
        self.matched
            .iter()
            .zip(PHRASES)
            .any(|(&m, (r, _))| m && *r == reason)
    }

    /// The first reason of `order` the words state.
    fn first_of(&self, order: &[&'static str]) -> Option<&'static str> {
        order.iter().copied().find(|r| self.says(r))
    }
}

/// The meaning sisimai's table gives an enhanced status code.
pub fn status_reason(code: &str) -> Option<&'static str> {
    STATUS_REASONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, r)| *r)
}

/// Lowercase, whitespace collapsed, bounded.
fn normalise(evidence: &str) -> String {
    normalise_all(&[evidence])
}

/// The texts of `parts`, lowercased and whitespace-collapsed, joined by a
/// space, [`MAX_EVIDENCE`] bytes at most in all.
fn normalise_all(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        let room = MAX_EVIDENCE.saturating_sub(out.len());
        if room == 0 {
            break;
        }
        let bounded = &part[..crate::understand::body::floor_char_boundary(part, room)];
        let mut space = !out.is_empty();
        for c in bounded.chars() {
            if c.is_whitespace() {
                space = true;
                continue;
            }
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The bounce reason for one recipient, in sisimai's vocabulary, from the
/// status code it states, its delivery action and the remote server's words
/// (`evidence`: its diagnostic or its part of the notice). `context` (the
/// notice around it, its subject) is read for the SMTP command that failed,
/// and for a reason only when the evidence and the code name none. `writer`
/// is the mail system that wrote the notice: its own words for an unknown
/// address count where generic ones would not (see [`super::mta`]).
pub fn classify(
    status: Option<&str>,
    action: Option<&str>,
    evidence: &str,
    context: &[&str],
    writer: &Writer,
) -> &'static str {
    if let Some(stated) = writer.stated {
        return stated;
    }
    let text = normalise(evidence);
    // A remote host's own answer code outranks generic words (sisimai's Rhost).
    if let Some(stated) = super::mta::remote_code_reason(&text) {
        return stated;
    }
    let said = Said::of(&text);
    let by_code = status.and_then(status_reason);
    let class = status.and_then(|s| s.bytes().next());
    // The rest of the notice is read only when the words need it.
    let around = std::cell::OnceCell::new();
    let around = || around.get_or_init(|| normalise_all(context)).as_str();
    let command = if ["userunknown", "filtered", "spamdetected", "norelaying"]
        .iter()
        .any(|r| said.says(r))
    {
        command_in(&text).or_else(|| command_in(around()))
    } else {
        command_in(&text)
    }
    .unwrap_or("");
    let before_data = matches!(command, "rcpt" | "mail" | "helo" | "ehlo" | "connect");
    let reply = status::first_reply_code(&text);

    // 1. What the code or the words state precisely (sisimai's first pass).
    if said.says("mailboxfull") || by_code == Some("mailboxfull") {
        return "mailboxfull";
    }
    if by_code == Some("mesgtoobig") || (by_code != Some("exceedlimit") && said.says("mesgtoobig"))
    {
        return "mesgtoobig";
    }
    if by_code == Some("exceedlimit") || said.says("exceedlimit") {
        return "exceedlimit";
    }
    if said.says("suspend") || reply == Some("525") {
        return "suspend";
    }
    if said.says("hasmoved") || by_code == Some("hasmoved") {
        return "hasmoved";
    }
    if said.says("norelaying") && !matches!(command, "helo" | "ehlo" | "connect") {
        return "norelaying";
    }
    if said.says("authfailure") || by_code == Some("authfailure") {
        return "authfailure";
    }
    if writer.says_user_unknown(&text) {
        return "userunknown";
    }
    if by_code == Some("userunknown") {
        // The code says the user is unknown, unless the words blame
        // something else (a relay refusal, a block, a full mailbox …).
        let other = said.first_of(&[
            "filtered",
            "mailererror",
            "norelaying",
            "blocked",
            "mailboxfull",
            "hasmoved",
            "rejected",
            "notaccept",
            "spamdetected",
            "policyviolation",
            "speeding",
            "toomanyconn",
        ]);
        return other.unwrap_or("userunknown");
    }
    // "User unknown" answered to RCPT TO is about the address; the same
    // words after DATA come from a filter (the address was accepted).
    if said.says("userunknown") && command == "rcpt" {
        return "userunknown";
    }
    if said.says("filtered") && (by_code == Some("filtered") || !before_data)
        || said.says("userunknown") && command == "data"
    {
        return "filtered";
    }
    // Generic "no such user" words with no stage named: filters and
    // gateways say them to refuse a message, so they do not prove the
    // address unknown (sisimai's `Filtered.true`).
    if said.says("userunknown") && !said.says("rejected") {
        return if command.is_empty() {
            "filtered"
        } else {
            "userunknown"
        };
    }
    if said.says("requireptr") || by_code == Some("requireptr") {
        return "requireptr";
    }
    if said.says("notcompliantrfc") {
        return "notcompliantrfc";
    }
    if said.says("badreputation") {
        return "badreputation";
    }
    if by_code == Some("rejected") || said.says("rejected") {
        return "rejected";
    }
    // A domain that publishes that it takes no mail (RFC 7505 null MX, or
    // no mail exchanger at all) is `notaccept`, whatever code came with it.
    if NO_MAIL_EXCHANGER.iter().any(|p| text.contains(p)) {
        return "notaccept";
    }
    if by_code == Some("hostunknown") && !said.says("networkerror") || said.says("hostunknown") {
        return "hostunknown";
    }
    if by_code == Some("spamdetected") || said.says("spamdetected") && !before_data {
        return "spamdetected";
    }
    if said.says("speeding") {
        return "speeding";
    }
    if by_code == Some("toomanyconn") || said.says("toomanyconn") {
        return "toomanyconn";
    }
    if by_code == Some("blocked") || said.says("blocked") {
        return "blocked";
    }

    // 2. The code's own meaning, when it is a precise one.
    if let Some(r) = by_code.filter(|r| !LOOSE_STATUS_REASONS.contains(r)) {
        return r;
    }

    // 3. The words of the looser reasons.
    if let Some(r) = said.first_of(&[
        "spamdetected",
        "virusdetected",
        "policyviolation",
        "systemerror",
        "networkerror",
        "contenterror",
        "systemfull",
        "notaccept",
        "expired",
        "securityerror",
        "mailererror",
    ]) {
        return r;
    }
    if matches!(reply, Some("521" | "556")) {
        return "notaccept";
    }
    if let Some(r) = by_code {
        return r;
    }

    // 4. Words elsewhere in the notice (around this recipient, the subject).
    if class != Some(b'4')
        && !around().is_empty()
        && let Some(r) = Said::of(around()).first_of(&[
            "mailboxfull",
            "mesgtoobig",
            "suspend",
            "hasmoved",
            "userunknown",
            "hostunknown",
            "notaccept",
            "norelaying",
            "blocked",
            "spamdetected",
            "virusdetected",
            "policyviolation",
            "expired",
        ])
    {
        return r;
    }

    // 5. The code's class and the delivery action.
    let detail = status.and_then(|s| s.get(..3)).unwrap_or("");
    match detail {
        "5.6" | "4.6" => return "contenterror",
        "5.7" | "4.7" => return "securityerror",
        _ => {}
    }
    if reply.is_some_and(|r| matches!(r, "501" | "502" | "503" | "504" | "505" | "506" | "507")) {
        return "syntaxerror";
    }
    if action
        .is_some_and(|a| a.eq_ignore_ascii_case("delayed") || a.eq_ignore_ascii_case("expired"))
        || class == Some(b'4') && status::says_temporary(&text)
    {
        return "expired";
    }
    let command = if command.is_empty() {
        command_in(around()).unwrap_or("")
    } else {
        command
    };
    if matches!(command, "helo" | "ehlo" | "connect") {
        return "blocked";
    }
    if text.is_empty() && status.is_none() {
        "undefined"
    } else {
        "onhold"
    }
}

/// sisimai's `hardbounce`: the address-level reasons are hard; `notaccept` is
/// hard unless the failure is temporary (4.x.x or worded so). Never hard for a
/// delayed report.
pub fn is_hard(reason: &str, status: Option<&str>, action: Option<&str>, evidence: &str) -> bool {
    if action.is_some_and(|a| a.eq_ignore_ascii_case("delayed")) {
        return false;
    }
    match reason {
        "userunknown" | "hostunknown" | "hasmoved" => true,
        "notaccept" => {
            let code = status.or_else(|| status::first_reply_code(evidence));
            match code.and_then(|c| c.bytes().next()) {
                Some(b'4') => false,
                Some(_) => true,
                None => !status::says_temporary(evidence),
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(status: &str, evidence: &str) -> &'static str {
        classify(
            Some(status).filter(|s| !s.is_empty()),
            Some("failed"),
            evidence,
            &[],
            &Writer::UNKNOWN,
        )
    }

    #[test]
    fn address_level_failures_are_hard() {
        for (status, text, want) in [
            (
                "5.1.1",
                "550 5.1.1 <a@b.example>... User unknown",
                "userunknown",
            ),
            (
                "5.0.0",
                "550 sorry, no mailbox here by that name",
                "userunknown",
            ),
            ("5.1.2", "Host or domain name not found", "hostunknown"),
            ("5.1.6", "", "hasmoved"),
            (
                "5.1.10",
                "556 5.1.10 recipient address has null MX",
                "notaccept",
            ),
        ] {
            let r = reason(status, text);
            assert_eq!(r, want, "{status} {text}");
            assert!(is_hard(r, Some(status), Some("failed"), text), "{text}");
        }
    }

    #[test]
    fn the_stage_a_notice_names_decides_user_unknown_words() {
        // A filter's "SMTP command: DATA" line: the address was accepted.
        let r = reason(
            "",
            "550 unknown user <a@b.example> -------SMTP command DATA",
        );
        assert_eq!(r, "filtered");
        assert!(!is_hard(r, None, Some("failed"), ""));
        // Answered to RCPT TO: the address.
        assert_eq!(
            reason(
                "",
                "550 unknown user <a@b.example> (in reply to RCPT TO command)"
            ),
            "userunknown"
        );
        // No stage named: generic words may come from a filter, unless the
        // answer names the address the way a known host does.
        assert_eq!(reason("", "550 : User unknown"), "filtered");
        assert_eq!(reason("", "550 <a@b.example>: User unknown"), "userunknown");
        assert_eq!(
            reason(
                "",
                "Unable to deliver message to <a@b.example>. Please check if address is correct."
            ),
            "filtered"
        );
        // A status code that says so is enough.
        assert_eq!(reason("5.1.1", "550 : User unknown"), "userunknown");
    }

    #[test]
    fn sender_side_failures_are_soft_even_with_5xx() {
        for (status, text, want) in [
            (
                "5.7.1",
                "550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
                "blocked",
            ),
            (
                "5.7.1",
                "554 5.7.1 Message rejected as spam",
                "spamdetected",
            ),
            (
                "5.7.26",
                "550-5.7.26 Unauthenticated email is not accepted",
                "authfailure",
            ),
            ("5.2.2", "552 5.2.2 Mailbox full", "mailboxfull"),
            ("5.3.4", "552 5.3.4 Message too big", "mesgtoobig"),
            ("5.4.7", "Delivery time expired", "expired"),
            (
                "5.7.0",
                "550 5.7.0 Local policy violation",
                "policyviolation",
            ),
            (
                "5.1.1",
                "550 5.1.1 user unknown; sender ip address rejected by blocklist",
                "blocked",
            ),
            (
                "4.7.0",
                "421 4.7.0 Try again later, closing connection",
                "securityerror",
            ),
            (
                "5.7.1",
                "550 5.7.1 Delivery not authorized",
                "securityerror",
            ),
        ] {
            let r = reason(status, text);
            assert_eq!(r, want, "{status} {text}");
            assert!(!is_hard(r, Some(status), Some("failed"), text), "{text}");
        }
    }

    #[test]
    fn a_delayed_report_is_never_hard() {
        let r = classify(
            Some("4.1.1"),
            Some("delayed"),
            "450 4.1.1 user unknown (in reply to RCPT TO command)",
            &[],
            &Writer::UNKNOWN,
        );
        assert_eq!(r, "userunknown");
        assert!(!is_hard(r, Some("4.1.1"), Some("delayed"), ""));
        assert_eq!(
            classify(None, Some("delayed"), "still trying", &[], &Writer::UNKNOWN),
            "expired"
        );
    }

    #[test]
    fn notaccept_is_soft_when_temporary() {
        assert!(is_hard("notaccept", Some("5.3.2"), None, ""));
        assert!(!is_hard("notaccept", Some("4.3.2"), None, ""));
    }

    #[test]
    fn phrase_tables_compile_and_every_phrase_is_lowercase() {
        assert_eq!(
            TABLE.pieces.len(),
            PHRASES.iter().map(|(_, p)| p.len()).sum::<usize>()
        );
        for (reason, phrases) in PHRASES {
            for p in *phrases {
                assert_eq!(*p, p.to_lowercase(), "{reason}: {p}");
            }
        }
    }

    #[test]
    fn long_hostile_text_is_bounded() {
        let text = "user unknown ".repeat(100_000);
        assert_eq!(reason("", &text), "filtered");
        assert_eq!(reason("5.1.1", &text), "userunknown");
    }
}
