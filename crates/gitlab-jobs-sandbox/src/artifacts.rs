//! A job's artifacts archive, as a runner uploads it: a zip file whose entries are stored
//! (not compressed), so that its length follows from its entries alone, any byte range of it
//! can be served without building the rest, and the file of any size costs no memory. The
//! entries are a pure function of the job, so every sandbox seeded alike serves the same bytes.

use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};

/// The largest archive: offsets in a zip without its 64-bit extension are 32 bits.
pub const MAX_ARCHIVE: u64 = u32::MAX as u64;

/// The size of the chunks a file's bytes are made and sent in.
const CHUNK: usize = 64 * 1024;

/// The time every entry carries, in MS-DOS form: 2024-05-01 00:00:00.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = ((2024 - 1980) << 9) | (5 << 5) | 1;

/// `drwxr-xr-x` and `-rw-r--r--`, as a runner's zip records them.
const DIRECTORY_MODE: u32 = 0o040755;
const FILE_MODE: u32 = 0o100644;

/// One entry of an archive: a directory (its path ends with `/`) or a file.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: String,
    pub content: Content,
}

/// A file's bytes, or nothing for a directory.
#[derive(Debug, Clone)]
pub enum Content {
    Directory,
    /// A short text, held whole.
    Text(Bytes),
    /// `len` bytes of a pattern made from `seed`, made as they are read.
    Pattern {
        seed: u64,
        len: u64,
    },
}

impl Content {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> u64 {
        match self {
            Content::Directory => 0,
            Content::Text(text) => text.len() as u64,
            Content::Pattern { len, .. } => *len,
        }
    }

    /// The bytes from `start`, at most `max` of them.
    fn read(&self, start: u64, max: usize) -> Bytes {
        let end = self.len().min(start.saturating_add(max as u64));
        if start >= end {
            return Bytes::new();
        }
        match self {
            Content::Directory => Bytes::new(),
            Content::Text(text) => text.slice(start as usize..end as usize),
            Content::Pattern { seed, .. } => {
                let block = pattern_block(*seed);
                let size = block.len() as u64;
                let mut out = Vec::with_capacity((end - start) as usize);
                let mut at = start;
                while at < end {
                    let offset = (at % size) as usize;
                    let take = ((end - at) as usize).min(block.len() - offset);
                    // Each block of the pattern differs from the one before it in every byte.
                    let turn = (at / size) as u8;
                    out.extend(block[offset..offset + take].iter().map(|byte| byte ^ turn));
                    at += take as u64;
                }
                Bytes::from(out)
            }
        }
    }

    /// The CRC-32 of the whole content, read chunk by chunk.
    fn crc32(&self) -> u32 {
        let mut hasher = crc32fast::Hasher::new();
        let mut at = 0;
        while at < self.len() {
            let chunk = self.read(at, CHUNK);
            at += chunk.len() as u64;
            hasher.update(&chunk);
        }
        hasher.finalize()
    }
}

/// 4 KiB of pseudo-random bytes from `seed`: what a pattern repeats, each time changed.
fn pattern_block(seed: u64) -> [u8; 4096] {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut block = [0u8; 4096];
    rng.fill(&mut block);
    block
}

impl Entry {
    pub fn directory(path: impl Into<String>) -> Self {
        let mut path = path.into();
        if !path.ends_with('/') {
            path.push('/');
        }
        Entry {
            path,
            content: Content::Directory,
        }
    }

    pub fn file(path: impl Into<String>, content: Content) -> Self {
        Entry {
            path: path.into(),
            content,
        }
    }

    pub fn is_directory(&self) -> bool {
        matches!(self.content, Content::Directory)
    }

    /// The Unix mode the archive records, such as `0o100644`.
    pub fn mode(&self) -> u32 {
        if self.is_directory() {
            DIRECTORY_MODE
        } else {
            FILE_MODE
        }
    }

