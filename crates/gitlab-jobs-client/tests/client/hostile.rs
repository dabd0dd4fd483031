//! A server that answers byte for byte as it is told, for what a faithful server cannot do:
//! framing that lies, headers that contradict the body, answers that hang or trickle.
//! The command line's tests use it too (`#[path]`), so it depends on tokio alone.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server saw of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    /// The `Range` header, if any.
    pub range: Option<String>,
}

impl Seen {
    /// The offset a `Range: bytes=<n>-…` asks from; 0 without one.
    pub fn range_from(&self) -> u64 {
        self.range
            .as_deref()
            .and_then(|range| range.strip_prefix("bytes="))
            .and_then(|range| range.split('-').next())
            .and_then(|first| first.parse().ok())
            .unwrap_or(0)
    }

    /// Whether the request is for a job's log.
    pub fn is_log(&self) -> bool {
        self.target
            .split('?')
            .next()
            .unwrap_or("")
            .ends_with("/trace")
    }
}

/// How the body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length` of the body.
    Length,
    /// `Content-Length` of the whole body, of which only this many bytes are sent before the
    /// connection closes.
    CutAfter(usize),
    /// `Transfer-Encoding: chunked`, in chunks of at most 512 bytes.
    Chunked,
    /// Neither: the body ends when the connection closes.
    UntilClose,
    /// The head, then a byte of the body (chunked) every this many milliseconds, forever.
    Trickle(u64),
    /// The head, then nothing, for as long as the client waits.
    Stall,
    /// Nothing at all: the request is read and never answered.
    Silent,
}

/// An answer, as bytes on the wire.
#[derive(Debug, Clone)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub framing: Framing,
}

impl Raw {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Raw {
        Raw {
            status,
            headers: Vec::new(),
            body: body.into(),
            framing: Framing::Length,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Raw {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn framing(mut self, framing: Framing) -> Raw {
        self.framing = framing;
        self
    }

    /// A JSON answer.
    pub fn json(status: u16, value: &serde_json::Value) -> Raw {
        Raw::new(status, value.to_string()).header("content-type", "application/json")
    }

    fn head(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} Hostile\r\nconnection: close\r\n", self.status);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        match self.framing {
            Framing::Length | Framing::CutAfter(_) => {
                head.push_str(&format!("content-length: {}\r\n", self.body.len()))
            }
            Framing::Chunked | Framing::Trickle(_) => {
                head.push_str("transfer-encoding: chunked\r\n")
            }
            Framing::UntilClose | Framing::Stall | Framing::Silent => {}
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

/// A running server; it stops when dropped.
#[derive(Debug)]
pub struct Hostile {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Answerer = Arc<dyn Fn(&Seen) -> Raw + Send + Sync>;

impl Hostile {
    /// Serves on loopback, answering each request with what `answer` makes of it.
    pub async fn start(answer: impl Fn(&Seen) -> Raw + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api/v4", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let answer: Answerer = Arc::new(answer);
        let record = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve(socket, answer.clone(), record.clone()));
            }
        });
        Hostile { url, seen, task }
    }

    /// The base URL, which stands for `/api/v4`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The requests seen so far, oldest first.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(mut socket: TcpStream, answer: Answerer, seen: Arc<Mutex<Vec<Seen>>>) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|window| window == b"\r\n\r\n") {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => request.extend_from_slice(&buffer[..read]),
        }
        if request.len() > 64 << 10 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&request);
    let mut lines = text.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let request = Seen {
        method: first.next().unwrap_or("").to_owned(),
        target: first.next().unwrap_or("").to_owned(),
        range: lines
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("range"))
            .map(|(_, value)| value.trim().to_owned()),
    };
    seen.lock().unwrap().push(request.clone());
    let raw = answer(&request);
    if raw.framing == Framing::Silent {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        return;
    }
    if socket.write_all(&raw.head()).await.is_err() {
        return;
    }
    let _ = match raw.framing {
        Framing::Length | Framing::UntilClose => socket.write_all(&raw.body).await,
        Framing::CutAfter(sent) => {
            socket
                .write_all(&raw.body[..sent.min(raw.body.len())])
                .await
        }
        Framing::Chunked => {
            for chunk in raw.body.chunks(512) {
                let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                framed.extend_from_slice(chunk);
                framed.extend_from_slice(b"\r\n");
                if socket.write_all(&framed).await.is_err() {
                    return;
                }
            }
            socket.write_all(b"0\r\n\r\n").await
        }
        Framing::Trickle(every) => loop {
            if socket.write_all(b"1\r\n.\r\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(every)).await;
        },
        Framing::Stall => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return;
        }
        Framing::Silent => unreachable!("answered above"),
    };
    let _ = socket.shutdown().await;
}
