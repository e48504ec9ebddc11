//! The async channel on tokio: the same rules as the blocking one, waiting on the
//! reactor, with `EAGAIN` handled on both sides.

#![cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]

use std::os::fd::OwnedFd;
use std::sync::{Mutex, MutexGuard};

use bytes::BytesMut;
use handoff_transport::{AsyncChannel, Channel, Error, Limits};
use rustix::io::FdFlags;

static FD_TABLE: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    FD_TABLE.lock().unwrap_or_else(|e| e.into_inner())
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn memfd_with(value: u32) -> OwnedFd {
    let fd = rustix::fs::memfd_create("m", rustix::fs::MemfdFlags::CLOEXEC).unwrap();
    rustix::io::write(&fd, &value.to_le_bytes()).unwrap();
    fd
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap()
}

#[test]
fn outside_a_runtime_is_an_error_not_a_panic() {
    let _s = serial();
    assert!(matches!(AsyncChannel::pair(), Err(Error::Io(_))));
}

#[test]
fn messages_fill_the_socket_and_drain() {
    let _s = serial();
    let before = open_fds();
    runtime().block_on(async {
        let (a, b) = AsyncChannel::pair().unwrap();
        // 8 KiB messages: the socket's buffer fills long before 500 are sent, so the
        // sender meets EAGAIN and waits for the receiver.
        let limits = Limits::new(8192, 64).unwrap();
        let (a, b) = (a.with_limits(limits), b.with_limits(limits));
        let send = async {
            for i in 0u32..500 {
                let fds = (0..(i % 3)).map(|k| memfd_with(i + k)).collect();
                a.send(&i.to_le_bytes().repeat(2048), fds).await.unwrap();
            }
            drop(a);
        };
        let recv = async {
            let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
            for i in 0u32..500 {
                b.recv(&mut buf, &mut fds).await.unwrap();
                assert_eq!(buf.len(), 8192);
                assert_eq!(&buf[8188..], &i.to_le_bytes());
                assert_eq!(fds.len(), (i % 3) as usize);
                for (k, fd) in fds.iter().enumerate() {
                    assert!(
                        rustix::io::fcntl_getfd(fd)
                            .unwrap()
                            .contains(FdFlags::CLOEXEC)
                    );
                    let mut v = [0u8; 4];
                    rustix::io::pread(fd, &mut v, 0).unwrap();
                    assert_eq!(u32::from_le_bytes(v), i + k as u32);
                }
            }
            // The sender is gone after its last message.
            assert!(matches!(
                b.recv(&mut buf, &mut fds).await,
                Err(Error::PeerClosed)
            ));
        };
        tokio::join!(send, recv);
    });
    assert_eq!(open_fds(), before);
}

#[test]
fn rejections_close_fds_and_keep_the_channel() {
    let _s = serial();
    let before = open_fds();
    runtime().block_on(async {
        // The runtime has fds of its own (epoll, a waker).
        let with_runtime = open_fds();
        let (a, b) = AsyncChannel::pair().unwrap();
        let b = b.with_limits(Limits::new(16, 2).unwrap());
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());

        a.send(&[0u8; 17], vec![memfd_with(1)]).await.unwrap();
        let err = b.recv(&mut buf, &mut fds).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::MessageTooLarge {
                    size: 17,
                    limit: 16
                }
            ),
            "{err:?}"
        );

        a.send(b"x", (0..5).map(memfd_with).collect())
            .await
            .unwrap();
        let err = b.recv(&mut buf, &mut fds).await.unwrap_err();
        assert!(
            matches!(err, Error::ControlTruncated { fds_closed: 2 }),
            "{err:?}"
        );
        assert_eq!(open_fds(), with_runtime + 2);

        a.send(b"fine", vec![memfd_with(9)]).await.unwrap();
        b.recv(&mut buf, &mut fds).await.unwrap();
        assert_eq!((&buf[..], fds.len()), (&b"fine"[..], 1));
        fds.clear();

        let err = a.send(b"", Vec::new()).await.unwrap_err();
        assert!(matches!(err, Error::EmptyMessage));
        drop(b);
        assert!(matches!(
            a.send(b"gone", vec![memfd_with(0)]).await,
            Err(Error::PeerClosed)
        ));
    });
    assert_eq!(open_fds(), before);
}

#[test]
fn blocking_and_async_ends_talk() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let peer = std::thread::spawn(move || {
            let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
            b.recv(&mut buf, &mut fds).unwrap();
            let echo = std::mem::take(&mut fds);
            b.send(&buf, echo).unwrap();
            // Then dies while the async end waits.
        });
        runtime().block_on(async {
            let a = AsyncChannel::new(a.with_limits(Limits::new(100, 4).unwrap())).unwrap();
            assert_eq!(a.limits(), Limits::new(100, 4).unwrap());
            a.send(b"echo me", vec![memfd_with(5)]).await.unwrap();
            let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
            a.recv(&mut buf, &mut fds).await.unwrap();
            assert_eq!((&buf[..], fds.len()), (&b"echo me"[..], 1));
            assert!(matches!(
                a.recv(&mut buf, &mut fds).await,
                Err(Error::PeerClosed)
            ));
            let back = a.into_channel().unwrap();
            assert_eq!(back.limits(), Limits::new(100, 4).unwrap());
        });
        peer.join().unwrap();
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn a_dropped_recv_future_takes_no_message() {
    let _s = serial();
    runtime().block_on(async {
        let (a, b) = AsyncChannel::pair().unwrap();
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        // Polled once with nothing queued, then dropped.
        tokio::select! {
            biased;
            _ = b.recv(&mut buf, &mut fds) => panic!("nothing was sent"),
            _ = std::future::ready(()) => {}
        }
        a.send(b"kept", Vec::new()).await.unwrap();
        b.recv(&mut buf, &mut fds).await.unwrap();
        assert_eq!(&buf[..], b"kept");
    });
}