    /// The last part of the path, without a directory's `/`.
    pub fn name(&self) -> &str {
        let path = self.path.trim_end_matches('/');
        path.rsplit('/').next().unwrap_or(path)
    }
}

/// Where each piece of an archive starts.
#[derive(Debug)]
enum Piece {
    /// Headers and the central directory, made when the archive is laid out.
    Fixed(Bytes),
    /// The bytes of entry `n`.
    Data(usize),
}

/// An archive laid out: its entries, each with its CRC-32, and the pieces of its bytes.
#[derive(Debug)]
pub struct Archive {
    entries: Vec<Entry>,
    pieces: Vec<(u64, Piece)>,
    len: u64,
    etag: String,
}

/// The length of the zip file `entries` make, without making it: a local header (30 bytes
/// and the name) before each entry's bytes, a central directory record (46 bytes and the
/// name) for each, and the 22 bytes that end it.
pub fn archive_len(entries: &[Entry]) -> u64 {
    entries
        .iter()
        .map(|entry| 30 + 46 + 2 * entry.path.len() as u64 + entry.content.len())
        .sum::<u64>()
        + 22
}

impl Archive {
    /// Lays out `entries`, reading each file once for its CRC-32.
    pub fn new(entries: Vec<Entry>) -> Arc<Archive> {
        let mut pieces = Vec::with_capacity(entries.len() * 2 + 1);
        let mut central = BytesMut::new();
        let mut at = 0u64;
        let mut digest = crc32fast::Hasher::new();
        for (index, entry) in entries.iter().enumerate() {
            let crc = entry.content.crc32();
            let len = entry.content.len() as u32;
            let name = entry.path.as_bytes();
            digest.update(name);
            digest.update(&crc.to_le_bytes());
            let mut local = BytesMut::with_capacity(30 + name.len());
            local.put_u32_le(0x0403_4b50);
            local.put_u16_le(10); // version needed: 1.0, stored
            local.put_u16_le(0x0800); // names are UTF-8
            local.put_u16_le(0); // stored
            local.put_u16_le(DOS_TIME);
            local.put_u16_le(DOS_DATE);
            local.put_u32_le(crc);
            local.put_u32_le(len);
            local.put_u32_le(len);
            local.put_u16_le(name.len() as u16);
            local.put_u16_le(0);
            local.put_slice(name);
            central.put_u32_le(0x0201_4b50);
            central.put_u16_le((3 << 8) | 20); // made by: Unix, 2.0
            central.put_u16_le(10);
            central.put_u16_le(0x0800);
            central.put_u16_le(0);
            central.put_u16_le(DOS_TIME);
            central.put_u16_le(DOS_DATE);
            central.put_u32_le(crc);
            central.put_u32_le(len);
            central.put_u32_le(len);
            central.put_u16_le(name.len() as u16);
            central.put_u16_le(0); // extra
            central.put_u16_le(0); // comment
            central.put_u16_le(0); // disk
            central.put_u16_le(0); // internal attributes
            let dos_directory = if entry.is_directory() { 0x10 } else { 0 };
            central.put_u32_le((entry.mode() << 16) | dos_directory);
            central.put_u32_le(at as u32);
            central.put_slice(name);
            let local_len = local.len() as u64;
            pieces.push((at, Piece::Fixed(local.freeze())));
            at += local_len;
            if !entry.content.is_empty() {
                pieces.push((at, Piece::Data(index)));
                at += entry.content.len();
            }
        }
        let central_at = at;
        let central_len = central.len() as u64;
        central.put_u32_le(0x0605_4b50);
        central.put_u16_le(0);
        central.put_u16_le(0);
        central.put_u16_le(entries.len() as u16);
        central.put_u16_le(entries.len() as u16);
        central.put_u32_le(central_len as u32);
        central.put_u32_le(central_at as u32);
        central.put_u16_le(0);
        let end = central.freeze();
        let len = central_at + end.len() as u64;
        pieces.push((central_at, Piece::Fixed(end)));
        debug_assert_eq!(len, archive_len(&entries));
        Arc::new(Archive {
            etag: format!("\"{:08x}{:016x}\"", digest.finalize(), len),
            entries,
            pieces,
            len,
        })
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    /// Never: an archive has at least the end of its central directory.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A strong entity tag: the archive's entries and their CRC-32s.
    pub fn etag(&self) -> &str {
        &self.etag
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The file at `path`, if the archive has one there.
    pub fn file(&self, path: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|entry| !entry.is_directory() && entry.path == path)
    }

    /// The bytes from `start` up to `end` (not included), in chunks of at most 64 KiB.
    pub fn read(self: &Arc<Self>, start: u64, end: u64) -> impl Iterator<Item = Bytes> + use<> {
        let archive = Arc::clone(self);
        let end = end.min(archive.len);
        let mut at = start;
        std::iter::from_fn(move || {
            if at >= end {
                return None;
            }
            let piece = archive
                .pieces
                .partition_point(|(piece_at, _)| *piece_at <= at)
                .checked_sub(1)?;
            let (piece_at, piece) = &archive.pieces[piece];
            let within = at - piece_at;
            let want = ((end - at) as usize).min(CHUNK);
            let chunk = match piece {
                Piece::Fixed(bytes) => {
                    let from = within as usize;
                    bytes.slice(from..bytes.len().min(from + want))
                }
                Piece::Data(index) => archive.entries[*index].content.read(within, want),
            };
            if chunk.is_empty() {
                return None;
            }
            at += chunk.len() as u64;
            Some(chunk)
        })
    }

    /// The bytes of the file `entry`, in chunks of at most 64 KiB.
    pub fn read_file(entry: &Entry) -> impl Iterator<Item = Bytes> + use<> {
        let content = entry.content.clone();
        let mut at = 0;
        std::iter::from_fn(move || {
            let chunk = content.read(at, CHUNK);
            at += chunk.len() as u64;
            (!chunk.is_empty()).then_some(chunk)
        })
    }
}

/// What the archive's browser lists of directory `path` (the root when empty): with
/// `recursive`, every entry below it in path order; otherwise its directories, then its files,
/// one level deep. None when the archive has no such directory.
pub fn list<'a>(entries: &'a [Entry], path: &str, recursive: bool) -> Option<Vec<&'a Entry>> {
    let trimmed = path.trim_end_matches('/');
    let directory = if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}/")
    };
    if !directory.is_empty() && !entries.iter().any(|entry| entry.path == directory) {
        return None;
    }
    let below = entries
        .iter()
        .filter(|entry| entry.path.len() > directory.len() && entry.path.starts_with(&directory));
    if recursive {
        let mut all: Vec<&Entry> = below.collect();
        all.sort_by(|a, b| a.path.cmp(&b.path));
        return Some(all);
    }
    let direct: Vec<&Entry> = below
        .filter(|entry| {
            let rest = entry.path[directory.len()..].trim_end_matches('/');
            !rest.contains('/')
        })
        .collect();
    let (mut directories, mut files): (Vec<&Entry>, Vec<&Entry>) =
        direct.into_iter().partition(|entry| entry.is_directory());
    directories.sort_by(|a, b| a.path.cmp(&b.path));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    directories.extend(files);
    Some(directories)
}

