//! Reads a user's own request trace, a text or CSV file with one request per line
//! (`key[,size][,time]`), a chunk at a time, so a file of hundreds of megabytes is read in
//! bounded steps and a bad line is reported with its number.
//!
//! Keys are any text. When every key is a plain decimal number below [`DIRECT_KEYS`] the numbers
//! are the objects themselves, so a trace written by `shardscope cache-trace` replays exactly
//! the requests the lab drew (W-TinyLFU's sketch and Random's choices depend on the numbers);
//! otherwise objects are numbered in the order they first appear.

use std::hash::{BuildHasherDefault, Hasher};

use super::workload::Trace;
use crate::hash::hash_bytes;

/// Object numbers by key. A hash map for speed over millions of lines, with a fixed-seed hasher;
/// its order never escapes, since numbers are given in order of first appearance.
#[allow(clippy::disallowed_types)]
type KeyIds = std::collections::HashMap<Box<[u8]>, u32, BuildHasherDefault<KeyHasher>>;

/// Hashes a key's bytes in one call of xxh3 (a streaming hasher buffers every write, which
/// costs more than the hash for keys of a few bytes).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(self.0, bytes);
    }

    fn write_usize(&mut self, n: usize) {
        // The length a slice's `Hash` writes first; the bytes' hash covers it well enough.
        self.0 ^= n as u64;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The longest line read, in bytes: a longer one is most likely a binary file without newlines.
pub const MAX_LINE_BYTES: usize = 4_096;
/// Integer keys below this are used as object numbers directly.
pub const DIRECT_KEYS: u32 = 1 << 24;

/// A line that cannot be read, or a file that is not a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceError {
    /// The line, counted from 1 (0: the file as a whole).
    pub line: u64,
    /// What is wrong, in words.
    pub message: String,
}

impl std::fmt::Display for TraceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Key,
    Size,
    Time,
}

impl Column {
    fn named(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "key" | "id" | "obj" | "object" | "obj_id" | "object_id" | "url" | "name" => Some(Self::Key),
            "size" | "bytes" | "obj_size" | "object_size" | "length" => Some(Self::Size),
            "time" | "timestamp" | "ts" | "clock_time" => Some(Self::Time),
            _ => None,
        }
    }
}

/// A trace read from a file.
// Each flag is a separate fact about the file that the page reports.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadTrace {
    /// The requests, objects numbered `0..universe`.
    pub trace: Trace,
    /// Each request's size in bytes, if the file has a size column.
    pub sizes: Option<Vec<u32>>,
    /// Lines read (including a header, blank and comment lines).
    pub lines: u64,
    /// Whether the first line named the columns.
    pub header: bool,
    /// Whether the file has a time column (read and checked, not used: requests are replayed in
    /// file order, and the policies here have no notion of time).
    pub times: bool,
    /// Whether keys were renumbered (not all plain numbers, or too sparse to index directly).
    pub renumbered: bool,
    /// Whether the file had more requests than the limit, which were not read.
    pub truncated: bool,
}

/// Reads a trace a chunk at a time.
#[derive(Debug)]
pub struct TraceReader {
    carry: Vec<u8>,
    line: u64,
    columns: Option<Vec<Column>>,
    header: bool,
    /// Object numbers by key, once a key is not a plain number (until then requests hold the
    /// numbers themselves).
    named: Option<KeyIds>,
    requests: Vec<u32>,
    sizes: Vec<u32>,
    limit: u32,
    truncated: bool,
    started: bool,
}

/// A request's fields: `key,size,time` split on commas, or on tabs and spaces when the line has
/// no comma; a field in double quotes loses them.
/// Returns the first three and how many there are, without allocating: this runs once per line.
fn fields(line: &str) -> ([&str; 3], usize) {
    fn unquote(f: &str) -> &str {
        let f = f.trim();
        f.strip_prefix('"').and_then(|g| g.strip_suffix('"')).unwrap_or(f)
    }
    let (mut comma, mut space);
    let parts: &mut dyn Iterator<Item = &str> = if line.contains(',') {
        comma = line.split(',');
        &mut comma
    } else {
        space = line.split_ascii_whitespace();
        &mut space
    };
    let mut out = [""; 3];
    let mut n = 0;
    for f in parts {
        if n < 3 {
            out[n] = unquote(f);
        }
        n += 1;
    }
    (out, n)
}

