//! Why the browser refused a CtiSVR WebSocket, in words an agent can pass on
//! to an admin. Two refusals are common once the softphone runs inside
//! Salesforce (an https page, often on a public origin):
//!
//! - **mixed content**: an https page may not open `ws://` (only `wss://`);
//!   `new WebSocket` throws a `SecurityError` ("insecure"). Chromium exempts
//!   local addresses (`127.0.0.1`, `10.0.0.5`: local network access rules
//!   them instead); Firefox refuses them too.
//! - **local network access**: Chromium blocks a page from reaching an
//!   address more private than its own (a public site to `10.0.0.5`, or any
//!   site to `127.0.0.1`) unless the user allowed "local network access" for
//!   the site. The page only sees the socket close with code 1006.
//!
//! The driver tells the session the page's protocol and host
//! ([`crate::Session::set_page`]); when a socket is lost ([`SocketLoss`])
//! the session asks [`advise`] and shows the [`Advice`]. Both are data,
//! worded in the agent's language by [`crate::i18n`].

use crate::request_name::RequestName;
use crate::settings::WsUri;

/// Why a socket was lost or given up: the wait before the next round says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketLoss {
    /// The browser's `CloseEvent`: 1006 means no close frame (the socket was
    /// refused or dropped; the browser gives no reason).
    Closed { code: u16, reason: String, clean: bool },
    /// The browser would not open the socket (`new WebSocket` threw): its words.
    Failed(String),
    /// CtiSVR did not answer `request` within `seconds`.
    NoAnswer { request: RequestName, seconds: u64 },
    /// New settings replaced the connection.
    SettingsChanged,
}

/// Why the browser, rather than CtiSVR, likely refused a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Advice {
    /// An https page may not open this `ws://` address (at most 80 characters).
    UseWss { uri: String },
    /// Chromium's local network access blocks this more private address.
    LocalNetwork { host: String },
    /// This name may resolve to a local address that is blocked.
    MaybeLocalNetwork { host: String },
}

/// The page the element runs in: `location.protocol` and `location.hostname`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageOrigin {
    /// `https:` or `http:` (the trailing colon is optional).
    pub protocol: String,
    /// `cti.example.com`, `127.0.0.1`, `[::1]`...
    pub host: String,
}

impl PageOrigin {
    pub fn new(protocol: impl Into<String>, host: impl Into<String>) -> PageOrigin {
        PageOrigin { protocol: protocol.into(), host: host.into() }
    }

    fn is_https(&self) -> bool {
        self.protocol.trim_end_matches(':').eq_ignore_ascii_case("https")
    }
}

/// How private an address is, in Chromium's Local Network Access terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum AddressSpace {
    Public,
    /// RFC 1918, link-local, unique local IPv6, `.local` names.
    Local,
    /// `127.0.0.0/8`, `::1`, `localhost`.
    Loopback,
}