/// Whether GitLab's `Gitlab::Ci::Build::Artifacts::Path#valid?` accepts `path`: no NUL byte,
/// no `..` part, not absolute, and at most 1024 bytes.
pub fn valid_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 1024
        && !path.contains('\0')
        && !path.starts_with('/')
        && !path.split('/').any(|part| part == "..")
}

/// The media type GitLab detects for a file by its name.
pub fn media_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, extension)| extension);
    match extension.to_ascii_lowercase().as_str() {
        "txt" | "log" => "text/plain",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "json" => "application/json",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Entry> {
        vec![
            Entry::directory("build"),
            Entry::file(
                "build/out.txt",
                Content::Text(Bytes::from_static(b"hello\n")),
            ),
            Entry::directory("build/deep"),
            Entry::file(
                "build/deep/blob.bin",
                Content::Pattern {
                    seed: 7,
                    len: 200_000,
                },
            ),
            Entry::file(
                "README.txt",
                Content::Text(Bytes::from_static(b"read me\n")),
            ),
        ]
    }

    fn whole(archive: &Arc<Archive>) -> Vec<u8> {
        archive.read(0, archive.len()).flatten().collect()
    }

    #[test]
    fn the_layout_is_as_long_as_said_and_ends_with_the_directory_end() {
        let entries = sample();
        let expected = archive_len(&entries);
        let archive = Archive::new(entries);
        let bytes = whole(&archive);
        assert_eq!(bytes.len() as u64, expected);
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        assert_eq!(&bytes[bytes.len() - 22..bytes.len() - 18], b"PK\x05\x06");
    }

    #[test]
    fn a_zip_reader_reads_every_entry_back_with_its_crc_and_mode() {
        let archive = Archive::new(sample());
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(whole(&archive))).unwrap();
        assert_eq!(zip.len(), 5);
        for entry in archive.entries() {
            let mut file = zip.by_name(&entry.path).unwrap();
            assert_eq!(file.unix_mode(), Some(entry.mode()), "{}", entry.path);
            assert_eq!(file.is_dir(), entry.is_directory());
            let mut read = Vec::new();
            // Reading to the end checks the CRC-32.
            std::io::Read::read_to_end(&mut file, &mut read).unwrap();
            let expected: Vec<u8> = Archive::read_file(entry).flatten().collect();
            assert_eq!(read, expected, "{}", entry.path);
        }
    }

    #[test]
    fn any_range_is_the_same_bytes_as_the_whole() {
        let archive = Archive::new(sample());
        let bytes = whole(&archive);
        for (start, end) in [
            (0, 1),
            (29, 31),
            (100, 70_000),
            (65_000, 200_300),
            (5, u64::MAX),
        ] {
            let part: Vec<u8> = archive.read(start, end).flatten().collect();
            let end = (end as usize).min(bytes.len());
            assert_eq!(part, bytes[start as usize..end], "{start}..{end}");
        }
        assert_eq!(archive.read(bytes.len() as u64, u64::MAX).count(), 0);
    }

    #[test]
    fn a_pattern_reads_alike_in_any_chunks_and_differs_block_to_block() {
        let content = Content::Pattern {
            seed: 3,
            len: 10_000,
        };
        let whole = content.read(0, 10_000);
        let halves = [content.read(0, 4_321), content.read(4_321, 10_000)].concat();
        assert_eq!(whole, halves);
        assert_ne!(whole[..4096], whole[4096..8192]);
    }

    #[test]
    fn the_browser_lists_one_level_or_everything_below() {
        let entries = sample();
        let paths = |listed: Option<Vec<&Entry>>| {
            listed.map(|l| l.iter().map(|e| e.path.clone()).collect::<Vec<_>>())
        };
        assert_eq!(
            paths(list(&entries, "", false)).unwrap(),
            ["build/", "README.txt"]
        );
        assert_eq!(
            paths(list(&entries, "build/", false)).unwrap(),
            ["build/deep/", "build/out.txt"]
        );
        assert_eq!(
            paths(list(&entries, "build", true)).unwrap(),
            ["build/deep/", "build/deep/blob.bin", "build/out.txt"]
        );
        assert!(list(&entries, "nowhere", false).is_none());
        assert!(list(&entries, "README.txt", false).is_none());
    }

    #[test]
    fn paths_that_climb_out_or_start_at_the_root_are_invalid() {
        for bad in ["", "../etc/passwd", "a/../../b", "/abs", "a\0b"] {
            assert!(!valid_path(bad), "{bad:?}");
        }
        for good in ["a", "a/b.txt", "a/..b", "dir/"] {
            assert!(valid_path(good), "{good:?}");
        }
    }
}
