//! The blocking channel over a socketpair and across a child process: every test counts
//! this process's open fds before and after, so none may leak.

#![cfg(any(target_os = "linux", target_os = "android"))]

use std::io::IoSlice;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::{Mutex, MutexGuard};

use bytes::BytesMut;
use handoff_transport::{Channel, Error, Limits, Listener, SCM_MAX_FD};
use rustix::event::{PollFd, PollFlags, Timespec};
use rustix::io::{Errno, FdFlags};
use rustix::net::{RecvFlags, SendAncillaryBuffer, SendAncillaryMessage, SendFlags};

/// Tests run on threads of one process and fd counts are per process: one at a time.
static FD_TABLE: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    FD_TABLE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Open fds of this process (the directory handle itself is one more, every time).
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// `n` fds to send: duplicates of a pipe's read end (which is closed again).
fn some_fds(n: usize) -> Vec<OwnedFd> {
    let (r, _w) = rustix::pipe::pipe().unwrap();
    (0..n)
        .map(|_| rustix::io::fcntl_dupfd_cloexec(&r, 0).unwrap())
        .collect()
}

fn limits(max_bytes: usize, max_fds: usize) -> Limits {
    Limits::new(max_bytes, max_fds).unwrap()
}

fn assert_cloexec(fds: &[OwnedFd]) {
    for fd in fds {
        assert!(
            rustix::io::fcntl_getfd(fd)
                .unwrap()
                .contains(FdFlags::CLOEXEC)
        );
    }
}

/// Nothing is queued on `channel`.
fn assert_nothing_queued(channel: &Channel) {
    let r = rustix::net::recv(
        channel,
        &mut [0u8; 1],
        RecvFlags::PEEK | RecvFlags::DONTWAIT,
    );
    assert_eq!(r.map(|(n, _)| n), Err(Errno::AGAIN));
}

#[test]
fn clean_message_with_fds() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let (pipe_r, pipe_w) = rustix::pipe::pipe().unwrap();
        let memfd = rustix::fs::memfd_create("t", rustix::fs::MemfdFlags::CLOEXEC).unwrap();
        rustix::io::write(&memfd, b"memfd contents").unwrap();
        a.send(b"hello", vec![pipe_r, memfd]).unwrap();

        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        b.recv(&mut buf, &mut fds).unwrap();
        assert_eq!(&buf[..], b"hello");
        assert_eq!(fds.len(), 2);
        assert_cloexec(&fds);
        // In order: the pipe's read end, then the memfd.
        rustix::io::write(&pipe_w, b"through").unwrap();
        let mut got = [0u8; 7];
        rustix::io::read(&fds[0], &mut got).unwrap();
        assert_eq!(&got, b"through");
        let mut got = [0u8; 14];
        rustix::io::pread(&fds[1], &mut got, 0).unwrap();
        assert_eq!(&got, b"memfd contents");

        // The buffers are reused: the next message replaces both.
        a.send(b"second, no fds", Vec::new()).unwrap();
        b.recv(&mut buf, &mut fds).unwrap();
        assert_eq!(&buf[..], b"second, no fds");
        assert!(fds.is_empty());
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn vectored_send_is_one_message() {
    let _s = serial();
    let (a, b) = Channel::pair().unwrap();
    let header = [1u8; 16];
    a.send_vectored(&[IoSlice::new(&header), IoSlice::new(b"body")], some_fds(1))
        .unwrap();
    let fd = some_fds(1).pop().unwrap();
    a.send_borrowed(&[IoSlice::new(b"borrowed")], &[fd.as_fd()])
        .unwrap();
    let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
    b.recv(&mut buf, &mut fds).unwrap();
    assert_eq!(buf.len(), 20);
    assert_eq!(&buf[16..], b"body");
    assert_eq!(fds.len(), 1);
    b.recv(&mut buf, &mut fds).unwrap();
    assert_eq!(&buf[..], b"borrowed");
    assert_eq!(fds.len(), 1);
    // The caller kept its own fd.
    assert!(rustix::io::fcntl_getfd(&fd).is_ok());
}

