//! A small hyper 1.x file server on tokio: what a mature HTTP library does with the job
//! our chapters do by hand. It reads every file under `--root` into memory at start-up,
//! so a request costs HTTP and a hash lookup, never a disk read.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use bytes::Bytes;
use clap::Parser;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{ALLOW, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

/// Serve the files of a folder, held in memory, with hyper.
#[derive(Parser, Debug)]
#[command(name = "hyper-server")]
struct Args {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Worker threads of the tokio runtime
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: u16,
    /// The folder to serve, read whole at start-up
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static"))]
    root: PathBuf,
}

/// A file held in memory. `Bytes` clones share the buffer, so answering copies nothing.
struct File {
    body: Bytes,
    content_type: HeaderValue,
}

/// URL path (`/css/site.css`) to file. A folder's `index.html` is also under `/folder/`.
type Site = HashMap<String, File>;

fn main() -> ExitCode {
    let args = Args::parse();
    let site = match load(&args.root) {
        Ok(site) => Arc::new(site),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.root.display());
            return ExitCode::FAILURE;
        }
    };
    let result = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(usize::from(args.threads))
        .enable_all()
        .build()
        .and_then(|runtime| runtime.block_on(run(args.addr, site)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Reads every file under `root` (following subfolders) into a [`Site`].
fn load(root: &Path) -> io::Result<Site> {
    let mut site = Site::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(root)
                .expect("read_dir lists paths under root");
            let url = format!("/{}", relative.to_string_lossy());
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            let file = File {
                body: Bytes::from(std::fs::read(&path)?),
                content_type: HeaderValue::from_str(mime.as_ref())
                    .expect("a MIME type is a valid header value"),
            };
            // `/` and `/docs/` answer with their index.html, found without a second lookup.
            if let Some(folder_url) = url.strip_suffix("index.html") {
                let copy = File {
                    body: file.body.clone(),
                    content_type: file.content_type.clone(),
                };
                site.insert(folder_url.to_string(), copy);
            }
            site.insert(url, file);
        }
    }
    Ok(site)
}

/// Accepts until SIGTERM or SIGINT; each connection is a task that hyper drives,
/// keep-alive and pipelining included.
async fn run(addr: SocketAddr, site: Arc<Site>) -> io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    peers::announce(listener.local_addr()?);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    eprintln!("accept: {e}");
                    continue;
                }
            },
            _ = terminate.recv() => return Ok(()),
            _ = interrupt.recv() => return Ok(()),
        };
        // Answers are written whole; do not let Nagle hold one back.
        let _ = stream.set_nodelay(true);
        let site = Arc::clone(&site);
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(Arc::clone(&site), request));
            // An error here is a client that went away or sent garbage: hyper has already
            // answered what could be answered, and there is no one left to tell.
            let _ = http1::Builder::new()
                .keep_alive(true)
                // Without it hyper drops a request whose client sent FIN right after
                // it (`printf ... | nc -N`) unanswered; with it, hyper answers, then closes.
                .half_close(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// GET and HEAD of a file in the site (hyper leaves out the body for HEAD); 404 for
/// any other path, 405 for any other method.
async fn answer(
    site: Arc<Site>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed\n");
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return Ok(response);
    }
    Ok(match site.get(request.uri().path()) {
        Some(file) => {
            let mut response = Response::new(Full::new(file.body.clone()));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, file.content_type.clone());
            response
        }
        None => text(StatusCode::NOT_FOUND, "404 Not Found\n"),
    })
}

fn text(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
