//! Reading a resource by byte ranges (RFC 9110) so that what is written is a prefix of it from
//! the offset asked for: an answer is placed by its status and headers before any of its bytes
//! is written, and a byte is written only once its answer has proven where it sits. Job logs
//! and artifacts downloads read this way.

use http_content_range::ContentRange;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, HeaderMap};

use crate::CallErrorKind;

/// The longest part taken without `Content-Length`: such a body is held until it ends, to be
/// checked against its range before it is written. A longer part is asked for again in pieces
/// of this size.
pub(crate) const LONGEST_UNFRAMED_PART: u64 = 8 << 20;

/// An answer that is not what it says: nothing of it is written.
pub(crate) fn invalid(message: impl Into<String>) -> CallErrorKind {
    CallErrorKind::InvalidBody(message.into())
}

/// What an answer's status and headers say of its body, read before any of it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Head {
    /// 200: the whole log from byte 0; `Content-Length`, when given, is its length.
    Whole { length: Option<u64> },
    /// 206: the bytes `first..=last` of a log `length` bytes long (none for `*`); `framed` when
    /// `Content-Length` says the part's length, so that the body is the part or breaks off.
    Part {
        first: u64,
        last: u64,
        length: Option<u64>,
        framed: bool,
    },
    /// 416: nothing at or after the offset asked for, in a log `length` bytes long where the
    /// answer says so.
    Past { length: Option<u64> },
}

impl Head {
    /// Places an answer to a request for the `what` (a log, an archive) from byte `from`. A
    /// resource shorter than `from` is [`CallErrorKind::LogShrank`], which the caller names.
    pub(crate) fn read(
        what: &str,
        from: u64,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> Result<Head, CallErrorKind> {
        let header = |name| {
            headers
                .get(name)
                .map(|value| String::from_utf8_lossy(value.as_bytes()))
        };
        if let Some(encoding) = header(CONTENT_ENCODING)
            && !encoding.trim().eq_ignore_ascii_case("identity")
        {
            return Err(invalid(format!(
                "the {what} came encoded as {encoding:?}, which was not asked for"
            )));
        }
        let content_length = match header(CONTENT_LENGTH) {
            Some(value) => Some(
                value
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| invalid(format!("a Content-Length of {value:?}")))?,
            ),
            None => None,
        };
        let content_range = header(CONTENT_RANGE).map(|value| (parse_content_range(&value), value));
        match status {
            StatusCode::OK => match content_length {
                Some(length) if length < from => Err(CallErrorKind::LogShrank {
                    had: from,
                    now: length,
                }),
                length => Ok(Head::Whole { length }),
            },
            StatusCode::PARTIAL_CONTENT => {
                let is_multipart = header(CONTENT_TYPE).is_some_and(|value| {
                    value
                        .trim_start()
                        .to_ascii_lowercase()
                        .starts_with("multipart/")
                });
                if is_multipart {
                    return Err(invalid("a multipart 206 to a request for one range"));
                }
                let (first, last, length) = match content_range {
                    Some((Some(ContentRange::Bytes(part)), _)) => {
                        (part.first_byte, part.last_byte, Some(part.complete_length))
                    }
                    Some((Some(ContentRange::UnboundBytes(part)), _)) => {
                        (part.first_byte, part.last_byte, None)
                    }
                    Some((_, value)) => {
                        return Err(invalid(format!(
                            "a 206 whose Content-Range {value:?} is not a range of bytes"
                        )));
                    }
                    None => return Err(invalid("a 206 without Content-Range")),
                };
                if first != from {
                    return Err(invalid(format!(
                        "asked for the {what} from byte {from}, the 206 starts at byte {first}"
                    )));
                }
                if last == u64::MAX {
                    return Err(invalid("a 206 whose range ends past the largest offset"));
                }
                let part = last - first + 1;
                match content_length {
                    Some(body) if body != part => Err(invalid(format!(
                        "a 206 for bytes {first}-{last} ({part} bytes) with a body of {body} bytes"
                    ))),
                    body => Ok(Head::Part {
                        first,
                        last,
                        length,
                        framed: body.is_some(),
                    }),
                }
            }
            StatusCode::RANGE_NOT_SATISFIABLE => match content_range {
                None => Ok(Head::Past { length: None }),
                Some((Some(ContentRange::Unsatisfied(log)), _)) => {
                    let length = log.complete_length;
                    if length < from {
                        Err(CallErrorKind::LogShrank {
                            had: from,
                            now: length,
                        })
                    } else if length > from {
                        Err(invalid(format!(
                            "a 416 for byte {from} of a {what} it says is {length} bytes long"
                        )))
                    } else {
                        Ok(Head::Past {
                            length: Some(length),
                        })
                    }
                }
                Some((_, value)) => Err(invalid(format!(
                    "a 416 whose Content-Range {value:?} does not give the {what}'s length"
                ))),
            },
            status => Err(invalid(format!("a {status} to a read of the {what}"))),
        }
    }
}

