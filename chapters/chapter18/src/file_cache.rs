//! Static files from memory: a file asked for again within a second costs no disk read.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use webcore::files::serve_file;
use webcore::{Request, Response, Status};

/// Files larger than this are read from disk every time: caching them would let a few
/// large files fill the memory we promised to bound.
const MAX_FILE_BYTES: usize = 256 * 1024;
/// The cache holds at most this many bytes of bodies in all.
const MAX_TOTAL_BYTES: usize = 32 * 1024 * 1024;

// ANCHOR: file_cache
/// Answers for static files, kept for `fresh_for` after they were read. Serving the same
/// small file ten thousand times a second from disk costs ten thousand `open`, `read`,
/// `close` (and the path checks before them); from here it costs a lookup and a copy.
/// A changed file is served fresh within `fresh_for`: an entry older than that is read
/// again (nginx's `open_file_cache_valid` makes the same trade).
pub struct FileCache {
    fresh_for: Duration,
    /// URL path → the answer and when it was read. A `Mutex`, though each event loop
    /// has its own cache and never waits on it: the router is shared as `Sync`.
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    by_path: HashMap<String, (Instant, Response)>,
    bytes: usize,
}

impl FileCache {
    pub fn new(fresh_for: Duration) -> FileCache {
        FileCache {
            fresh_for,
            entries: Mutex::new(Entries::default()),
        }
    }

    /// Answers a GET or HEAD for a file under `root`, from memory when it can.
    pub fn serve(&self, root: &Path, request: &Request) -> Response {
        let now = Instant::now();
        let Ok(mut entries) = self.entries.lock() else {
            // A panic while the lock was held (none is known): serve from disk.
            return serve_file(root, request);
        };
        if let Some((read_at, response)) = entries.by_path.get(&request.path)
            && now.duration_since(*read_at) < self.fresh_for
        {
            return response.clone();
        }
        let response = serve_file(root, request);
        entries.forget(&request.path);
        let cacheable = response.status == Status::OK && response.body.len() <= MAX_FILE_BYTES;
        if cacheable && entries.bytes + response.body.len() <= MAX_TOTAL_BYTES {
            entries.bytes += response.body.len();
            entries
                .by_path
                .insert(request.path.clone(), (now, response.clone()));
        }
        response
    }
}
// ANCHOR_END: file_cache

impl Entries {
    fn forget(&mut self, path: &str) {
        if let Some((_, old)) = self.by_path.remove(path) {
            self.bytes -= old.body.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn get(path: &str) -> Request {
        let raw = format!("GET {path} HTTP/1.1\r\n\r\n");
        match webcore::parse_request(raw.as_bytes(), &Default::default()) {
            Ok(webcore::Parsed::Complete { request, .. }) => request,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_cached_file_is_served_without_the_disk_and_refreshed_when_stale() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        fs::write(dir.path().join("a.txt"), "first").expect("write");
        let cache = FileCache::new(Duration::from_millis(200));
        assert_eq!(cache.serve(dir.path(), &get("/a.txt")).body, b"first");
        // Gone from disk, still served from memory while fresh.
        fs::write(dir.path().join("a.txt"), "second").expect("write");
        assert_eq!(cache.serve(dir.path(), &get("/a.txt")).body, b"first");
        // Not a synchronisation sleep: the entry must age past `fresh_for`.
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(cache.serve(dir.path(), &get("/a.txt")).body, b"second");
    }

    #[test]
    fn misses_and_large_files_are_not_kept() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        fs::write(dir.path().join("big.bin"), vec![7u8; MAX_FILE_BYTES + 1]).expect("write");
        let cache = FileCache::new(Duration::from_secs(60));
        assert_eq!(cache.serve(dir.path(), &get("/big.bin")).status, Status::OK);
        assert_eq!(
            cache.serve(dir.path(), &get("/nothing")).status,
            Status::NOT_FOUND
        );
        let entries = cache.entries.lock().expect("no panic held the lock");
        assert!(entries.by_path.is_empty());
        assert_eq!(entries.bytes, 0);
    }
}