#[test]
fn scm_max_fd_fds_in_one_message() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let (a, b) = (
            a.with_limits(limits(64, SCM_MAX_FD)),
            b.with_limits(limits(64, SCM_MAX_FD)),
        );
        a.send(b"253", some_fds(253)).unwrap();
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        b.recv(&mut buf, &mut fds).unwrap();
        assert_eq!(fds.len(), 253);
        assert_cloexec(&fds);
        assert_eq!(open_fds(), before + 253 + 2);
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn more_than_scm_max_fd_is_refused_before_sending() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let a = a.with_limits(limits(64, SCM_MAX_FD));
        let err = a.send(b"254", some_fds(254)).unwrap_err();
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
        assert_nothing_queued(&b);
        // And the channel's own, lower limit (64 by default).
        let (c, _d) = Channel::pair().unwrap();
        let err = c.send(b"65", some_fds(65)).unwrap_err();
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
    }
    assert_eq!(open_fds(), before, "the refused fds were closed");
}

#[test]
fn truncated_control_data_closes_what_arrived() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let a = a.with_limits(limits(64, SCM_MAX_FD));
        let b = b.with_limits(limits(64, 4));
        a.send(b"ten fds", some_fds(10)).unwrap();
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        let err = b.recv(&mut buf, &mut fds).unwrap_err();
        assert!(
            matches!(err, Error::ControlTruncated { fds_closed: 4 }),
            "{err:?}"
        );
        assert!(buf.is_empty() && fds.is_empty());
        assert_eq!(open_fds(), before + 2, "only the two sockets are left");

        // The channel goes on.
        a.send(b"next", some_fds(4)).unwrap();
        b.recv(&mut buf, &mut fds).unwrap();
        assert_eq!((&buf[..], fds.len()), (&b"next"[..], 4));
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn fds_beyond_the_limit_in_the_alignment_slack_are_rejected() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let a = a.with_limits(limits(64, SCM_MAX_FD));
        // Room for 3 fds is, once aligned, room for 4: the kernel delivers 4 without
        // MSG_CTRUNC, and the count check rejects them.
        let b = b.with_limits(limits(64, 3));
        a.send(b"four", some_fds(4)).unwrap();
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        let err = b.recv(&mut buf, &mut fds).unwrap_err();
        assert!(
            matches!(err, Error::TooManyFdsReceived { count: 4, limit: 3 }),
            "{err:?}"
        );
        assert!(fds.is_empty());
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn oversized_payload_is_rejected_not_truncated() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let b = b.with_limits(limits(100, 64));
        a.send(&[7u8; 101], some_fds(2)).unwrap();
        a.send(&[8u8; 100], some_fds(1)).unwrap();
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        let err = b.recv(&mut buf, &mut fds).unwrap_err();
        assert!(
            matches!(
                err,
                Error::MessageTooLarge {
                    size: 101,
                    limit: 100
                }
            ),
            "{err:?}"
        );
        assert!(buf.is_empty() && fds.is_empty());
        // The two sockets; the next message's fd is still in flight, in no fd table.
        assert_eq!(
            open_fds(),
            before + 2,
            "the rejected message's fds were closed"
        );
        // Exactly the limit is fine, and the next message is intact.
        b.recv(&mut buf, &mut fds).unwrap();
        assert_eq!(&buf[..], &[8u8; 100][..]);
        assert_eq!(fds.len(), 1);
        assert!(
            buf.capacity() < 4096,
            "the buffer is sized to the message, not the limit"
        );

        // The sender checks its own limit before any system call.
        let a = a.with_limits(limits(10, 64));
        let err = a.send(&[0u8; 11], some_fds(1)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::MessageTooLarge {
                    size: 11,
                    limit: 10
                }
            ),
            "{err:?}"
        );
        assert_nothing_queued(&b);
    }
    assert_eq!(open_fds(), before);
}

/// Sends a raw packet on `channel`'s socket, bypassing the channel's checks.
fn send_raw(channel: &Channel, bytes: &[u8], fds: &[OwnedFd]) {
    let borrowed: Vec<_> = fds.iter().map(AsFd::as_fd).collect();
    let mut space = [std::mem::MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(8))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !borrowed.is_empty() {
        assert!(control.push(SendAncillaryMessage::ScmRights(&borrowed)));
    }
    rustix::net::sendmsg(
        channel,
        &[IoSlice::new(bytes)],
        &mut control,
        SendFlags::empty(),
    )
    .unwrap();
}

