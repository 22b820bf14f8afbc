//! Reading one HTTP response from bytes as they arrive.
//!
//! A non-blocking socket hands over whatever has arrived: half a status line, a head and
//! part of the body, or the whole response. [`ResponseReader`] is fed each chunk and says
//! when the response is complete. It keeps the head's bytes until `httparse` can parse
//! them; after that it only counts body bytes, so a large body costs no memory.

/// A head larger than this is not a response a benchmark should accept.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// How the end of the body is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyEnd {
    /// `Content-Length: N` (or no body at all, as for 204 and 304).
    Length(usize),
    /// No length: the body ends when the server closes the connection.
    Close,
}

/// What one complete response told us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    pub status: u16,
    /// Head and body, as received.
    pub bytes: usize,
    /// The server will close the connection after this response (`Connection: close`,
    /// or HTTP/1.0 without `keep-alive`): the connection cannot be reused.
    pub server_closes: bool,
}

/// Why the bytes are not a response we can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// The connection ended before a whole response arrived.
    ClosedEarly { received: usize },
    /// The bytes are not an HTTP response we understand.
    Bad(String),
}

#[derive(Debug, Clone, Copy)]
struct Head {
    status: u16,
    length: usize,
    end: BodyEnd,
    server_closes: bool,
}

// ANCHOR: reader
/// One response in the making. `reset` it before each request on a reused connection.
#[derive(Debug, Default)]
pub struct ResponseReader {
    /// The head's bytes, kept until they parse.
    head_bytes: Vec<u8>,
    head: Option<Head>,
    /// Body bytes received so far.
    body: usize,
}

impl ResponseReader {
    pub fn reset(&mut self) {
        self.head_bytes.clear();
        self.head = None;
        self.body = 0;
    }

    /// Bytes received for this response so far.
    pub fn received(&self) -> usize {
        match self.head {
            Some(head) => head.length + self.body,
            None => self.head_bytes.len(),
        }
    }

    /// Feeds bytes just read. `Ok(Some(done))` once the whole response is in.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Option<Done>, Invalid> {
        match self.head {
            Some(_) => self.body += bytes.len(),
            None => {
                self.head_bytes.extend_from_slice(bytes);
                let Some(head) = parse_head(&self.head_bytes)? else {
                    if self.head_bytes.len() > MAX_HEAD_BYTES {
                        return Err(Invalid::Bad(format!(
                            "no end of head within {MAX_HEAD_BYTES} bytes"
                        )));
                    }
                    return Ok(None);
                };
                self.body = self.head_bytes.len() - head.length;
                self.head = Some(head);
            }
        }
        let head = self.head.expect("the head was parsed above");
        match head.end {
            BodyEnd::Length(length) if self.body == length => Ok(Some(self.done(head))),
            BodyEnd::Length(length) if self.body > length => Err(Invalid::Bad(format!(
                "{} bytes after a {length}-byte body (we never pipeline)",
                self.body - length
            ))),
            _ => Ok(None),
        }
    }

    /// The server closed the connection: that ends a body without a length, and is an
    /// error anywhere else.
    pub fn closed(&mut self) -> Result<Done, Invalid> {
        match self.head {
            Some(head) if head.end == BodyEnd::Close => Ok(self.done(head)),
            _ => Err(Invalid::ClosedEarly {
                received: self.received(),
            }),
        }
    }

    fn done(&self, head: Head) -> Done {
        Done {
            status: head.status,
            bytes: head.length + self.body,
            server_closes: head.server_closes || head.end == BodyEnd::Close,
        }
    }
}
// ANCHOR_END: reader

// ANCHOR: parse_head
/// Parses a response head with `httparse`: `Ok(None)` while it is incomplete.
fn parse_head(bytes: &[u8]) -> Result<Option<Head>, Invalid> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let length = match response.parse(bytes) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(Invalid::Bad(format!("unparsable head: {e}"))),
    };
    let status = response.code.expect("a complete head has a status code");
    let mut content_length = None;
    let mut connection_close = response.version == Some(0); // HTTP/1.0 closes by default
    for header in response.headers.iter() {
        let value = String::from_utf8_lossy(header.value);
        if header.name.eq_ignore_ascii_case("content-length") {
            let n = value.trim().parse::<usize>();
            content_length = Some(n.map_err(|_| Invalid::Bad(format!("Content-Length: {value}")))?);
        } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(Invalid::Bad(format!(
                "Transfer-Encoding: {value} is not supported"
            )));
        } else if header.name.eq_ignore_ascii_case("connection") {
            let value = value.to_ascii_lowercase();
            connection_close =
                value.contains("close") || (connection_close && !value.contains("keep-alive"));
        }
    }
    // 1xx, 204 and 304 never have a body, whatever the headers say.
    let end = match (status, content_length) {
        (100..=199 | 204 | 304, _) => BodyEnd::Length(0),
        (_, Some(n)) => BodyEnd::Length(n),
        (_, None) => BodyEnd::Close,
    };
    Ok(Some(Head {
        status,
        length,
        end,
        server_closes: connection_close,
    }))
}
// ANCHOR_END: parse_head

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

    #[test]
    fn a_response_fed_one_byte_at_a_time_completes_on_its_last_byte() {
        let mut reader = ResponseReader::default();
        for (i, byte) in OK.iter().enumerate() {
            let outcome = reader.feed(std::slice::from_ref(byte)).expect("valid");
            assert_eq!(outcome.is_some(), i == OK.len() - 1, "byte {i}");
        }
        reader.reset();
        let done = reader.feed(OK).expect("valid").expect("complete");
        assert_eq!(
            done,
            Done {
                status: 200,
                bytes: OK.len(),
                server_closes: false
            }
        );
    }

    #[test]
    fn connection_close_and_http_10_mean_the_server_closes() {
        let mut reader = ResponseReader::default();
        let done = reader
            .feed(b"HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            .expect("valid")
            .expect("complete");
        assert_eq!((done.status, done.server_closes), (500, true));
        reader.reset();
        let done = reader
            .feed(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
            .expect("valid")
            .expect("complete");
        assert!(done.server_closes);
        reader.reset();
        let done = reader
            .feed(b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")
            .expect("valid")
            .expect("complete");
        assert!(!done.server_closes);
    }

    #[test]
    fn without_a_length_the_body_ends_at_close() {
        let mut reader = ResponseReader::default();
        assert_eq!(
            reader
                .feed(b"HTTP/1.1 200 OK\r\n\r\nsome body")
                .expect("valid"),
            None
        );
        let done = reader.closed().expect("complete at close");
        assert_eq!((done.status, done.bytes), (200, 28));
    }

    #[test]
    fn early_close_extra_bytes_and_garbage_are_errors() {
        let mut reader = ResponseReader::default();
        reader.feed(&OK[..OK.len() - 2]).expect("valid so far");
        assert_eq!(
            reader.closed(),
            Err(Invalid::ClosedEarly {
                received: OK.len() - 2
            })
        );
        reader.reset();
        assert_eq!(reader.closed(), Err(Invalid::ClosedEarly { received: 0 }));
        let mut extra = OK.to_vec();
        extra.extend_from_slice(b"!!");
        reader.reset();
        assert!(matches!(reader.feed(&extra), Err(Invalid::Bad(_))));
        reader.reset();
        assert!(matches!(
            reader.feed(b"SSH-2.0-OpenSSH\r\n\r\n"),
            Err(Invalid::Bad(_))
        ));
    }
}
