//! The message layer across a real process boundary: this test binary starts itself
//! again as a child that serves requests, with the socket as the child's stdin. Counts
//! this process's open fds before and after.

#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::os::fd::{AsFd, OwnedFd};
use std::process::{Child, Command, Stdio};

use common::*;
use handoff::handle::{Handle, ObjectType, Rights};
use handoff_transport::{Channel, Client, Error, Server};
use rustix::io::Errno;

const CHILD_ENV: &str = "HANDOFF_TRANSPORT_MESSAGES_CHILD";

/// `n` values of an ECHO request that make the child die.
const EXIT_NOW: u32 = 99;
const HANG: u32 = 98;

/// Starts `child_server` in a child process, connected to the returned client.
fn spawn_child() -> (Client, Child) {
    let (ours, theirs) = Channel::pair().unwrap();
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "child_server",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .stdin(Stdio::from(OwnedFd::from(theirs)))
        .stdout(Stdio::null());
    let child = command.spawn().unwrap();
    // Close our copy of the child's end: its death must be the end of our stream.
    drop(command);
    (Client::new(ours), child)
}

#[test]
fn calls_across_processes_and_a_child_that_exits_mid_call() {
    let _s = serial();
    let before = open_fds();
    {
        let (client, mut child) = spawn_child();
        // The child's first words: an event carrying a pipe's read end.
        let event = client.recv_event().unwrap();
        assert_eq!(event.ordinal(), PIPE_READ_END);
        let event = event.decode::<PipeReadEnd>().unwrap();
        let from_child = event.handle(event.view().end()).unwrap();
        assert_cloexec(from_child);
        assert_eq!(read_to_end(from_child), b"written by the child");
        drop(event);

        // A call carrying three fds, narrowed on the way.
        let file = tmpfile();
        let mine = rustix::io::dup(&file).unwrap();
        let (pipe_r, pipe_w) = rustix::pipe::pipe().unwrap();
        let reply = client
            .call::<_, Text>(
                STORE,
                Store {
                    label: "across".into(),
                    file,
                    pipe: pipe_w,
                    blob: memfd(b"sealed"),
                },
            )
            .unwrap();
        assert_eq!(reply.view().text(), "child: file write-only, blob sealed");
        assert_eq!(read_to_end(&pipe_r), b"child was here");
        let mut got = [0u8; 6];
        rustix::io::pread(&mine, &mut got, 0).unwrap();
        assert_eq!(&got, b"across");

        // Two calls in flight at once; the child answers the second first.
        let text = |n| Text {
            text: String::new(),
            n,
        };
        let a = client.start_call(ECHO, text(1)).unwrap();
        let b = client.start_call(ECHO, text(2)).unwrap();
        assert_eq!(a.wait::<Text>().unwrap().view().n(), 1);
        assert_eq!(b.wait::<Text>().unwrap().view().n(), 2);

        // The child exits instead of answering: an error, not a hang.
        let err = client.call::<_, Text>(ECHO, text(EXIT_NOW)).unwrap_err();
        assert!(matches!(err, Error::PeerClosed), "{err:?}");
        assert!(child.wait().unwrap().success());
        assert!(matches!(
            client.call::<_, Text>(ECHO, text(1)),
            Err(Error::PeerClosed)
        ));
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn a_child_killed_mid_call_is_an_error_not_a_hang() {
    let _s = serial();
    let before = open_fds();
    {
        let (client, mut child) = spawn_child();
        drop(client.recv_event().unwrap());
        let pending = client
            .start_call(
                ECHO,
                &Text {
                    text: String::new(),
                    n: HANG,
                },
            )
            .unwrap();
        // The child says it has the request, then waits; it is killed.
        let event = client.recv_event().unwrap();
        assert_eq!(event.ordinal(), NOTE);
        drop(event);
        child.kill().unwrap();
        child.wait().unwrap();
        let err = pending.wait::<Text>().unwrap_err();
        assert!(matches!(err, Error::PeerClosed), "{err:?}");
    }
    assert_eq!(open_fds(), before);
}

/// The child's side: serves requests on its stdin until told to die. Run only in a
/// child process started by the tests above.
#[test]
#[ignore = "run by the tests above, in a child process"]
fn child_server() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let socket = std::io::stdin().as_fd().try_clone_to_owned().unwrap();
    let server = Server::new(Channel::from_fd(socket).unwrap());
    let (r, w) = rustix::pipe::pipe().unwrap();
    rustix::io::write(&w, b"written by the child").unwrap();
    drop(w);
    server
        .send_event(PIPE_READ_END, PipeReadEnd { end: r })
        .unwrap();
    let mut held = None;
    loop {
        let request = match server.recv() {
            Ok(request) => request,
            Err(Error::PeerClosed) => return,
            Err(e) => panic!("{e}"),
        };
        match request.ordinal() {
            STORE => {
                let (msg, responder) = request.decode::<Store>().unwrap();
                let view = msg.view();
                let file = msg.handle(view.file()).unwrap();
                let blob = msg.handle(view.blob()).unwrap();
                assert_cloexec(file);
                assert_eq!(file.rights(), Rights(BASIC_WRITE));
                assert_eq!(rustix::io::read(file, &mut [0u8; 1]), Err(Errno::BADF));
                rustix::io::write(file, view.label().as_bytes()).unwrap();
                assert_eq!(blob.object_type(), ObjectType::VMO);
                assert_eq!(rustix::io::write(blob, b"x"), Err(Errno::PERM));
                rustix::io::write(msg.handle(view.pipe()).unwrap(), b"child was here").unwrap();
                responder
                    .unwrap()
                    .reply(&Text {
                        text: "child: file write-only, blob sealed".into(),
                        n: 0,
                    })
                    .unwrap();
            }
            ECHO => {
                let (msg, responder) = request.decode::<Text>().unwrap();
                let n = msg.view().n();
                match n {
                    EXIT_NOW => std::process::exit(0),
                    HANG => {
                        server
                            .send_event(
                                NOTE,
                                &Text {
                                    text: "got it".into(),
                                    n,
                                },
                            )
                            .unwrap();
                        std::thread::sleep(std::time::Duration::from_secs(60));
                        std::process::exit(1);
                    }
                    _ => {}
                }
                let reply = Text {
                    text: String::new(),
                    n,
                };
                // Hold the first of a pair and answer it after the second.
                match held.take() {
                    None if n == 1 => held = Some((responder.unwrap(), reply)),
                    None => responder.unwrap().reply(&reply).unwrap(),
                    Some((first, first_reply)) => {
                        responder.unwrap().reply(&reply).unwrap();
                        first.reply(&first_reply).unwrap();
                    }
                }
            }
            other => panic!("unexpected ordinal {other:#x}"),
        }
    }
}