/// The advice for a WebSocket to `uri` lost for `loss`, if the browser
/// rather than CtiSVR is the likely cause.
///
/// ```
/// use ctisvr_core::transport_advice::{advise, Advice, PageOrigin, SocketLoss};
/// use ctisvr_core::WsUri;
/// let ws = |text| WsUri::parse("wsURIA", text).unwrap();
/// let salesforce = PageOrigin::new("https:", "myorg.lightning.force.com");
/// let refused = SocketLoss::Failed("SecurityError".into());
/// let dropped = SocketLoss::Closed { code: 1006, reason: String::new(), clean: false };
/// assert_eq!(advise(&salesforce, &ws("ws://10.0.0.5:9006/"), &refused), Some(Advice::UseWss { uri: "ws://10.0.0.5:9006/".into() }));
/// assert_eq!(advise(&salesforce, &ws("wss://10.0.0.5:9006/"), &dropped), Some(Advice::LocalNetwork { host: "10.0.0.5".into() }));
/// assert_eq!(advise(&PageOrigin::new("http:", "127.0.0.1"), &ws("ws://127.0.0.1:9006/"), &dropped), None);
/// ```
pub fn advise(page: &PageOrigin, uri: &WsUri, loss: &SocketLoss) -> Option<Advice> {
    let (secure, host) = (uri.is_secure(), uri.host());
    let target = address_space(host);
    let said = match loss {
        SocketLoss::Failed(text) => text.to_ascii_lowercase(),
        _ => String::new(),
    };
    let said_insecure = said.contains("insecure") || said.contains("securityerror");
    let public = matches!(target, None | Some(AddressSpace::Public));
    if page.is_https() && !secure && (said_insecure || public) {
        return Some(Advice::UseWss { uri: uri.as_str().chars().take(80).collect() });
    }
    let dropped = matches!(loss, SocketLoss::Closed { code: 1006, .. }) || said.contains("local_network");
    let page_space = address_space(&page.host).unwrap_or(AddressSpace::Public);
    match target {
        Some(target) if dropped && target > page_space => Some(Advice::LocalNetwork { host: host.to_owned() }),
        // A name: Chromium decides by the address it resolves to, which the
        // page cannot see. Only a public https page is subject to the prompt.
        None if dropped && page.is_https() && page_space == AddressSpace::Public => {
            Some(Advice::MaybeLocalNetwork { host: host.to_owned() })
        }
        _ => None,
    }
}

/// The address space of a host; `None` for a name we cannot place (it may
/// resolve to anything).
fn address_space(host: &str) -> Option<AddressSpace> {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']').trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return Some(AddressSpace::Loopback);
    }
    if host.ends_with(".local") {
        return Some(AddressSpace::Local);
    }
    if let Some(ip) = parse_v4(&host) {
        return Some(v4_space(ip));
    }
    parse_v6(&host).map(v6_space)
}

/// `text` as an IPv4 address, read as `std::net::Ipv4Addr` reads it: four
/// decimal octets of one to three digits each, no leading zero (`010.0.0.1`
/// is no address). Not `Ipv4Addr` itself: its parser costs the wasm more
/// than this (docs/benchmarks.md, row j); a test compares the two.
fn parse_v4(text: &str) -> Option<[u8; 4]> {
    let mut octets = [0; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || (part.len() > 1 && part.starts_with('0')) {
            return None;
        }
        let value = part.bytes().try_fold(0_u16, |v, b| b.is_ascii_digit().then(|| v * 10 + u16::from(b - b'0')))?;
        *octet = u8::try_from(value).ok()?;
    }
    parts.next().is_none().then_some(octets)
}

/// `text` as an IPv6 address, read as `std::net::Ipv6Addr` reads it: eight
/// groups of one to four hex digits, or fewer around one `::`, the last two
/// groups possibly written as an IPv4 address; no zone (`fe80::1%eth0`).
fn parse_v6(text: &str) -> Option<[u16; 8]> {
    let mut segments = [0; 8];
    match text.split_once("::") {
        None => (groups(text, true, &mut segments)? == 8).then_some(segments),
        Some((head, tail)) => {
            let mut back = [0; 8];
            let head_len = if head.is_empty() { 0 } else { groups(head, false, &mut segments)? };
            let tail_len = if tail.is_empty() { 0 } else { groups(tail, true, &mut back)? };
            if head_len + tail_len > 7 {
                return None;
            }
            segments.get_mut(8 - tail_len..)?.copy_from_slice(back.get(..tail_len)?);
            Some(segments)
        }
    }
}