#[test]
fn empty_messages() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        assert!(matches!(a.send(b"", some_fds(1)), Err(Error::EmptyMessage)));
        assert_nothing_queued(&b);

        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        send_raw(&a, b"", &some_fds(3));
        assert!(matches!(
            b.recv(&mut buf, &mut fds),
            Err(Error::EmptyMessage)
        ));
        assert!(fds.is_empty());

        // An empty packet with no fds is read as the end of the stream.
        send_raw(&a, b"", &[]);
        assert!(matches!(b.recv(&mut buf, &mut fds), Err(Error::PeerClosed)));
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn credentials_are_an_unexpected_control_message() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        rustix::net::sockopt::set_socket_passcred(&b, true).unwrap();
        a.send(b"with creds", some_fds(2)).unwrap();
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        let err = b.recv(&mut buf, &mut fds).unwrap_err();
        // SOL_SOCKET, SCM_CREDENTIALS.
        assert!(
            matches!(err, Error::UnexpectedControlMessage { level: 1, kind: 2 }),
            "{err:?}"
        );
        assert!(fds.is_empty());
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn peer_closing_is_an_error_not_a_hang() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let sender = std::thread::spawn(move || {
            a.send(b"last words", some_fds(1)).unwrap();
            // `a` is dropped here: the peer goes away mid-conversation.
        });
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        b.recv(&mut buf, &mut fds).unwrap();
        assert_eq!(&buf[..], b"last words");
        sender.join().unwrap();
        assert!(matches!(b.recv(&mut buf, &mut fds), Err(Error::PeerClosed)));
        assert!(
            matches!(b.recv(&mut buf, &mut fds), Err(Error::PeerClosed)),
            "and stays so"
        );
        // Writing to a closed peer: an error, not SIGPIPE.
        assert!(matches!(
            b.send(b"anyone?", some_fds(1)),
            Err(Error::PeerClosed)
        ));
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn a_blocked_receiver_wakes_when_the_peer_dies() {
    let _s = serial();
    let (a, b) = Channel::pair().unwrap();
    let receiver = std::thread::spawn(move || {
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        b.recv(&mut buf, &mut fds)
    });
    std::thread::sleep(std::time::Duration::from_millis(50));
    drop(a);
    assert!(matches!(receiver.join().unwrap(), Err(Error::PeerClosed)));
}

