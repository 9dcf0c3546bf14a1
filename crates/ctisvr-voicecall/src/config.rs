//! The service's settings and the checks of its command-line values (each
//! a clap value parser, so that a bad flag is a clear error and exit 2).

use crate::token::ProviderKey;
use std::net::SocketAddr;
use std::time::Duration;

/// The most extensions one service monitors (one CtiSVR connection each).
pub const MAX_EXTENSIONS: usize = 500;

/// The longest wait a read may be given (`--wait-ms`).
pub const MAX_WAIT_MS: u64 = 60_000;

/// Everything the service needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the HTTP API listens.
    pub listen: SocketAddr,
    /// CtiSVR's WebSocket URLs, A first (then B, ...).
    pub ctisvr: Vec<String>,
    /// The extensions to monitor, in order, without repeats.
    pub extensions: Vec<String>,
    /// The origins whose pages may read (`Origin`, exact match).
    pub allow_origins: Vec<String>,
    /// The contact center's `scrtUrl`.
    pub scrt_url: String,
    /// `Telephony-Provider-Name`.
    pub provider_name: String,
    /// Signs the tokens (the org id and contact center are in it).
    pub key: ProviderKey,
    /// How long a read waits for the record.
    pub wait: Duration,
}

/// `--extensions 2001-2004,2050`: numbers and ranges of numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionList(pub Vec<String>);

/// Reads `2001-2004,2050`: extensions (digits, at most 16) and inclusive
/// ranges of extensions of one length, separated by commas.
pub fn parse_extensions(text: &str) -> Result<ExtensionList, String> {
    let mut all: Vec<String> = Vec::new();
    for item in text.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(format!("{text:?} has an empty item: write extensions like 2001-2004,2050"));
        }
        let (first, last) = item.split_once('-').map_or((item, item), |(a, b)| (a.trim(), b.trim()));
        for part in [first, last] {
            if part.is_empty() || part.len() > 16 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{item:?} is not an extension (1 to 16 digits) or a range like 2001-2004"));
            }
        }
        if first.len() != last.len() {
            return Err(format!("{item:?}: both ends of a range have the same number of digits"));
        }
        let (Ok(start), Ok(end)) = (first.parse::<u64>(), last.parse::<u64>()) else {
            return Err(format!("{item:?} is not an extension or a range"));
        };
        if start > end {
            return Err(format!("{item:?}: a range goes from low to high"));
        }
        if end - start >= MAX_EXTENSIONS as u64 {
            return Err(format!("{item:?}: at most {MAX_EXTENSIONS} extensions"));
        }
        let width = first.len();
        for n in start..=end {
            let extension = format!("{n:0width$}");
            if !all.contains(&extension) {
                all.push(extension);
            }
            if all.len() > MAX_EXTENSIONS {
                return Err(format!("at most {MAX_EXTENSIONS} extensions"));
            }
        }
    }
    Ok(ExtensionList(all))
}

/// `--ctisvr ws://host:port[/path]`.
pub fn parse_ctisvr(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.starts_with("wss://") {
        return Err("wss:// is not built in (no TLS client for CtiSVR): use ws:// on a trusted network".into());
    }
    let Some(rest) = text.strip_prefix("ws://") else {
        return Err(format!("{text:?} is not a ws:// URL (like ws://127.0.0.1:19006)"));
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    if host.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{text:?} is not a ws:// URL (like ws://127.0.0.1:19006)"));
    }
    Ok(text.to_owned())
}

/// `--allow-origin http://host[:port]`: an origin as browsers send it
/// (scheme, host, port; no path). `*` and `null` are refused: the point
/// is to name the connector's own origin.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    let valid = rest.is_some_and(|host| {
        !host.is_empty()
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
            && !host.starts_with(':')
    });
    if !valid {
        return Err(format!(
            "{text:?} is not an origin: write the connector page's scheme, host and port, like \
             https://connector.example.com or http://127.0.0.1:18080 (no path, no trailing /)"
        ));
    }
    Ok(text.to_ascii_lowercase())
}

/// `--scrt-url https://…my.salesforce-scrt.com` (http:// for the mock).
pub fn parse_scrt_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Ok(text.trim_end_matches('/').to_owned())
        }
        _ => Err(format!("{text:?} is not an http(s) URL (the contact center's scrtUrl)")),
    }
}

/// A name that goes into a header or a token: visible ASCII, not empty.
pub fn parse_name(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() || text.len() > 255 || !text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return Err(format!("{text:?} must be 1 to 255 visible ASCII characters"));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_numbers_and_ranges() {
        assert_eq!(parse_extensions("2001-2004,2050").unwrap().0, ["2001", "2002", "2003", "2004", "2050"]);
        assert_eq!(parse_extensions(" 2001 , 2001-2002 ").unwrap().0, ["2001", "2002"], "no repeats");
        assert_eq!(parse_extensions("0098-0101").unwrap().0, ["0098", "0099", "0100", "0101"], "width kept");
        for bad in ["", "2001,", "abc", "2004-2001", "99-100", "2001-", "1-100000", "+2001", "20 01"] {
            assert!(parse_extensions(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_and_origins_are_checked() {
        assert_eq!(parse_ctisvr("ws://127.0.0.1:19006").unwrap(), "ws://127.0.0.1:19006");
        for bad in ["http://x", "wss://x", "ws://", "ws:///path", "ws://a b"] {
            assert!(parse_ctisvr(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_origin("http://127.0.0.1:18080").unwrap(), "http://127.0.0.1:18080");
        assert_eq!(parse_origin("https://Connector.Example.com").unwrap(), "https://connector.example.com");
        for bad in ["*", "null", "http://x/", "http://x/path", "ftp://x", "http://", "127.0.0.1:80"] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_scrt_url("http://127.0.0.1:1/").unwrap(), "http://127.0.0.1:1");
        assert!(parse_scrt_url("127.0.0.1").is_err());
        assert!(parse_name("CtiSVR").is_ok());
        assert!(parse_name("").is_err());
        assert!(parse_name("a\nb").is_err());
    }
}