/// Reads the `:`-separated groups of `text` into the start of `out` (an
/// IPv4 address last, if `v4_last`, as two groups); their number.
fn groups(text: &str, v4_last: bool, out: &mut [u16; 8]) -> Option<usize> {
    let mut n = 0;
    let mut parts = text.split(':').peekable();
    while let Some(part) = parts.next() {
        if v4_last && parts.peek().is_none() && part.contains('.') {
            let [a, b, c, d] = parse_v4(part)?;
            *out.get_mut(n)? = u16::from_be_bytes([a, b]);
            *out.get_mut(n + 1)? = u16::from_be_bytes([c, d]);
            return Some(n + 2);
        }
        if part.is_empty() || part.len() > 4 {
            return None;
        }
        *out.get_mut(n)? = part.chars().try_fold(0_u16, |v, c| Some(v << 4 | c.to_digit(16)? as u16))?;
        n += 1;
    }
    Some(n)
}

fn v4_space([a, b, c, d]: [u8; 4]) -> AddressSpace {
    if a == 127 {
        AddressSpace::Loopback
    } else if a == 10
        || (a == 172 && b & 0xf0 == 16)
        || (a == 192 && b == 168)
        || (a == 169 && b == 254)
        || [a, b, c, d] == [0; 4]
    {
        AddressSpace::Local // private, link-local, unspecified
    } else {
        AddressSpace::Public
    }
}

