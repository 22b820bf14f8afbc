//! The URL to measure, and the request bytes, built once and sent as they are.

use std::net::{SocketAddr, ToSocketAddrs};

/// Where requests go: `http://HOST[:PORT][/PATH]` taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The host as written in the URL, for the `Host` header.
    pub host: String,
    pub port: u16,
    /// Path and query, `/` when the URL has none.
    pub path: String,
}

impl Target {
    /// Takes a URL apart. Only plain `http://` is supported: this tool measures servers
    /// on this machine, where TLS would measure the cipher, not the server.
    pub fn parse(url: &str) -> Result<Target, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{url:?}: only http:// URLs are supported"))?;
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_string()),
            Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
            None => (rest, "/".to_string()),
        };
        let (host, port) = match authority.rsplit_once(':') {
            // `[::1]:8080` has colons inside the brackets; only a colon after `]` is a port.
            Some((host, port)) if !port.contains(']') => {
                let port = port
                    .parse()
                    .map_err(|_| format!("{url:?}: {port:?} is not a port number"))?;
                (host, port)
            }
            _ => (authority, 80),
        };
        if host.is_empty() {
            return Err(format!("{url:?}: the URL names no host"));
        }
        Ok(Target {
            host: host.to_string(),
            port,
            path,
        })
    }

    /// Resolves the host once, before the run: name lookups must not be measured.
    pub fn resolve(&self) -> Result<SocketAddr, String> {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        (host, self.port)
            .to_socket_addrs()
            .map_err(|e| format!("resolving {}: {e}", self.host))?
            .next()
            .ok_or_else(|| format!("{} resolves to no address", self.host))
    }

    /// The same server with another path: `--slow-url` may be a full URL or just a path.
    pub fn with_path_or_url(&self, path_or_url: &str) -> Result<Target, String> {
        if path_or_url.starts_with('/') {
            return Ok(Target {
                path: path_or_url.to_string(),
                ..self.clone()
            });
        }
        let other = Target::parse(path_or_url)?;
        if (other.host.as_str(), other.port) != (self.host.as_str(), self.port) {
            return Err(format!(
                "{path_or_url:?}: the slow URL must name the same server as the URL ({}:{})",
                self.host, self.port
            ));
        }
        Ok(other)
    }
}

// ANCHOR: request_bytes
/// The bytes of one GET request. Built once per URL and written as they are for every
/// request: the generator must cost the machine as little as possible per request.
pub fn request_bytes(target: &Target, keep_alive: bool) -> Vec<u8> {
    let host = if target.port == 80 {
        target.host.clone()
    } else {
        format!("{}:{}", target.host, target.port)
    };
    // HTTP/1.1 connections persist by default; without -k we ask the server to close
    // after its answer, as `ab` does, so every request pays for a new connection.
    let connection = if keep_alive { "keep-alive" } else { "close" };
    format!(
        "GET {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: chapter12\r\nAccept: */*\r\nConnection: {connection}\r\n\r\n",
        target.path
    )
    .into_bytes()
}
// ANCHOR_END: request_bytes

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_host_port_and_path() {
        let t = Target::parse("http://127.0.0.1:8080/sleep?ms=5").expect("valid");
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 8080, "/sleep?ms=5")
        );
        let t = Target::parse("http://localhost").expect("valid");
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("localhost", 80, "/")
        );
        let t = Target::parse("http://[::1]:9000?a=1").expect("valid");
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("[::1]", 9000, "/?a=1")
        );
        assert!(Target::parse("https://example.com/").is_err());
        assert!(Target::parse("http://host:port/").is_err());
        assert!(Target::parse("http:///").is_err());
    }

    #[test]
    fn slow_url_may_be_a_path_but_not_another_server() {
        let t = Target::parse("http://127.0.0.1:8080/").expect("valid");
        assert_eq!(
            t.with_path_or_url("/sleep?ms=1").expect("path").path,
            "/sleep?ms=1"
        );
        assert!(t.with_path_or_url("http://127.0.0.1:8080/x").is_ok());
        assert!(t.with_path_or_url("http://127.0.0.1:9999/x").is_err());
    }

    #[test]
    fn request_asks_to_close_unless_keep_alive() {
        let t = Target::parse("http://127.0.0.1:8080/a").expect("valid");
        let close = String::from_utf8(request_bytes(&t, false)).expect("ASCII");
        assert!(
            close.starts_with("GET /a HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"),
            "{close:?}"
        );
        assert!(close.ends_with("Connection: close\r\n\r\n"), "{close:?}");
        let keep = String::from_utf8(request_bytes(&t, true)).expect("ASCII");
        assert!(keep.ends_with("Connection: keep-alive\r\n\r\n"), "{keep:?}");
    }
}
