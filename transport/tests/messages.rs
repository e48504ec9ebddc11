//! The blocking message layer (Client, Server) over a socketpair, with threads, and
//! with a raw channel as a hostile peer. Every test counts this process's open fds
//! before and after: nothing may leak.

#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::os::fd::OwnedFd;
use std::thread;

use bytes::BytesMut;
use common::*;
use handoff::handle::{Handle, ObjectType, Rights};
use handoff::{Error as CodecError, wire::HeaderError};
use handoff_transport::{Channel, Client, Error, Limits, SCM_MAX_FD, Server};
use rustix::io::Errno;

/// A server thread that answers `n` requests with `serve`, then returns.
fn serve(
    server: Server,
    n: usize,
    serve: impl Fn(handoff_transport::Request) + Send + 'static,
) -> thread::JoinHandle<Server> {
    thread::spawn(move || {
        for _ in 0..n {
            serve(server.recv().unwrap());
        }
        server
    })
}

/// A client and a server over a fresh socketpair.
fn connection() -> (Client, Server) {
    let (a, b) = Channel::pair().unwrap();
    (Client::new(a), Server::new(b))
}

#[test]
fn a_call_moves_real_fds_with_their_rights_reduced() {
    let _s = serial();
    let before = open_fds();
    {
        let (client, server) = connection();
        let server = serve(server, 1, |request| {
            assert_eq!(request.ordinal(), STORE);
            assert_ne!(request.txid(), 0);
            assert_eq!(request.incoming().fd_count(), 3);
            let (msg, responder) = request.decode::<Store>().unwrap();
            let view = msg.view();
            assert_eq!(view.label(), "three fds");
            let file = msg.handle(view.file()).unwrap();
            let pipe = msg.handle(view.pipe()).unwrap();
            let blob = msg.handle(view.blob()).unwrap();
            for fd in [file, pipe, blob] {
                assert_cloexec(fd);
            }
            // The file arrives write-only: the sender's read-write fd was narrowed.
            assert_eq!(file.object_type(), ObjectType::FILE);
            assert_eq!(file.rights(), Rights(BASIC_WRITE));
            assert_eq!(rustix::io::read(file, &mut [0u8; 1]), Err(Errno::BADF));
            rustix::io::write(file, b"appended by the server\n").unwrap();
            // The pipe's write end.
            assert_eq!(pipe.object_type(), ObjectType::PIPE);
            rustix::io::write(pipe, b"through the pipe").unwrap();
            // The memfd is sealed: read-only for everyone.
            assert_eq!(blob.object_type(), ObjectType::VMO);
            assert_eq!(blob.rights(), Rights(BASIC_READ));
            assert_eq!(rustix::io::write(blob, b"x"), Err(Errno::PERM));
            let mut payload = [0u8; 7];
            rustix::io::pread(blob, &mut payload, 0).unwrap();
            assert_eq!(&payload, b"payload");
            responder
                .unwrap()
                .reply(&Text {
                    text: "stored".into(),
                    n: 3,
                })
                .unwrap();
        });

        let file = tmpfile();
        let mine = rustix::io::dup(&file).unwrap();
        let (pipe_r, pipe_w) = rustix::pipe::pipe().unwrap();
        let blob = memfd(b"payload");
        let blob_mine = rustix::io::dup(&blob).unwrap();
        let reply = client
            .call::<_, Text>(
                STORE,
                Store {
                    label: "three fds".into(),
                    file,
                    pipe: pipe_w,
                    blob,
                },
            )
            .unwrap();
        assert_eq!(reply.view().text(), "stored");
        assert_eq!(reply.view().n(), 3);
        assert_eq!(read_to_end(&pipe_r), b"through the pipe");
        let mut written = [0u8; 23];
        rustix::io::pread(&mine, &mut written, 0).unwrap();
        assert_eq!(&written, b"appended by the server\n");
        // The seal holds for the sender's own copy too.
        assert_eq!(rustix::io::write(&blob_mine, b"x"), Err(Errno::PERM));
        server.join().unwrap();
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn one_way_requests_and_events() {
    let _s = serial();
    let before = open_fds();
    {
        let (client, server) = connection();
        client
            .send_one_way(
                NOTE,
                &Text {
                    text: "one way".into(),
                    n: 1,
                },
            )
            .unwrap();
        let request = server.recv().unwrap();
        assert_eq!((request.txid(), request.is_two_way()), (0, false));
        let (msg, responder) = request.decode::<Text>().unwrap();
        assert!(responder.is_none());
        assert_eq!(msg.view().text(), "one way");

        server
            .send_event(
                PIPE_READ_END,
                PipeReadEnd {
                    end: some_fds(1).pop().unwrap(),
                },
            )
            .unwrap();
        let event = client.recv_event().unwrap();
        assert_eq!((event.txid(), event.ordinal()), (0, PIPE_READ_END));
        let event = event.decode::<PipeReadEnd>().unwrap();
        assert_cloexec(event.handle(event.view().end()).unwrap());
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn replies_are_matched_by_txid_when_they_cross() {
    let _s = serial();
    let before = open_fds();
    {
        let (client, server) = connection();
        // The server takes both requests, then answers the second one first.
        let server = thread::spawn(move || {
            let first = server.recv().unwrap();
            let second = server.recv().unwrap();
            assert_ne!(first.txid(), second.txid());
            let (a, ra) = first.decode::<Text>().unwrap();
            let (b, rb) = second.decode::<Text>().unwrap();
            let echo = |m: &handoff::Decoded<Text, OwnedFd>| Text {
                text: format!("re: {}", m.view().text()),
                n: m.view().n(),
            };
            rb.unwrap().reply(echo(&b)).unwrap();
            ra.unwrap().reply(echo(&a)).unwrap();
            server
        });
        let a = client
            .start_call(
                ECHO,
                &Text {
                    text: "a".into(),
                    n: 1,
                },
            )
            .unwrap();
        let b = client
            .start_call(
                ECHO,
                &Text {
                    text: "b".into(),
                    n: 2,
                },
            )
            .unwrap();
        assert_ne!(a.txid(), b.txid());
        assert_ne!(a.txid(), 0);
        // Waiting for `a` reads `b`'s reply first and keeps it for `b`.
        let ra = a.wait::<Text>().unwrap();
        assert_eq!((ra.view().text(), ra.view().n()), ("re: a", 1));
        let rb = b.wait::<Text>().unwrap();
        assert_eq!((rb.view().text(), rb.view().n()), ("re: b", 2));
        drop(server.join().unwrap());
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn concurrent_callers_each_get_their_own_reply() {
    let _s = serial();
    let before = open_fds();
    {
        let (client, server) = connection();
        const CALLS: u32 = 200;
        // Answers in batches of 4 (one call from each caller), in reverse order, each
        // with a memfd holding n.
        let server = thread::spawn(move || {
            let mut pending = Vec::new();
            for _ in 0..CALLS {
                let (msg, responder) = server.recv().unwrap().decode::<Text>().unwrap();
                pending.push((msg.view().n(), responder.unwrap()));
                if pending.len() == 4 {
                    for (n, responder) in pending.drain(..).rev() {
                        responder
                            .reply(Fds {
                                tag: n,
                                fds: vec![memfd(&n.to_le_bytes())],
                            })
                            .unwrap();
                    }
                }
            }
            server
        });
        thread::scope(|s| {
            for t in 0..4u32 {
                let client = &client;
                s.spawn(move || {
                    for i in 0..CALLS / 4 {
                        let n = t * 1000 + i;
                        let reply = client
                            .call::<_, Fds>(
                                ECHO,
                                &Text {
                                    text: String::new(),
                                    n,
                                },
                            )
                            .unwrap();
                        let view = reply.view();
                        assert_eq!(view.tag(), n);
                        let fd = reply.handle(view.fds().get(0).unwrap()).unwrap();
                        let mut got = [0u8; 4];
                        rustix::io::pread(fd, &mut got, 0).unwrap();
                        assert_eq!(u32::from_le_bytes(got), n);
                    }
                });
            }
        });
        drop(server.join().unwrap());
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn dispositions_are_checked_before_sending() {
    let _s = serial();
    let before = open_fds();
    {
        let (client, server) = connection();
        let (_pipe_r, pipe_w) = rustix::pipe::pipe().unwrap();
        // A pipe where the slot declares a file: refused, nothing sent, fds closed.
        let err = client
            .send_one_way(
                STORE,
                Store {
                    label: String::new(),
                    file: rustix::io::dup(&pipe_w).unwrap(),
                    pipe: rustix::io::dup(&pipe_w).unwrap(),
                    blob: memfd(b""),
                },
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::WrongHandleType {
                    index: 0,
                    expected: ObjectType::FILE,
                    found: ObjectType::PIPE
                }
            ),
            "{err:?}"
        );
        // A read end where the slot wants a write end: it lacks WRITE.
        let err = client
            .send_one_way(
                STORE,
                Store {
                    label: String::new(),
                    file: tmpfile(),
                    pipe: some_fds(1).pop().unwrap(),
                    blob: memfd(b""),
                },
            )
            .unwrap_err();
        assert!(
            matches!(&err, Error::HandleRights { index: 1, source } if source.object_type == ObjectType::PIPE),
            "{err:?}"
        );
        // A pipe's write end where a read end is declared: the kernel cannot narrow
        // it (and it lacks READ anyway).
        let err = client
            .send_one_way(PIPE_READ_END, PipeReadEnd { end: pipe_w })
            .unwrap_err();
        assert!(
            matches!(err, Error::HandleRights { index: 0, .. }),
            "{err:?}"
        );
        // An encode error: a string over its bound.
        let err = client
            .send_one_way(
                NOTE,
                &Text {
                    text: "x".repeat(257),
                    n: 0,
                },
            )
            .unwrap_err();
        assert!(
            matches!(err, Error::Encode(CodecError::StringTooLong { .. })),
            "{err:?}"
        );
        // None of it was terminal, and nothing was sent.
        assert!(!client.is_closed());
        client
            .send_one_way(
                NOTE,
                &Text {
                    text: "still fine".into(),
                    n: 0,
                },
            )
            .unwrap();
        let (msg, _) = server.recv().unwrap().decode::<Text>().unwrap();
        assert_eq!(msg.view().text(), "still fine");
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn scm_max_fd_fds_pass_and_one_more_is_refused() {
    let _s = serial();
    let before = open_fds();
    {
        let limits = Limits::new(64 * 1024, SCM_MAX_FD).unwrap();
        let (a, b) = Channel::pair().unwrap();
        let client = Client::new(a.with_limits(limits));
        let server = Server::new(b.with_limits(limits));
        client
            .send_one_way(
                NOTE,
                Fds {
                    tag: 253,
                    fds: some_fds(253),
                },
            )
            .unwrap();
        let (msg, _) = server.recv().unwrap().decode::<Fds>().unwrap();
        assert_eq!(msg.view().fds().len(), 253);
        assert_eq!(msg.handle_count(), 253);
        for r in msg.view().fds() {
            assert_cloexec(msg.handle(r).unwrap());
        }
        drop(msg);

        let err = client
            .send_one_way(
                NOTE,
                Fds {
                    tag: 254,
                    fds: some_fds(254),
                },
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::TooManyFds {
                    count: 254,
                    limit: 253
                }
            ),
            "{err:?}"
        );
        // The default limit is 64 fds per message.
        let (c, _d) = Channel::pair().unwrap();
        let err = Client::new(c)
            .send_one_way(
                NOTE,
                Fds {
                    tag: 65,
                    fds: some_fds(65),
                },
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::TooManyFds {
                    count: 65,
                    limit: 64
                }
            ),
            "{err:?}"
        );
        assert!(!client.is_closed());
    }
    assert_eq!(open_fds(), before, "every refused fd was closed");
}

#[test]
fn a_message_over_the_size_limit_is_refused_not_truncated() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, _) = Channel::pair().unwrap();
        let big = Text {
            text: "y".repeat(100),
            n: 0,
        };
        let client = Client::new(a.with_limits(Limits::new(64, 4).unwrap()));
        let err = client.send_one_way(NOTE, &big).unwrap_err();
        assert!(
            matches!(
                err,
                Error::MessageTooLarge {
                    size: 144,
                    limit: 64
                }
            ),
            "{err:?}"
        );
        assert!(!client.is_closed(), "refused before sending: not terminal");
        drop(client);
        let (a, b) = Channel::pair().unwrap();

        // A receiver whose limit is below what the peer sends: rejected whole, its fds
        // closed, and terminal.
        let server = Server::new(b.with_limits(Limits::new(64, 4).unwrap()));
        a.send(&encode(0, NOTE, &big).0, some_fds(2)).unwrap();
        let err = server.recv().unwrap_err();
        assert!(
            matches!(
                err,
                Error::MessageTooLarge {
                    size: 144,
                    limit: 64
                }
            ),
            "{err:?}"
        );
        assert!(server.is_closed());
        assert_eq!(open_fds(), before + 2, "only the two sockets are open");
    }
    assert_eq!(open_fds(), before);
}

/// A raw channel that plays the server: receives a request and answers it with
/// whatever `reply` makes of it.
fn raw_server(
    channel: Channel,
    reply: impl FnOnce(u32, u64) -> (BytesMut, Vec<OwnedFd>) + Send + 'static,
) -> thread::JoinHandle<Channel> {
    thread::spawn(move || {
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        channel.recv(&mut buf, &mut fds).unwrap();
        let (bytes, fds) = reply(txid_of(&buf), ordinal_of(&buf));
        channel.send(&bytes, fds).unwrap();
        channel
    })
}

/// After a terminal error: later calls fail, and the peer sees the end of the stream.
fn assert_closed(client: &Client, peer: &Channel) {
    assert!(client.is_closed());
    let err = client
        .call::<_, Text>(
            ECHO,
            &Text {
                text: String::new(),
                n: 0,
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Closed { .. }), "{err:?}");
    let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
    assert!(matches!(
        peer.recv(&mut buf, &mut fds),
        Err(Error::PeerClosed)
    ));
}

#[test]
fn a_reply_with_a_bad_magic_number_closes_the_connection_and_its_fds() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let client = Client::new(a);
        let peer = raw_server(b, |txid, ordinal| {
            let (mut bytes, fds) = encode(
                txid,
                ordinal,
                Fds {
                    tag: 1,
                    fds: some_fds(3),
                },
            );
            bytes[7] = 0x42;
            (bytes, fds)
        });
        let err = client
            .call::<_, Fds>(
                ECHO,
                &Text {
                    text: String::new(),
                    n: 0,
                },
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Malformed(CodecError::InvalidHeader(HeaderError::BadMagic {
                    found: 0x42
                }))
            ),
            "{err:?}"
        );
        assert_closed(&client, &peer.join().unwrap());
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn a_truncated_body_closes_the_connection_and_its_fds() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let client = Client::new(a);
        let peer = raw_server(b, |txid, ordinal| {
            let (mut bytes, fds) = encode(
                txid,
                ordinal,
                Fds {
                    tag: 1,
                    fds: some_fds(2),
                },
            );
            bytes.truncate(bytes.len() - 8);
            (bytes, fds)
        });
        let err = client
            .call::<_, Fds>(
                ECHO,
                &Text {
                    text: String::new(),
                    n: 0,
                },
            )
            .unwrap_err();
        assert!(
            matches!(err, Error::Malformed(CodecError::TooFewBytes { .. })),
            "{err:?}"
        );
        assert_closed(&client, &peer.join().unwrap());
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn garbage_shorter_than_a_header_closes_the_connection() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let server = Server::new(b);
        a.send(b"garbage", some_fds(2)).unwrap();
        let err = server.recv().unwrap_err();
        assert!(
            matches!(
                err,
                Error::Malformed(CodecError::InvalidHeader(HeaderError::TooShort { len: 7 }))
            ),
            "{err:?}"
        );
        assert!(matches!(server.recv(), Err(Error::Closed { .. })));
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        assert!(matches!(a.recv(&mut buf, &mut fds), Err(Error::PeerClosed)));
        assert!(matches!(
            a.send(b"more", Vec::new()),
            Err(Error::PeerClosed)
        ));
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn truncated_control_data_closes_the_connection_and_what_arrived() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let a = a.with_limits(Limits::new(1024, SCM_MAX_FD).unwrap());
        let server = Server::new(b.with_limits(Limits::new(1024, 4).unwrap()));
        let (bytes, _) = encode(
            0,
            NOTE,
            &Text {
                text: "ten fds".into(),
                n: 0,
            },
        );
        a.send(&bytes, some_fds(10)).unwrap();
        let err = server.recv().unwrap_err();
        assert!(
            matches!(err, Error::ControlTruncated { fds_closed: 4 }),
            "{err:?}"
        );
        assert!(server.is_closed());
        assert_eq!(open_fds(), before + 2, "only the two sockets are open");
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn a_value_type_that_arrives_with_fds_is_rejected_and_its_fds_closed() {
    let _s = serial();
    let before = open_fds();
    {
        // A struct of value type: its static bound is zero handles.
        let (a, b) = Channel::pair().unwrap();
        let server = Server::new(b);
        let (bytes, _) = encode(
            0,
            NOTE,
            &Text {
                text: "no fds here".into(),
                n: 0,
            },
        );
        a.send(&bytes, some_fds(2)).unwrap();
        let request = server.recv().unwrap();
        assert_eq!(request.incoming().fd_count(), 2);
        assert_eq!(open_fds(), before + 4);
        let err = request.decode::<Text>().unwrap_err();
        assert!(
            matches!(
                err,
                Error::Malformed(CodecError::MaxHandlesExceeded { count: 2, max: 0 })
            ),
            "{err:?}"
        );
        assert_eq!(open_fds(), before + 2, "the two fds were closed");
        assert!(matches!(server.recv(), Err(Error::Closed { .. })));

        // A table of value type: flexible, but its unknown members may not carry fds.
        let (a, b) = Channel::pair().unwrap();
        let server = Server::new(b);
        let (bytes, _) = encode(0, NOTE, &Settings { level: Some(3) });
        a.send(&bytes, some_fds(1)).unwrap();
        let err = server.recv().unwrap().decode::<Settings>().unwrap_err();
        assert!(
            matches!(
                err,
                Error::Malformed(CodecError::NonResourceUnknownHandles { count: 1, .. })
            ),
            "{err:?}"
        );
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn a_reply_with_another_ordinal_or_txid_is_terminal() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let client = Client::new(a);
        let peer = raw_server(b, |txid, ordinal| {
            encode(
                txid,
                ordinal + 1,
                Fds {
                    tag: 0,
                    fds: some_fds(1),
                },
            )
        });
        let err = client
            .call::<_, Fds>(
                ECHO,
                &Text {
                    text: String::new(),
                    n: 0,
                },
            )
            .unwrap_err();
        assert!(
            matches!(err, Error::UnexpectedOrdinal { expected: ECHO, found, .. } if found == ECHO + 1),
            "{err:?}"
        );
        assert_closed(&client, &peer.join().unwrap());

        let (a, b) = Channel::pair().unwrap();
        let client = Client::new(a);
        let peer = raw_server(b, |txid, ordinal| {
            encode(
                txid + 7,
                ordinal,
                Fds {
                    tag: 0,
                    fds: some_fds(1),
                },
            )
        });
        let err = client
            .call::<_, Fds>(
                ECHO,
                &Text {
                    text: String::new(),
                    n: 0,
                },
            )
            .unwrap_err();
        assert!(matches!(err, Error::UnexpectedTxid { .. }), "{err:?}");
        assert_closed(&client, &peer.join().unwrap());
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn a_server_refuses_a_txid_still_in_flight() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let server = Server::new(b);
        let text = Text {
            text: String::new(),
            n: 0,
        };
        a.send(&encode(5, ECHO, &text).0, Vec::new()).unwrap();
        a.send(&encode(5, ECHO, &text).0, some_fds(1)).unwrap();
        let first = server.recv().unwrap();
        let err = server.recv().unwrap_err();
        assert!(matches!(err, Error::DuplicateTxid { txid: 5 }), "{err:?}");
        drop(first);
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn a_dropped_responder_fails_the_call_instead_of_hanging_it() {
    let _s = serial();
    let before = open_fds();
    {
        let (client, server) = connection();
        let server = serve(server, 1, drop);
        let err = client
            .call::<_, Text>(
                ECHO,
                &Text {
                    text: String::new(),
                    n: 0,
                },
            )
            .unwrap_err();
        assert!(matches!(err, Error::PeerClosed), "{err:?}");
        let server = server.join().unwrap();
        let err = server.recv().unwrap_err();
        assert!(
            matches!(&err, Error::Closed { reason } if reason.contains("without a reply")),
            "{err:?}"
        );
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn a_peer_that_dies_mid_call_is_an_error_not_a_hang() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let client = Client::new(a);
        // The peer takes the request (and its fd), then goes away without a word.
        let peer = thread::spawn(move || {
            let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
            b.recv(&mut buf, &mut fds).unwrap();
            assert_eq!(fds.len(), 1);
        });
        let err = client
            .call::<_, Text>(
                ECHO,
                Fds {
                    tag: 0,
                    fds: some_fds(1),
                },
            )
            .unwrap_err();
        peer.join().unwrap();
        assert!(matches!(err, Error::PeerClosed), "{err:?}");
        let text = Text {
            text: String::new(),
            n: 0,
        };
        assert!(matches!(
            client.send_one_way(NOTE, &text),
            Err(Error::PeerClosed)
        ));
        assert!(matches!(client.recv_event(), Err(Error::PeerClosed)));
        assert!(matches!(
            client.call::<_, Text>(ECHO, &text),
            Err(Error::PeerClosed)
        ));
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn closing_wakes_every_waiter() {
    let _s = serial();
    let before = open_fds();
    {
        let (client, server) = connection();
        thread::scope(|s| {
            let waiters: Vec<_> = (0..3)
                .map(|n| {
                    let client = &client;
                    s.spawn(move || {
                        client.call::<_, Text>(
                            ECHO,
                            &Text {
                                text: String::new(),
                                n,
                            },
                        )
                    })
                })
                .collect();
            // All three requests are out before the client is closed.
            let requests: Vec<_> = (0..3).map(|_| server.recv().unwrap()).collect();
            client.close();
            for waiter in waiters {
                let err = waiter.join().unwrap().unwrap_err();
                assert!(matches!(err, Error::Closed { .. }), "{err:?}");
            }
            drop(requests);
        });
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn the_receive_buffer_is_reused() {
    let _s = serial();
    let (client, server) = connection();
    let text = Text {
        text: "same size".into(),
        n: 0,
    };
    let mut addresses = Vec::new();
    for _ in 0..3 {
        client.send_one_way(NOTE, &text).unwrap();
        let (msg, _) = server.recv().unwrap().decode::<Text>().unwrap();
        addresses.push(msg.view().text().as_ptr());
    }
    assert!(
        addresses.windows(2).all(|w| w[0] == w[1]),
        "each message lands where the last one was: {addresses:?}"
    );
}

#[test]
fn received_fds_are_close_on_exec_even_if_the_senders_were_not() {
    let _s = serial();
    let before = open_fds();
    {
        let (client, server) = connection();
        let (r, _w) = rustix::pipe::pipe().unwrap();
        // `dup` gives fds without FD_CLOEXEC.
        let fds: Vec<OwnedFd> = (0..3).map(|_| rustix::io::dup(&r).unwrap()).collect();
        for fd in &fds {
            assert!(rustix::io::fcntl_getfd(fd).unwrap().is_empty());
        }
        client.send_one_way(NOTE, Fds { tag: 9, fds }).unwrap();
        let (msg, _) = server.recv().unwrap().decode::<Fds>().unwrap();
        assert_eq!(msg.view().fds().len(), 3);
        for r in msg.view().fds() {
            assert_cloexec(msg.handle(r).unwrap());
        }
    }
    assert_eq!(open_fds(), before);
}