fn v6_space(segments: [u16; 8]) -> AddressSpace {
    match segments {
        [0, 0, 0, 0, 0, 0xffff, ab, cd] => {
            let [a, b] = ab.to_be_bytes();
            let [c, d] = cd.to_be_bytes();
            v4_space([a, b, c, d])
        }
        [0, 0, 0, 0, 0, 0, 0, 1] => AddressSpace::Loopback,
        [0, 0, 0, 0, 0, 0, 0, 0] => AddressSpace::Local,
        [first, ..] if (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80 => AddressSpace::Local,
        _ => AddressSpace::Public,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    /// What `address_space` said when it parsed with `std::net`.
    fn std_space(host: &str) -> Option<AddressSpace> {
        fn v4(ip: Ipv4Addr) -> AddressSpace {
            if ip.is_loopback() {
                AddressSpace::Loopback
            } else if ip.is_private() || ip.is_link_local() || ip.is_unspecified() {
                AddressSpace::Local
            } else {
                AddressSpace::Public
            }
        }
        fn v6(ip: Ipv6Addr) -> AddressSpace {
            if let Some(ip) = ip.to_ipv4_mapped() {
                return v4(ip);
            }
            let first = ip.segments()[0];
            if ip.is_loopback() {
                AddressSpace::Loopback
            } else if (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80 || ip.is_unspecified() {
                AddressSpace::Local
            } else {
                AddressSpace::Public
            }
        }
        let host = host.trim().trim_start_matches('[').trim_end_matches(']').trim_end_matches('.').to_ascii_lowercase();
        if host == "localhost" || host.ends_with(".localhost") {
            return Some(AddressSpace::Loopback);
        }
        if host.ends_with(".local") {
            return Some(AddressSpace::Local);
        }
        match host.parse::<IpAddr>().ok()? {
            IpAddr::V4(ip) => Some(v4(ip)),
            IpAddr::V6(ip) => Some(v6(ip)),
        }
    }

    #[test]
    fn addresses_are_read_as_std_net_reads_them() {
        use AddressSpace::*;
        for (host, space) in [
            ("10.0.0.1", Some(Local)),
            ("010.0.0.1", None),
            ("10.0.0.01", None),
            ("0.0.0.0", Some(Local)),
            ("1.2.3", None),
            ("1.2.3.4.5", None),
            ("1.2.3.4.", Some(Public)), // a trailing dot is dropped first, as for names
            ("256.1.1.1", None),
            ("255.255.255.255", Some(Public)),
            ("1234.1.1.1", None),
            ("+1.2.3.4", None),
            ("+1::", None),
            ("1..2.3", None),
            ("172.15.0.1", Some(Public)),
            ("172.16.0.1", Some(Local)),
            ("172.31.255.255", Some(Local)),
            ("172.32.0.1", Some(Public)),
            ("169.254.1.1", Some(Local)),
            ("127.1.2.3", Some(Loopback)),
            ("[::1]", Some(Loopback)),
            ("::", Some(Local)),
            ("::2", Some(Public)),
            ("[fe80::1]", Some(Local)),
            ("fe80::1%eth0", None),
            ("[fe80::1%25eth0]", None),
            ("FD00::1", Some(Local)),
            ("fec0::1", Some(Public)),
            ("::ffff:10.0.0.1", Some(Local)),
            ("::ffff:a00:1", Some(Local)),
            ("::ffff:127.0.0.1", Some(Loopback)),
            ("::ffff:8.8.8.8", Some(Public)),
            ("::10.0.0.1", Some(Public)), // IPv4-compatible, not mapped
            ("64:ff9b::10.0.0.1", Some(Public)),
            ("1:2:3:4:5:6:7:8", Some(Public)),
            ("1:2:3:4:5:6:7::", Some(Public)),
            ("::2:3:4:5:6:7:8", Some(Public)),
            ("1:2:3:4:5:6:7:8:9", None),
            ("1:2:3:4:5:6:7", None),
            ("1::2:3:4:5:6:7:8", None),
            ("1:2:3:4:5:6:1.2.3.4", Some(Public)),
            ("1:2:3:4:5:6:7:1.2.3.4", None),
            ("1:2:3:4:5::1.2.3.4", Some(Public)),
            ("1:2:3:4:5:6::1.2.3.4", None),
            ("1.2.3.4::", None),
            ("1.2.3.4:1::", None),
            ("::1.2.3.4:1", None),
            ("1::2::3", None),
            (":1::2", None),
            ("1:::2", None),
            ("12345::", None),
            ("fe80:0000::", Some(Local)),
            ("fe80:00000::", None),
            ("g::", None),
            ("pbx", None),
            ("", None),
        ] {
            assert_eq!(address_space(host), space, "{host:?}");
            assert_eq!(std_space(host), space, "{host:?} with std::net");
        }
    }

    proptest! {
        #[test]
        fn any_address_like_text_is_read_as_std_net_reads_it(host in "[0-9a-fA-F:.%+]{0,24}") {
            prop_assert_eq!(address_space(&host), std_space(&host));
        }

        #[test]
        fn any_ipv6_text_is_read_as_std_net_reads_it(
            groups in proptest::collection::vec("(0|1|7f|ff|fc00|fe80|ffff|0ffff|10.0.0.1|127.0.0.1|01.2.3.4)", 0..10),
            gap in proptest::option::of(0..10_usize),
        ) {
            let mut host = String::new();
            for (i, group) in groups.iter().enumerate() {
                if gap == Some(i) {
                    host.push_str("::");
                } else if i > 0 {
                    host.push(':');
                }
                host.push_str(group);
            }
            if gap == Some(groups.len()) {
                host.push_str("::");
            }
            prop_assert_eq!(address_space(&host), std_space(&host), "{}", host);
        }
    }

    const DROPPED: &SocketLoss = &SocketLoss::Closed { code: 1006, reason: String::new(), clean: false };

    fn refused(text: &str) -> SocketLoss {
        SocketLoss::Failed(text.into())
    }

    fn closed(code: u16, reason: &str, clean: bool) -> SocketLoss {
        SocketLoss::Closed { code, reason: reason.into(), clean }
    }

    fn ws(text: &str) -> WsUri {
        WsUri::parse("wsURIA", text).unwrap()
    }

    fn https(host: &str) -> PageOrigin {
        PageOrigin::new("https:", host)
    }

    #[test]
    fn an_https_page_refuses_ws() {
        let chromium = refused("Failed to construct 'WebSocket': An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.");
        let use_wss = |uri: &str| Some(Advice::UseWss { uri: uri.into() });
        assert_eq!(
            advise(&https("cti.example.com"), &ws("ws://10.0.0.5:9006/"), &chromium),
            use_wss("ws://10.0.0.5:9006/")
        );
        // Firefox's words.
        assert_eq!(
            advise(&https("x"), &ws("ws://10.0.0.5/"), &refused("The operation is insecure.")),
            use_wss("ws://10.0.0.5/")
        );
        // A name or a public address: refused whatever the text.
        assert_eq!(
            advise(&https("x"), &ws("WS://cti.example.com:9006"), &refused("anything")),
            use_wss("WS://cti.example.com:9006")
        );
        assert_eq!(advise(&https("x"), &ws("ws://8.8.8.8/"), DROPPED), use_wss("ws://8.8.8.8/"));
        // Chromium lets ws:// reach local addresses, behind local network access.
        let local = |host: &str| Some(Advice::LocalNetwork { host: host.into() });
        assert_eq!(advise(&https("myorg.my.salesforce.com"), &ws("ws://10.0.0.5:9006/"), DROPPED), local("10.0.0.5"));
        assert_eq!(advise(&https("myorg.my.salesforce.com"), &ws("ws://127.0.0.1:9006/"), DROPPED), local("127.0.0.1"));
        assert_eq!(
            advise(&https("myorg.my.salesforce.com"), &ws("ws://localhost:9006/"), &closed(1000, "", true)),
            None
        );
        // A long address is cut for the notice.
        let long = format!("ws://cti.example.com/{}", "p".repeat(200));
        assert!(
            matches!(advise(&https("x"), &ws(&long), DROPPED), Some(Advice::UseWss { uri }) if uri.chars().count() == 80)
        );
        // An http page may open ws://.
        assert_eq!(
            advise(&PageOrigin::new("http:", "cti.example.com"), &ws("ws://cti.example.com:9006/"), DROPPED),
            None
        );
    }

    #[test]
    fn a_dropped_socket_to_a_more_private_address_may_be_local_network_access() {
        let sf = https("myorg.lightning.force.com");
        for uri in [
            "wss://192.168.1.10:9006/",
            "wss://10.0.0.5/",
            "wss://172.16.0.1",
            "wss://[fd00::1]:9006",
            "wss://pbx.local/",
        ] {
            assert!(matches!(advise(&sf, &ws(uri), DROPPED), Some(Advice::LocalNetwork { .. })), "{uri}");
        }
        // Only a 1006 (or Chromium's own error name) suggests it.
        assert_eq!(advise(&sf, &ws("wss://10.0.0.5/"), &closed(4000, "bye", false)), None);
        assert_eq!(advise(&sf, &ws("wss://10.0.0.5/"), &closed(1011, "", false)), None);
        let blocked = refused("net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS");
        assert_eq!(
            advise(&sf, &ws("wss://10.0.0.5/"), &blocked),
            Some(Advice::LocalNetwork { host: "10.0.0.5".into() })
        );
        // A public target is not local network access; a name may be.
        assert_eq!(advise(&sf, &ws("wss://8.8.8.8/"), DROPPED), None);
        let maybe = Some(Advice::MaybeLocalNetwork { host: "cti.corp.example".into() });
        assert_eq!(advise(&sf, &ws("wss://cti.corp.example/"), DROPPED), maybe);
        assert_eq!(advise(&PageOrigin::new("http:", "example.com"), &ws("ws://cti.corp.example/"), DROPPED), None);
        assert_eq!(advise(&https("10.0.0.1"), &ws("wss://cti.corp.example/"), DROPPED), None);
    }

    #[test]
    fn a_page_as_private_as_the_target_is_not_blocked() {
        let intranet = https("10.1.1.1");
        assert_eq!(advise(&intranet, &ws("wss://10.0.0.5/"), DROPPED), None);
        assert!(advise(&intranet, &ws("wss://127.0.0.1/"), DROPPED).is_some(), "loopback is more private");
        assert_eq!(
            advise(&PageOrigin::new("http:", "127.0.0.1"), &ws("ws://127.0.0.1:19006/?ext=2001"), DROPPED),
            None
        );
        assert_eq!(advise(&PageOrigin::new("http", "localhost"), &ws("ws://[::1]:9006/"), DROPPED), None);
    }
}
