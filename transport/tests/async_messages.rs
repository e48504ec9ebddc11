//! The async message layer (AsyncClient, AsyncServer) on tokio: the same rules as the
//! blocking one. Every test counts this process's open fds before and after.

#![cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]

mod common;

use std::time::Duration;

use bytes::BytesMut;
use common::*;
use handoff::handle::{Handle, ObjectType, Rights};
use handoff::{Error as CodecError, wire::HeaderError};
use handoff_transport::{AsyncChannel, AsyncClient, AsyncServer, Channel, Client, Error, Server};
use rustix::io::Errno;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .unwrap()
}

/// A safety net: a test that would hang fails instead.
async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("timed out")
}

fn connection() -> (AsyncClient, AsyncServer) {
    let (a, b) = AsyncChannel::pair().unwrap();
    (AsyncClient::new(a), AsyncServer::new(b))
}

#[test]
fn a_call_moves_real_fds_between_tasks() {
    let _s = serial();
    let before = open_fds();
    runtime().block_on(within(async {
        let (client, server) = connection();
        // Spawned: the server's futures are Send.
        let server = tokio::spawn(async move {
            let request = server.recv().await.unwrap();
            assert_eq!(request.ordinal(), STORE);
            let (msg, responder) = request.decode::<Store>().unwrap();
            let view = msg.view();
            let file = msg.handle(view.file()).unwrap();
            assert_cloexec(file);
            assert_eq!(file.rights(), Rights(BASIC_WRITE));
            assert_eq!(rustix::io::read(file, &mut [0u8; 1]), Err(Errno::BADF));
            rustix::io::write(file, b"async").unwrap();
            let blob = msg.handle(view.blob()).unwrap();
            assert_eq!(blob.object_type(), ObjectType::VMO);
            assert_eq!(rustix::io::write(blob, b"x"), Err(Errno::PERM));
            rustix::io::write(msg.handle(view.pipe()).unwrap(), b"piped").unwrap();
            responder
                .unwrap()
                .reply(&Text {
                    text: view.label().to_uppercase(),
                    n: 1,
                })
                .await
                .unwrap();
            server
        });
        let file = tmpfile();
        let mine = rustix::io::dup(&file).unwrap();
        let (pipe_r, pipe_w) = rustix::pipe::pipe().unwrap();
        // Spawned too: the client's futures are Send.
        let call = tokio::spawn(async move {
            let reply = client
                .call::<_, Text>(
                    STORE,
                    Store {
                        label: "tokio".into(),
                        file,
                        pipe: pipe_w,
                        blob: memfd(b"sealed"),
                    },
                )
                .await
                .unwrap();
            assert_eq!(reply.view().text(), "TOKIO");
            client
        });
        let client = call.await.unwrap();
        let server = server.await.unwrap();
        assert_eq!(read_to_end(&pipe_r), b"piped");
        let mut got = [0u8; 5];
        rustix::io::pread(&mine, &mut got, 0).unwrap();
        assert_eq!(&got, b"async");
        drop((client, server));
    }));
    assert_eq!(open_fds(), before);
}

#[test]
fn concurrent_calls_in_one_task_get_their_own_replies() {
    let _s = serial();
    let before = open_fds();
    runtime().block_on(within(async {
        let (client, server) = connection();
        let server = tokio::spawn(async move {
            // Three requests in, answered last first.
            let mut held = Vec::new();
            for _ in 0..3 {
                let (msg, responder) = server.recv().await.unwrap().decode::<Text>().unwrap();
                held.push((msg.view().n(), responder.unwrap()));
            }
            for (n, responder) in held.into_iter().rev() {
                responder
                    .reply(Fds {
                        tag: n * 10,
                        fds: vec![memfd(&n.to_le_bytes())],
                    })
                    .await
                    .unwrap();
            }
            server
        });
        let call = |n: u32| {
            let client = &client;
            async move {
                let reply = client
                    .call::<_, Fds>(
                        ECHO,
                        &Text {
                            text: String::new(),
                            n,
                        },
                    )
                    .await
                    .unwrap();
                let view = reply.view();
                let fd = reply.handle(view.fds().get(0).unwrap()).unwrap();
                assert_cloexec(fd);
                let mut got = [0u8; 4];
                rustix::io::pread(fd, &mut got, 0).unwrap();
                (view.tag(), u32::from_le_bytes(got))
            }
        };
        let (a, b, c) = tokio::join!(call(1), call(2), call(3));
        assert_eq!((a, b, c), ((10, 1), (20, 2), (30, 3)));
        drop(server.await.unwrap());
    }));
    assert_eq!(open_fds(), before);
}

#[test]
fn an_abandoned_call_drops_its_reply_and_the_connection_goes_on() {
    let _s = serial();
    let before = open_fds();
    runtime().block_on(within(async {
        let (client, server) = connection();
        let text = Text {
            text: String::new(),
            n: 0,
        };
        {
            // Sent, then given up on before the reply.
            let pending = client.start_call(ECHO, &text).await.unwrap();
            let txid = pending.txid();
            drop(pending);
            let (_, responder) = server.recv().await.unwrap().decode::<Text>().unwrap();
            let responder = responder.unwrap();
            assert_eq!(responder.txid(), txid);
            responder
                .reply(Fds {
                    tag: 0,
                    fds: some_fds(2),
                })
                .await
                .unwrap();
        }
        // A call future dropped while it waits: the same.
        let waiting = client.call::<_, Fds>(ECHO, &text);
        let timed_out = tokio::time::timeout(Duration::from_millis(20), waiting).await;
        assert!(timed_out.is_err());
        let (_, responder) = server.recv().await.unwrap().decode::<Text>().unwrap();
        responder
            .unwrap()
            .reply(Fds {
                tag: 0,
                fds: some_fds(3),
            })
            .await
            .unwrap();
        // The next call reads past both orphaned replies (dropping them and their
        // fds) to its own.
        let next = async {
            let (_, responder) = server.recv().await.unwrap().decode::<Text>().unwrap();
            responder
                .unwrap()
                .reply(Fds {
                    tag: 7,
                    fds: Vec::new(),
                })
                .await
                .unwrap();
        };
        let (reply, ()) = tokio::join!(client.call::<_, Fds>(ECHO, &text), next);
        assert_eq!(reply.unwrap().view().tag(), 7);
        assert!(!client.is_closed());
    }));
    assert_eq!(open_fds(), before);
}

