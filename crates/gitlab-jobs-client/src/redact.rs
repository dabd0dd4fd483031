//! A writer that keeps the token out of what it writes, for showing a log to a person.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::AsyncWrite;

use crate::Auth;
use crate::auth::REDACTED;

impl Auth {
    /// `out`, through which every occurrence of the token is written as [`REDACTED`], also
    /// one split between two writes: for printing a log, which a job or a server could make
    /// echo the token. Bytes that could begin the token are held until the next write shows
    /// whether they do, and written on shutdown; a flush writes everything that cannot.
    pub fn redacting<W: AsyncWrite + Unpin>(&self, out: W) -> Redacting<W> {
        Redacting {
            out,
            secret: self.secret().map(|secret| secret.as_bytes().to_vec()),
            held: Vec::new(),
            ready: Vec::new(),
        }
    }
}

/// The writer [`Auth::redacting`] makes.
#[derive(Debug)]
pub struct Redacting<W> {
    out: W,
    secret: Option<Vec<u8>>,
    /// Bytes taken that may be the start of the token.
    held: Vec<u8>,
    /// Bytes redacted, not yet written to `out`.
    ready: Vec<u8>,
}

impl<W: AsyncWrite + Unpin> Redacting<W> {
    /// Writes what is ready to `out`, until all is written or `out` is not ready.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.ready.is_empty() {
            let written = ready!(Pin::new(&mut self.out).poll_write(cx, &self.ready))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.ready.drain(..written);
        }
        Poll::Ready(Ok(()))
    }

    /// Moves what is held to `ready`, redacted, keeping back only an end that begins the
    /// token, or nothing when `all`.
    fn release(&mut self, all: bool) {
        let Some(secret) = &self.secret else {
            self.ready.append(&mut self.held);
            return;
        };
        let finder = memchr::memmem::Finder::new(secret);
        let mut copied = 0;
        for at in finder.find_iter(&self.held) {
            if at < copied {
                continue;
            }
            self.ready.extend_from_slice(&self.held[copied..at]);
            self.ready.extend_from_slice(REDACTED.as_bytes());
            copied = at + secret.len();
        }
        let rest = &self.held[copied..];
        let keep = if all {
            0
        } else {
            // The longest end of `rest` that the token starts with.
            (1..secret.len().min(rest.len() + 1))
                .rev()
                .find(|length| secret.starts_with(&rest[rest.len() - length..]))
                .unwrap_or(0)
        };
        self.ready.extend_from_slice(&rest[..rest.len() - keep]);
        self.held.drain(..rest.len() - keep + copied);
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for Redacting<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        // What was taken before goes out first: memory stays bounded by one write.
        ready!(self.poll_drain(cx))?;
        self.held.extend_from_slice(bytes);
        self.release(false);
        // Taken either way; what `out` cannot take now waits for the next call.
        let _ = self.poll_drain(cx)?;
        Poll::Ready(Ok(bytes.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_drain(cx))?;
        Pin::new(&mut self.out).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.release(true);
        ready!(self.poll_drain(cx))?;
        Pin::new(&mut self.out).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;

    const TOKEN: &str = "glpat-0123456789abcdef";

    /// What `writes` come to through the redactor, written in that many pieces.
    async fn through(writes: &[&[u8]]) -> Vec<u8> {
        let auth = Auth::private_token(TOKEN).unwrap();
        let mut out = auth.redacting(Vec::new());
        for write in writes {
            out.write_all(write).await.unwrap();
        }
        out.shutdown().await.unwrap();
        out.out
    }

    #[tokio::test]
    async fn the_token_is_redacted_wherever_the_writes_split_it() {
        let log = format!("$ echo {TOKEN}\n{TOKEN}{TOKEN} glpat- done\nglpat-0123");
        let expected = log.replace(TOKEN, REDACTED);
        let bytes = log.as_bytes();
        for split in 0..=bytes.len() {
            for second in split..=bytes.len() {
                let written =
                    through(&[&bytes[..split], &bytes[split..second], &bytes[second..]]).await;
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    expected,
                    "{split} {second}"
                );
            }
        }
        // Byte by byte.
        let pieces: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(through(&pieces).await, expected.as_bytes());
    }

    /// A flush writes all that cannot begin the token: a line's end is not held back.
    #[tokio::test]
    async fn a_flush_holds_back_only_what_may_begin_the_token() {
        let auth = Auth::private_token(TOKEN).unwrap();
        let mut out = auth.redacting(Vec::new());
        out.write_all(b"line one\n").await.unwrap();
        out.flush().await.unwrap();
        assert_eq!(out.out, b"line one\n");
        out.write_all(b"almost glpat-01").await.unwrap();
        out.flush().await.unwrap();
        assert_eq!(out.out, b"line one\nalmost ");
        out.write_all(b"x").await.unwrap();
        out.shutdown().await.unwrap();
        assert_eq!(out.out, b"line one\nalmost glpat-01x");
    }

    #[tokio::test]
    async fn without_a_token_bytes_pass_as_they_are() {
        let mut out = Auth::anonymous().redacting(Vec::new());
        out.write_all(b"glpat-0123456789abcdef").await.unwrap();
        out.flush().await.unwrap();
        assert_eq!(out.out, b"glpat-0123456789abcdef");
    }
}