/// `Content-Range` as RFC 9110 defines it, the unit in any case (section 14.1: range units
/// are case-insensitive); `http-content-range` reads the rest, `*` lengths included.
fn parse_content_range(value: &str) -> Option<ContentRange> {
    let value = value.trim();
    let (unit, rest) = value.split_at_checked(5)?;
    if !unit.eq_ignore_ascii_case("bytes") {
        return None;
    }
    ContentRange::parse(&format!("bytes{rest}"))
}

/// Which bytes of an answer's body may be written, chunk by chunk.
#[derive(Debug)]
pub(crate) struct Body {
    /// What is read, for messages.
    what: &'static str,
    /// Where in the log the next byte of the body sits.
    at: u64,
    /// The first byte of the log to write.
    from: u64,
    shape: Shape,
}

#[derive(Debug)]
enum Shape {
    /// The whole log: the bytes before `from` are skipped.
    Whole,
    /// A part with `Content-Length`: its bytes are written as they come, up to `end`, the
    /// position after its last byte.
    Framed { end: u64 },
    /// A part without: held until the body ends, then written if it ended at `end`.
    Unframed { end: u64, held: Vec<u8> },
}

impl Body {
    pub(crate) fn new(what: &'static str, from: u64, head: &Head) -> Body {
        let shape = match *head {
            Head::Whole { .. } | Head::Past { .. } => Shape::Whole,
            Head::Part {
                last, framed: true, ..
            } => Shape::Framed { end: last + 1 },
            Head::Part { last, .. } => Shape::Unframed {
                end: last + 1,
                held: Vec::new(),
            },
        };
        let at = match head {
            Head::Part { first, .. } => *first,
            _ => 0,
        };
        Body {
            what,
            at,
            from,
            shape,
        }
    }

    /// Whether the body is a part without `Content-Length` too long to be held.
    pub(crate) fn too_long_to_hold(&self) -> bool {
        matches!(self.shape, Shape::Unframed { end, .. } if end - self.at > LONGEST_UNFRAMED_PART)
    }