#[test]
fn a_malformed_reply_closes_the_connection_and_its_fds() {
    let _s = serial();
    let before = open_fds();
    runtime().block_on(within(async {
        let (a, b) = AsyncChannel::pair().unwrap();
        let client = AsyncClient::new(a);
        let peer = async {
            let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
            b.recv(&mut buf, &mut fds).await.unwrap();
            let (mut bytes, fds) = encode(
                txid_of(&buf),
                ordinal_of(&buf),
                Fds {
                    tag: 1,
                    fds: some_fds(4),
                },
            );
            bytes[7] = 0;
            b.send(&bytes, fds).await.unwrap();
        };
        let text = Text {
            text: String::new(),
            n: 0,
        };
        let (reply, ()) = tokio::join!(client.call::<_, Fds>(ECHO, &text), peer);
        let err = reply.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Malformed(CodecError::InvalidHeader(HeaderError::BadMagic {
                    found: 0
                }))
            ),
            "{err:?}"
        );
        assert!(client.is_closed());
        assert!(matches!(
            client.send_one_way(NOTE, &text).await,
            Err(Error::Closed { .. })
        ));
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        assert!(matches!(
            b.recv(&mut buf, &mut fds).await,
            Err(Error::PeerClosed)
        ));
    }));
    assert_eq!(open_fds(), before);
}

#[test]
fn a_peer_that_dies_mid_call_is_an_error_not_a_hang() {
    let _s = serial();
    let before = open_fds();
    runtime().block_on(within(async {
        let (a, b) = AsyncChannel::pair().unwrap();
        let client = AsyncClient::new(a);
        let peer = async move {
            let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
            b.recv(&mut buf, &mut fds).await.unwrap();
            // Gone, with the request and its fd.
        };
        let call = client.call::<_, Text>(
            ECHO,
            Fds {
                tag: 0,
                fds: some_fds(1),
            },
        );
        let (reply, ()) = tokio::join!(call, peer);
        assert!(matches!(reply, Err(Error::PeerClosed)), "{reply:?}");
        assert!(matches!(client.recv_event().await, Err(Error::PeerClosed)));
    }));
    assert_eq!(open_fds(), before);
}

#[test]
fn events_reach_the_async_client_and_value_types_refuse_fds() {
    let _s = serial();
    let before = open_fds();
    runtime().block_on(within(async {
        let (client, server) = connection();
        server
            .send_event(
                PIPE_READ_END,
                PipeReadEnd {
                    end: some_fds(1).pop().unwrap(),
                },
            )
            .await
            .unwrap();
        let event = client.recv_event().await.unwrap();
        assert_eq!(event.ordinal(), PIPE_READ_END);
        let event = event.decode::<PipeReadEnd>().unwrap();
        assert_cloexec(event.handle(event.view().end()).unwrap());
        drop(event);

        // An event that claims to be a value type but carries an fd.
        server
            .send_event(
                NOTE,
                Fds {
                    tag: 0,
                    fds: some_fds(1),
                },
            )
            .await
            .unwrap();
        let err = client
            .recv_event()
            .await
            .unwrap()
            .decode::<Text>()
            .unwrap_err();
        assert!(matches!(err, Error::Malformed(_)), "{err:?}");
        assert!(client.is_closed());
        assert!(matches!(server.recv().await, Err(Error::PeerClosed)));
    }));
    assert_eq!(open_fds(), before);
}

#[test]
fn blocking_and_async_ends_talk() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let server = std::thread::spawn(move || {
            let server = Server::new(b);
            let (msg, responder) = server.recv().unwrap().decode::<Text>().unwrap();
            responder
                .unwrap()
                .reply(&Text {
                    text: format!("{}!", msg.view().text()),
                    n: msg.view().n() + 1,
                })
                .unwrap();
        });
        runtime().block_on(within(async {
            let client = AsyncClient::new(AsyncChannel::new(a).unwrap());
            let reply = client
                .call::<_, Text>(
                    ECHO,
                    &Text {
                        text: "hi".into(),
                        n: 1,
                    },
                )
                .await
                .unwrap();
            assert_eq!((reply.view().text(), reply.view().n()), ("hi!", 2));
        }));
        server.join().unwrap();

        // And the other way round.
        let (a, b) = Channel::pair().unwrap();
        let client = std::thread::spawn(move || {
            Client::new(a)
                .call::<_, Text>(
                    ECHO,
                    &Text {
                        text: "ho".into(),
                        n: 5,
                    },
                )
                .unwrap()
                .view()
                .n()
        });
        runtime().block_on(within(async {
            let server = AsyncServer::new(AsyncChannel::new(b).unwrap());
            let (msg, responder) = server.recv().await.unwrap().decode::<Text>().unwrap();
            let n = msg.view().n();
            responder
                .unwrap()
                .reply(&Text {
                    text: String::new(),
                    n: n * 2,
                })
                .await
                .unwrap();
        }));
        assert_eq!(client.join().unwrap(), 10);
    }
    assert_eq!(open_fds(), before);
}
