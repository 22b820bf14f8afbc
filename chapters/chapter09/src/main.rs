//! Chapter 09: the HTTP layer of chapters 05–08 now lives in the `webcore` library.
//! This program only wires it up: a route table for the site, and a loop that serves
//! one connection at a time, driving webcore's parser with bytes from the socket.
#![forbid(unsafe_code)]

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};

use clap::Parser;
use webcore::cli::ServerArgs;
use webcore::{Limits, Parsed, Router, parse_request};

/// Serve the site through webcore's route table, one connection at a time.
#[derive(Parser, Debug)]
#[command(name = "chapter09", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

// ANCHOR: main
fn main() {
    let args = Args::parse();
    let router = Router::site(&args.server.root);
    // Binds, prints `Listening on http://…` (or exits 1 saying why it could not).
    let listener = webcore::ready::listen(args.server.addr);
    serve(&listener, &router);
}
// ANCHOR_END: main

// ANCHOR: accept_loop
/// One connection at a time, as in chapters 05–08.
fn serve(listener: &TcpListener, router: &Router) {
    for stream in listener.incoming() {
        let result = stream.and_then(|stream| handle(stream, router));
        if let Err(e) = result {
            eprintln!("connection failed: {e}");
        }
    }
}
// ANCHOR_END: accept_loop

// ANCHOR: handle
/// Reads until webcore says the request is complete, answers, closes.
///
/// The socket is ours; the parser never sees it. It only sees the bytes so far and
/// says `Incomplete` until they hold a whole request. No deadline yet: a client that
/// stays silent holds this loop forever (chapter 10 fixes that).
fn handle(mut stream: TcpStream, router: &Router) -> io::Result<()> {
    let limits = Limits::default();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (response, head_only) = loop {
        match parse_request(&buf, &limits) {
            Ok(Parsed::Complete { request, .. }) => {
                break (router.handle(&request), request.is_head());
            }
            Ok(Parsed::Incomplete) => {}
            Err(error) => break (error.into_response(), false),
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            // The client hung up before finishing its request: nobody to answer.
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    stream.write_all(&response.to_bytes(head_only))
}
// ANCHOR_END: handle