    /// The bytes of `chunk`, the body's next, that may be written now.
    pub(crate) fn take<'c>(&mut self, chunk: &'c [u8]) -> Result<&'c [u8], CallErrorKind> {
        let start = self.at;
        let length = chunk.len() as u64;
        let after = start.saturating_add(length);
        match &mut self.shape {
            Shape::Whole => {
                self.at = after;
                let skip = self.from.saturating_sub(start).min(length) as usize;
                Ok(&chunk[skip..])
            }
            Shape::Framed { end } | Shape::Unframed { end, .. } if after > *end => {
                Err(invalid(format!(
                    "a 206 for bytes {}-{} of the {} whose body runs past its range",
                    self.from,
                    *end - 1,
                    self.what
                )))
            }
            Shape::Framed { .. } => {
                self.at = after;
                Ok(chunk)
            }
            Shape::Unframed { held, .. } => {
                self.at = after;
                held.extend_from_slice(chunk);
                Ok(&[])
            }
        }
    }

    /// The rest to write now the body has ended: what was held, once the body proved to be
    /// its whole range.
    pub(crate) fn finish(&mut self) -> Result<Vec<u8>, CallErrorKind> {
        match &mut self.shape {
            Shape::Whole if self.at < self.from => Err(CallErrorKind::LogShrank {
                had: self.from,
                now: self.at,
            }),
            Shape::Whole => Ok(Vec::new()),
            Shape::Framed { end } | Shape::Unframed { end, .. } if self.at < *end => {
                Err(invalid(format!(
                    "a 206 for bytes {}-{} of the {} whose body ends after {} bytes",
                    self.from,
                    *end - 1,
                    self.what,
                    self.at - self.from
                )))
            }
            Shape::Framed { .. } => Ok(Vec::new()),
            Shape::Unframed { held, .. } => Ok(std::mem::take(held)),
        }
    }

    /// Where what was read so far ends: the offset of the next byte to ask for.
    pub(crate) fn end(&self) -> u64 {
        self.at.max(self.from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::headers;

    #[test]
    fn content_range_as_rfc_9110_has_it() {
        for (value, expected) in [
            ("bytes 1200-1799/1800", Some((1200, 1799, Some(1800)))),
            ("Bytes 1200-1799/1800", Some((1200, 1799, Some(1800)))),
            ("BYTES 0-0/1", Some((0, 0, Some(1)))),
            ("bytes 1200-2999/*", Some((1200, 2999, None))),
            ("bytes 1200-1799/1200", None),
            ("bytes 1800-1200/3000", None),
            ("bytes=1200-1799/1800", None),
            ("items 1200-1799/1800", None),
            ("bytes 1200-/1800", None),
            ("bytes +1200-1799/1800", None),
            ("bytes 99999999999999999999-1/2", None),
            ("byte", None),
            ("", None),
        ] {
            let parsed = parse_content_range(value).and_then(|range| match range {
                ContentRange::Bytes(part) => {
                    Some((part.first_byte, part.last_byte, Some(part.complete_length)))
                }
                ContentRange::UnboundBytes(part) => Some((part.first_byte, part.last_byte, None)),
                ContentRange::Unsatisfied(_) => None,
            });
            assert_eq!(parsed, expected, "{value:?}");
        }
        assert!(matches!(
            parse_content_range("bytes */1800"),
            Some(ContentRange::Unsatisfied(log)) if log.complete_length == 1800
        ));
    }

    /// Every head is placed or refused before a byte is written, and says why it is refused.
    #[test]
    fn heads_are_placed_or_refused() {
        let part = |first, last, length, framed| {
            Ok(Head::Part {
                first,
                last,
                length,
                framed,
            })
        };
        let invalid = |text: &str| Err(text.to_owned());
        let shrank = |had, now| Err(format!("shrank {had} {now}"));
        for (status, pairs, expected) in [
            (200, vec![], Ok(Head::Whole { length: None })),
            (
                200,
                vec![("content-length", "1800")],
                Ok(Head::Whole { length: Some(1800) }),
            ),
            (200, vec![("content-length", "1000")], shrank(1200, 1000)),
            (
                206,
                vec![
                    ("content-range", "bytes 1200-1799/1800"),
                    ("content-length", "600"),
                ],
                part(1200, 1799, Some(1800), true),
            ),
            (
                206,
                vec![("content-range", "bytes 1200-2999/*")],
                part(1200, 2999, None, false),
            ),
            (
                206,
                vec![
                    ("content-range", "bytes 1200-1799/1800"),
                    ("content-length", "1800"),
                ],
                invalid("a 206 for bytes 1200-1799 (600 bytes) with a body of 1800 bytes"),
            ),
            (
                206,
                vec![("content-range", "bytes 0-1799/1800")],
                invalid("asked for the log from byte 1200, the 206 starts at byte 0"),
            ),
            (
                206,
                vec![("content-range", "bytes 1300-1799/1800")],
                invalid("asked for the log from byte 1200, the 206 starts at byte 1300"),
            ),
            (206, vec![], invalid("a 206 without Content-Range")),
            (
                206,
                vec![("content-range", "1200-1799/1800")],
                invalid("a 206 whose Content-Range \"1200-1799/1800\" is not a range of bytes"),
            ),
            (
                206,
                vec![("content-range", "bytes */1800")],
                invalid("a 206 whose Content-Range \"bytes */1800\" is not a range of bytes"),
            ),
            (
                206,
                vec![
                    ("content-type", "multipart/byteranges; boundary=x"),
                    ("content-range", "bytes 1200-1799/1800"),
                ],
                invalid("a multipart 206 to a request for one range"),
            ),
            (
                206,
                vec![
                    ("content-encoding", "gzip"),
                    ("content-range", "bytes 1200-1799/1800"),
                ],
                invalid("the log came encoded as \"gzip\", which was not asked for"),
            ),
            (
                416,
                vec![("content-range", "bytes */1200")],
                Ok(Head::Past { length: Some(1200) }),
            ),
            (416, vec![], Ok(Head::Past { length: None })),
            (
                416,
                vec![("content-range", "bytes */900")],
                shrank(1200, 900),
            ),
            (
                416,
                vec![("content-range", "bytes */1800")],
                invalid("a 416 for byte 1200 of a log it says is 1800 bytes long"),
            ),
            (
                200,
                vec![("content-length", "many")],
                invalid("a Content-Length of \"many\""),
            ),
            (
                206,
                vec![("content-range", "bytes 1200-18446744073709551615/*")],
                invalid("a 206 whose range ends past the largest offset"),
            ),
        ] {
            let status = StatusCode::from_u16(status).unwrap();
            let head = Head::read("log", 1200, status, &headers(&pairs)).map_err(|err| match err {
                CallErrorKind::InvalidBody(text) => text,
                CallErrorKind::LogShrank { had, now } => format!("shrank {had} {now}"),
                other => format!("{other:?}"),
            });
            assert_eq!(head, expected, "{status} {pairs:?}");
        }
    }

    /// What a body lets through, fed in chunks of every size.
    fn written(from: u64, head: Head, body: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        for size in 1..=body.len().max(1) {
            let mut check = Body::new("log", from, &head);
            let mut this = Vec::new();
            let mut failed = None;
            for chunk in body.chunks(size) {
                match check.take(chunk) {
                    Ok(ready) => this.extend_from_slice(ready),
                    Err(err) => {
                        failed = Some(format!("{err:?}"));
                        break;
                    }
                }
            }
            let outcome = match failed {
                Some(err) => Err(err),
                None => match check.finish() {
                    Ok(rest) => {
                        this.extend_from_slice(&rest);
                        Ok(())
                    }
                    Err(err) => Err(format!("{err:?}")),
                },
            };
            if size == 1 {
                out = this;
                outcome?;
            } else {
                assert_eq!(this, out, "chunks of {size}");
            }
        }
        Ok(out)
    }

    #[test]
    fn bodies_write_only_their_place() {
        let log: Vec<u8> = (0..30u8).collect();
        let whole = Head::Whole { length: None };
        assert_eq!(written(10, whole, &log).unwrap(), &log[10..]);
        assert!(written(40, whole, &log).unwrap_err().contains("LogShrank"));
        let part = |framed| Head::Part {
            first: 10,
            last: 19,
            length: Some(30),
            framed,
        };
        for framed in [true, false] {
            assert_eq!(
                written(10, part(framed), &log[10..20]).unwrap(),
                &log[10..20]
            );
            let longer = written(10, part(framed), &log[10..25]).unwrap_err();
            assert!(longer.contains("runs past its range"), "{longer}");
            let shorter = written(10, part(framed), &log[10..15]).unwrap_err();
            assert!(shorter.contains("ends after 5 bytes"), "{shorter}");
        }
    }
}