/// A plain decimal number (no sign, no leading zero) below [`DIRECT_KEYS`].
fn direct_key(key: &str) -> Option<u32> {
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 8 || (b.len() > 1 && b[0] == b'0') || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    key.parse::<u32>().ok().filter(|&k| k < DIRECT_KEYS)
}

fn shown(field: &str) -> String {
    let mut s: String = field.chars().take(40).collect();
    if field.chars().count() > 40 {
        s.push('…');
    }
    s
}

impl TraceReader {
    /// A reader that keeps at most `limit` requests (later ones are counted as truncated).
    #[must_use]
    pub fn new(limit: u32) -> Self {
        Self {
            carry: Vec::new(),
            line: 0,
            columns: None,
            header: false,
            named: None,
            requests: Vec::new(),
            sizes: Vec::new(),
            limit,
            truncated: false,
            started: false,
        }
    }

    /// Requests read so far.
    #[must_use]
    pub fn requests(&self) -> u32 {
        u32::try_from(self.requests.len()).expect("at most the limit")
    }

    /// Whether the limit was reached (the rest of the file need not be read).
    #[must_use]
    pub fn full(&self) -> bool {
        self.truncated
    }

    /// Reads the next bytes of the file.
    ///
    /// # Errors
    /// The first line that cannot be read.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), TraceError> {
        if !self.started && !chunk.is_empty() {
            self.started = true;
            chunk = chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(chunk);
        }
        while !self.truncated {
            let Some(nl) = chunk.iter().position(|&b| b == b'\n') else {
                self.carry.extend_from_slice(chunk);
                if self.carry.len() > MAX_LINE_BYTES {
                    let carry = std::mem::take(&mut self.carry);
                    self.line += 1;
                    return Err(self.binary(&carry).unwrap_or_else(|| TraceError {
                        line: self.line,
                        ..self.too_long()
                    }));
                }
                return Ok(());
            };
            if self.carry.is_empty() {
                self.line(&chunk[..nl])?;
            } else {
                let mut whole = std::mem::take(&mut self.carry);
                whole.extend_from_slice(&chunk[..nl]);
                self.line(&whole)?;
            }
            chunk = &chunk[nl + 1..];
        }
        Ok(())
    }

    fn too_long(&self) -> TraceError {
        TraceError {
            line: self.line + 1,
            message: format!(
                "longer than {MAX_LINE_BYTES} bytes without a line break; a trace is text with one request per line (key[,size][,time])"
            ),
        }
    }

    /// Reads the end of the file and numbers the objects.
    ///
    /// # Errors
    /// A bad last line, or a file without a request.
    pub fn finish(mut self) -> Result<ReadTrace, TraceError> {
        if !self.carry.is_empty() && !self.truncated {
            let last = std::mem::take(&mut self.carry);
            self.line(&last)?;
        }
        if self.requests.is_empty() {
            return Err(TraceError {
                line: 0,
                message: format!(
                    "the file has no request in its {} lines; a trace has one request per line: key[,size][,time]",
                    self.line
                ),
            });
        }
        let mut renumbered = self.named.is_some();
        let mut trace = Trace::from_requests(self.requests);
        // Sparse numbers would size every policy's arrays by the largest number, not by the
        // objects; a dense renumbering changes no policy's choices but Random's and the sketch's.
        if !renumbered && u64::from(trace.universe) > 4 * u64::from(trace.distinct) + 1_024 {
            let mut ids = vec![u32::MAX; trace.universe as usize];
            let mut next = 0;
            for x in &mut trace.requests {
                let id = &mut ids[*x as usize];
                if *id == u32::MAX {
                    *id = next;
                    next += 1;
                }
                *x = *id;
            }
            trace.universe = next;
            renumbered = true;
        }
        let columns = self.columns.unwrap_or_default();
        Ok(ReadTrace {
            trace,
            sizes: columns.contains(&Column::Size).then_some(self.sizes),
            lines: self.line,
            header: self.header,
            times: columns.contains(&Column::Time),
            renumbered,
            truncated: self.truncated,
        })
    }

    fn error(&self, message: String) -> TraceError {
        TraceError {
            line: self.line,
            message,
        }
    }

    /// The error for a line holding a zero byte, which text never has, if it does.
    fn binary(&self, raw: &[u8]) -> Option<TraceError> {
        let at = raw.iter().position(|&b| b == 0)?;
        Some(self.error(format!(
            "byte {} is 0x00: this is a binary file, not a trace; a trace is text with one request per line (key[,size][,time])",
            at + 1
        )))
    }

    fn line(&mut self, raw: &[u8]) -> Result<(), TraceError> {
        self.line += 1;
        if let Some(e) = self.binary(raw) {
            return Err(e);
        }
        if raw.len() > MAX_LINE_BYTES {
            return Err(TraceError {
                line: self.line,
                ..self.too_long()
            });
        }
        let Ok(text) = std::str::from_utf8(raw) else {
            return Err(self.error(
                "not UTF-8 text: this looks like a binary file; a trace is text with one request per line (key[,size][,time])".into(),
            ));
        };
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            return Ok(());
        }
        let (parts, count) = fields(text);
        let fields = &parts[..count.min(3)];
        if self.columns.is_none() {
            return self.first_line(fields, count);
        }
        self.request(fields, count)
    }

    /// A request line, once the columns are known.
    fn request(&mut self, fields: &[&str], count: usize) -> Result<(), TraceError> {
        // A copy of the (at most three) columns, so the loop below may borrow `self` mutably.
        let known = self.columns.as_deref().expect("known after the first line");
        let mut layout = [Column::Key; 3];
        layout[..known.len()].copy_from_slice(known);
        let columns = &layout[..known.len()];
        if count != columns.len() {
            return Err(self.error(format!(
                "{} fields where the first line has {} ({})",
                count,
                columns.len(),
                columns
                    .iter()
                    .map(|c| match c {
                        Column::Key => "key",
                        Column::Size => "size",
                        Column::Time => "time",
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if self.requests.len() >= self.limit as usize {
            self.truncated = true;
            return Ok(());
        }
        for (column, field) in columns.iter().zip(fields) {
            match column {
                Column::Key => self.key(field)?,
                Column::Size => {
                    let size = field.parse::<u32>().ok().filter(|&s| s > 0).ok_or_else(|| {
                        self.error(format!(
                            "the size “{}” is not a whole number of bytes from 1 to 4,294,967,295",
                            shown(field)
                        ))
                    })?;
                    self.sizes.push(size);
                }
                Column::Time => {
                    if !field.parse::<f64>().is_ok_and(f64::is_finite) {
                        return Err(self.error(format!("the time “{}” is not a number", shown(field))));
                    }
                }
            }
        }
        Ok(())
    }

    /// The first request line, or a header naming the columns.
    fn first_line(&mut self, fields: &[&str], count: usize) -> Result<(), TraceError> {
        if count > 3 {
            return Err(self.error(format!(
                "{count} fields; a request is key[,size][,time], or a header names those columns"
            )));
        }
        let named: Vec<Option<Column>> = fields.iter().map(|f| Column::named(f)).collect();
        // A first field that names a column (`key`, `size`, `time` or a usual synonym) starts a
        // header; anything else is the first request.
        if named[0].is_some() {
            let mut columns = Vec::new();
            for (f, c) in fields.iter().zip(named) {
                let Some(c) = c else {
                    return Err(self.error(format!(
                        "a header with a column named “{}”; the lab reads columns named key, size and time",
                        shown(f)
                    )));
                };
                if columns.contains(&c) {
                    return Err(self.error(format!("the header names the column “{}” twice", shown(f))));
                }
                columns.push(c);
            }
            if !columns.contains(&Column::Key) {
                return Err(self.error("the header has no key column".into()));
            }
            self.header = true;
            self.columns = Some(columns);
            return Ok(());
        }
        self.columns = Some([Column::Key, Column::Size, Column::Time][..fields.len()].to_vec());
        self.request(fields, count)
    }

    fn key(&mut self, key: &str) -> Result<(), TraceError> {
        if key.is_empty() {
            return Err(self.error("an empty key".into()));
        }
        if self.named.is_none() {
            if let Some(k) = direct_key(key) {
                self.requests.push(k);
                return Ok(());
            }
            self.named = Some(self.name_direct_keys());
        }
        let map = self.named.as_mut().expect("named above");
        // Looked up before it is inserted: most requests repeat a key, and only a new one needs
        // its bytes copied.
        let id = if let Some(&id) = map.get(key.as_bytes()) {
            id
        } else {
            let next = u32::try_from(map.len()).expect("fewer objects than requests");
            map.insert(key.as_bytes().into(), next);
            next
        };
        self.requests.push(id);
        Ok(())
    }

    /// Leaves direct numbering: the numbers read so far become names, numbered in order of
    /// first appearance.
    fn name_direct_keys(&mut self) -> KeyIds {
        let mut map = KeyIds::default();
        let largest = self.requests.iter().max().map_or(0, |&m| m as usize + 1);
        let mut ids = vec![u32::MAX; largest];
        for x in &mut self.requests {
            let id = &mut ids[*x as usize];
            if *id == u32::MAX {
                *id = u32::try_from(map.len()).expect("fewer objects than requests");
                map.insert(x.to_string().into_bytes().into_boxed_slice(), *id);
            }
            *x = *id;
        }
        map
    }
}

/// Reads a whole trace from bytes in one go, as the CLI and the tests do.
///
/// # Errors
/// The first line that cannot be read.
///
/// ```
/// use shardscope_core::cache::tracefile::read_all;
/// let t = read_all(b"key,size\na,100\nb,20\na,100\n", 10).unwrap();
/// assert_eq!(t.trace.requests, vec![0, 1, 0]);
/// assert_eq!(t.sizes, Some(vec![100, 20, 100]));
/// assert!(t.header && t.renumbered);
/// let bad = read_all(b"a,1\nb,x\n", 10).unwrap_err();
/// assert_eq!(bad.line, 2);
/// ```
pub fn read_all(bytes: &[u8], limit: u32) -> Result<ReadTrace, TraceError> {
    let mut reader = TraceReader::new(limit);
    reader.feed(bytes)?;
    reader.finish()
}

/// Checks the start of a file before it is sent anywhere, so a binary file is refused at once:
/// a zero byte, a line that is not UTF-8 or one longer than [`MAX_LINE_BYTES`]. Fields are left
/// to the reader, which names a bad one by its line; this check stays small because the page
/// runs it, and the page's weight is what a visitor waits for.
///
/// # Errors
/// The first line that is not text.
pub fn sniff(bytes: &[u8]) -> Result<(), TraceError> {
    let mut line = 0;
    let mut rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    while !rest.is_empty() {
        line += 1;
        let (text, cut) = match rest.iter().position(|&b| b == b'\n') {
            Some(nl) => (&rest[..nl], false),
            None => (rest, true),
        };
        let error = |message: String| Err(TraceError { line, message });
        if let Some(at) = text.iter().position(|&b| b == 0) {
            return error(format!("byte {} is 0x00: {NOT_TEXT}", at + 1));
        }
        if text.len() > MAX_LINE_BYTES {
            return error(format!(
                "longer than {MAX_LINE_BYTES} bytes without a line break; {TEXT}"
            ));
        }
        if let Err(e) = std::str::from_utf8(text) {
            // A cut last line may end inside a character: that is not an error.
            if !(cut && e.error_len().is_none()) {
                return error(format!("not UTF-8 text: {NOT_TEXT}"));
            }
        }
        rest = if cut { &[] } else { &rest[text.len() + 1..] };
    }
    Ok(())
}

/// What a trace is, for the messages that refuse a file.
const TEXT: &str = "a trace is text with one request per line (key[,size][,time])";
/// Why a binary file is refused.
const NOT_TEXT: &str =
    "this is a binary file, not a trace; a trace is text with one request per line (key[,size][,time])";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_are_the_objects() {
        let t = read_all(b"key\n5\n3\n5\n", 10).unwrap();
        assert_eq!(t.trace.requests, vec![5, 3, 5]);
        assert_eq!((t.trace.universe, t.trace.distinct), (6, 2));
        assert!(!t.renumbered && t.header && t.sizes.is_none());
    }

    #[test]
    fn a_name_after_numbers_renumbers_in_order_of_appearance() {
        let t = read_all(b"7\n3\n7\nx\n3\n007\n", 10).unwrap();
        assert_eq!(t.trace.requests, vec![0, 1, 0, 2, 1, 3]);
        assert!(t.renumbered);
    }

    #[test]
    fn sparse_numbers_are_renumbered() {
        let t = read_all(b"1000000\n5\n1000000\n", 10).unwrap();
        assert_eq!(t.trace.requests, vec![0, 1, 0]);
        assert_eq!(t.trace.universe, 2);
    }

    #[test]
    fn chunks_split_anywhere_read_the_same() {
        let text = b"key,size,time\r\nalpha,10,1.5\n# a comment\n\nbeta,20,2\nalpha,10,3\n\"gamma\",5,4";
        let whole = read_all(text, 100).unwrap();
        for cut in 1..text.len() {
            let mut r = TraceReader::new(100);
            r.feed(&text[..cut]).unwrap();
            r.feed(&text[cut..]).unwrap();
            assert_eq!(r.finish().unwrap(), whole, "cut at {cut}");
        }
        assert_eq!(whole.trace.requests, vec![0, 1, 0, 2]);
        assert_eq!(whole.sizes, Some(vec![10, 20, 10, 5]));
        assert!(whole.times);
        assert_eq!(whole.lines, 7);
    }

    #[test]
    fn columns_in_any_order_by_header() {
        let t = read_all(b"time size key\n1 30 a\n2 40 b\n", 10).unwrap();
        assert_eq!(t.sizes, Some(vec![30, 40]));
        assert_eq!(t.trace.requests, vec![0, 1]);
    }

    #[test]
    fn bad_lines_are_named_by_number() {
        let e = |bytes: &[u8]| read_all(bytes, 10).unwrap_err();
        assert_eq!(
            e(b"a,1\nb,2\nc\n").to_string(),
            "line 3: 1 fields where the first line has 2 (key, size)"
        );
        assert!(e(b"a,1\nb,0\n").to_string().starts_with("line 2: the size “0”"));
        assert!(e(b"a,1,x\n").to_string().starts_with("line 1: the time “x”"));
        assert!(e(b"k,s,t,u\n").to_string().starts_with("line 1: 4 fields"));
        assert!(e(b"key,colour\n").to_string().contains("“colour”"));
        assert!(e(b"a\n\x7fELF\x02\x01\x00\x00")
            .to_string()
            .starts_with("line 2: byte 7 is 0x00"));
        assert!(e(b"a\n\xff\xfe\n").to_string().starts_with("line 2: not UTF-8"));
        assert!(e(&[b'x'; 5_000]).to_string().starts_with("line 1: longer than 4096"));
        assert_eq!(e(b"\n# only a comment\n").line, 0);
        assert!(e(b",5\n").to_string().starts_with("line 1: an empty key"));
    }

    #[test]
    fn a_long_line_is_refused_before_it_is_all_read() {
        let mut r = TraceReader::new(10);
        r.feed(b"a\n").unwrap();
        assert!(r.feed(&[b'y'; MAX_LINE_BYTES + 1]).is_err());
    }

    #[test]
    fn the_start_of_a_file_is_sniffed_for_binary() {
        assert!(sniff(b"key,size\na,1\nb,2").is_ok());
        // Fields are the reader's to check.
        assert!(sniff(b"key,size\na,1\nb,x\nc").is_ok());
        assert!(sniff(&[b'z'; MAX_LINE_BYTES + 1])
            .unwrap_err()
            .to_string()
            .starts_with("line 1: longer than"));
        let elf = [&b"\x7fELF"[..], &[0; 10_000]].concat();
        assert!(sniff(&elf)
            .unwrap_err()
            .to_string()
            .starts_with("line 1: byte 5 is 0x00"));
        assert!(sniff(b"a\n\xff\xfe\n")
            .unwrap_err()
            .to_string()
            .starts_with("line 2: not UTF-8"));
        // A cut in the middle of “é” at the end of the bytes is not an error.
        assert!(sniff(&"ab\ncafé".as_bytes()[..7]).is_ok());
    }

    #[test]
    fn the_limit_keeps_the_first_requests() {
        let t = read_all(b"1\n2\n3\n4\n", 2).unwrap();
        assert_eq!(t.trace.requests, vec![1, 2]);
        assert!(t.truncated);
    }
}