#[test]
fn many_messages_between_threads_keep_their_fds() {
    let _s = serial();
    let before = open_fds();
    {
        let (a, b) = Channel::pair().unwrap();
        let sender = std::thread::spawn(move || {
            for i in 0u32..2000 {
                let n = (i % 5) as usize;
                let memfds: Vec<OwnedFd> = (0..n)
                    .map(|k| {
                        let fd =
                            rustix::fs::memfd_create("m", rustix::fs::MemfdFlags::CLOEXEC).unwrap();
                        rustix::io::write(&fd, &(i * 10 + k as u32).to_le_bytes()).unwrap();
                        fd
                    })
                    .collect();
                a.send(&i.to_le_bytes().repeat(1 + (i as usize % 300)), memfds)
                    .unwrap();
            }
        });
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        for i in 0u32..2000 {
            b.recv(&mut buf, &mut fds).unwrap();
            assert_eq!(buf.len(), 4 * (1 + (i as usize % 300)));
            assert_eq!(&buf[..4], &i.to_le_bytes());
            assert_eq!(fds.len(), (i % 5) as usize);
            for (k, fd) in fds.iter().enumerate() {
                let mut v = [0u8; 4];
                rustix::io::pread(fd, &mut v, 0).unwrap();
                assert_eq!(u32::from_le_bytes(v), i * 10 + k as u32);
            }
        }
        sender.join().unwrap();
        fds.clear();
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn only_seqpacket_sockets_make_channels() {
    let _s = serial();
    use rustix::net::{AddressFamily, SocketFlags, SocketType};
    let (s, _t) = rustix::net::socketpair(
        AddressFamily::UNIX,
        SocketType::STREAM,
        SocketFlags::CLOEXEC,
        None,
    )
    .unwrap();
    assert!(matches!(Channel::from_fd(s), Err(Error::NotSeqpacket)));
    let (r, _w) = rustix::pipe::pipe().unwrap();
    assert!(matches!(Channel::try_from(r), Err(Error::NotSeqpacket)));
    let (c, _d) = Channel::pair().unwrap();
    let c = Channel::from_fd(c.into_fd()).unwrap();
    assert_eq!(c.limits(), Limits::DEFAULT);
    assert!(matches!(Limits::new(0, 1), Err(Error::InvalidLimits(_))));
    assert!(matches!(Limits::new(1, 254), Err(Error::InvalidLimits(_))));
}

const CHILD_SOCKET: &str = "HANDOFF_TRANSPORT_TEST_SOCKET";

/// A unique socket path, removed on drop.
struct SocketPath(std::path::PathBuf);

impl Drop for SocketPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn across_a_child_process() {
    let _s = serial();
    let before = open_fds();
    {
        let path = SocketPath(
            std::env::temp_dir().join(format!("handoff-transport-{}.sock", std::process::id())),
        );
        let _ = std::fs::remove_file(&path.0);
        let listener = Listener::bind(&path.0).unwrap();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "child_process_peer",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_SOCKET, &path.0)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the child to connect, but not forever: if it dies first, fail.
        let mut waited = 0;
        loop {
            let mut pfd = [PollFd::new(&listener, PollFlags::IN)];
            let timeout = Timespec {
                tv_sec: 0,
                tv_nsec: 100_000_000,
            };
            if rustix::event::poll(&mut pfd, Some(&timeout)).unwrap() == 1 {
                break;
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the child exited before connecting: {status}");
            }
            waited += 1;
            assert!(waited < 300, "the child did not connect within 30 s");
        }
        let channel = listener.accept().unwrap();

        // To the child: a memfd with a question in it.
        let memfd = rustix::fs::memfd_create("q", rustix::fs::MemfdFlags::CLOEXEC).unwrap();
        rustix::io::write(&memfd, b"6*7").unwrap();
        channel.send(b"ping", vec![memfd]).unwrap();

        // From the child: its answer, and a pipe's read end with more on it.
        let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
        channel.recv(&mut buf, &mut fds).unwrap();
        assert_eq!(&buf[..], b"pong 6*7=42");
        assert_eq!(fds.len(), 1);
        assert_cloexec(&fds);
        let mut got = [0u8; 10];
        let mut n = 0;
        while n < got.len() {
            let k = rustix::io::read(&fds[0], &mut got[n..]).unwrap();
            assert_ne!(k, 0, "pipe closed early");
            n += k;
        }
        assert_eq!(&got, b"from child");
        fds.clear();

        // The child now waits for more; it dies instead of getting it.
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(matches!(
            channel.recv(&mut buf, &mut fds),
            Err(Error::PeerClosed)
        ));
    }
    assert_eq!(open_fds(), before);
}

/// The child's side of `across_a_child_process`: run only there, in a child process
/// started from this test binary.
#[test]
#[ignore = "run by across_a_child_process in a child process"]
fn child_process_peer() {
    let Some(path) = std::env::var_os(CHILD_SOCKET) else {
        return;
    };
    let channel = Channel::connect(path).unwrap();
    let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
    channel.recv(&mut buf, &mut fds).unwrap();
    assert_eq!(&buf[..], b"ping");
    let mut question = [0u8; 3];
    rustix::io::pread(&fds[0], &mut question, 0).unwrap();
    let (r, w) = rustix::pipe::pipe().unwrap();
    let mut answer = b"pong ".to_vec();
    answer.extend_from_slice(&question);
    answer.extend_from_slice(b"=42");
    channel.send(&answer, vec![r]).unwrap();
    rustix::io::write(&w, b"from child").unwrap();
    drop(w);
    // Wait for a message that never comes: the parent kills this process.
    let _ = channel.recv(&mut buf, &mut fds);
}
