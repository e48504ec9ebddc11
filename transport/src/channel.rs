//! The blocking channel, and a listener for channels on a socket path.

use std::io::IoSlice;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use bytes::BytesMut;
use rustix::net::{AddressFamily, SocketAddrUnix, SocketFlags, SocketType};

use crate::endpoint::sealed::Sealed;
use crate::endpoint::{Blocking, RawChannel, Transport};
use crate::limits::Limits;
use crate::packet::{self, Mode};
use crate::{Error, Result};

/// One end of a connected Unix-domain `SOCK_SEQPACKET` socket, moving messages (bytes
/// plus fds) one packet each. Calls wait in the kernel; see
/// [`AsyncChannel`](crate::AsyncChannel) for the async one.
///
/// Sending and receiving take `&self`, so one thread can send while another receives.
/// Two threads receiving on one socket at once never lose fds or truncate silently,
/// but one of them can get [`Error::PayloadTruncated`] for a message the other one sized;
/// give each socket one reader.
#[derive(Debug)]
pub struct Channel {
    fd: OwnedFd,
    limits: Limits,
}

/// Builds a socket of ours: `AF_UNIX`, `SOCK_SEQPACKET`, close-on-exec.
pub(crate) fn seqpacket_socket(flags: SocketFlags) -> Result<OwnedFd> {
    Ok(rustix::net::socket_with(
        AddressFamily::UNIX,
        SocketType::SEQPACKET,
        flags,
        None,
    )?)
}

/// Checks that `fd` is a Unix-domain `SOCK_SEQPACKET` socket.
pub(crate) fn check_seqpacket(fd: BorrowedFd<'_>) -> Result<()> {
    let kind = rustix::net::sockopt::socket_type(fd).map_err(|e| {
        if e == rustix::io::Errno::NOTSOCK {
            Error::NotSeqpacket
        } else {
            Error::from(e)
        }
    })?;
    let domain = rustix::net::sockopt::socket_domain(fd)?;
    if kind != SocketType::SEQPACKET || domain != AddressFamily::UNIX {
        return Err(Error::NotSeqpacket);
    }
    Ok(())
}

impl Channel {
    /// Two connected channels (`socketpair` with `SOCK_CLOEXEC`), with the default
    /// [`Limits`].
    pub fn pair() -> Result<(Self, Self)> {
        let (a, b) = rustix::net::socketpair(
            AddressFamily::UNIX,
            SocketType::SEQPACKET,
            SocketFlags::CLOEXEC,
            None,
        )?;
        Ok((
            Self {
                fd: a,
                limits: Limits::DEFAULT,
            },
            Self {
                fd: b,
                limits: Limits::DEFAULT,
            },
        ))
    }

    /// A channel over a connected Unix-domain `SOCK_SEQPACKET` socket (for instance one
    /// inherited from a parent process). Puts the socket in blocking mode; any other
    /// kind of fd is [`Error::NotSeqpacket`] (and is closed).
    ///
    /// The socket must not have been set up to receive credentials or pidfds
    /// (`SO_PASSCRED`, `SO_PASSPIDFD`): every message would then be rejected with
    /// [`Error::UnexpectedControlMessage`].
    pub fn from_fd(fd: OwnedFd) -> Result<Self> {
        check_seqpacket(fd.as_fd())?;
        rustix::io::ioctl_fionbio(&fd, false)?;
        Ok(Self {
            fd,
            limits: Limits::DEFAULT,
        })
    }

    /// Connects to a [`Listener`] bound at `path`.
    pub fn connect(path: impl AsRef<Path>) -> Result<Self> {
        let addr = SocketAddrUnix::new(path.as_ref())?;
        let fd = seqpacket_socket(SocketFlags::CLOEXEC)?;
        rustix::net::connect(&fd, &addr)?;
        Ok(Self {
            fd,
            limits: Limits::DEFAULT,
        })
    }

    /// The limits in force for this end.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Sets the limits for this end (each end has its own).
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// This channel with `limits`.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sends `bytes` and `fds` as one message. The fds are moved in and closed on
    /// return, whether the message was sent or not (the receiver gets its own
    /// copies), as `zx_channel_write` consumes its handles.
    ///
    /// Errors: [`Error::EmptyMessage`], [`Error::MessageTooLarge`] and
    /// [`Error::TooManyFds`] before any system call; [`Error::PeerClosed`] when the
    /// peer is gone; [`Error::Io`] otherwise (`EMSGSIZE` for a message larger than the
    /// socket's send buffer, `ENOBUFS`, ...).
    pub fn send(&self, bytes: &[u8], fds: Vec<OwnedFd>) -> Result<()> {
        self.send_vectored(&[IoSlice::new(bytes)], fds)
    }

    /// Sends the concatenation of `parts` (a header and a body, say) and `fds` as one
    /// message, as [`Channel::send`] does.
    pub fn send_vectored(&self, parts: &[IoSlice<'_>], fds: Vec<OwnedFd>) -> Result<()> {
        packet::check_send(parts, fds.len(), &self.limits)?;
        self.send_borrowed(parts, &packet::borrow_all(&fds))
    }

    /// Sends `parts` and copies of `fds` as one message; the caller keeps its fds.
    pub fn send_borrowed(&self, parts: &[IoSlice<'_>], fds: &[BorrowedFd<'_>]) -> Result<()> {
        packet::send(self.fd.as_fd(), parts, fds, &self.limits, Mode::Block)
    }

    /// Sends `parts` and copies of `fds` (the caller keeps them) without allocating.
    pub(crate) fn send_owned(&self, parts: &[IoSlice<'_>], fds: &[OwnedFd]) -> Result<()> {
        packet::check_send(parts, fds.len(), &self.limits)?;
        let array = packet::borrow_array(fds);
        self.send_borrowed(parts, packet::borrowed(&array, fds.len()))
    }

    /// Waits for the next message and receives it: `buf` is cleared and then holds
    /// exactly the message's bytes (grown as needed, never past
    /// [`Limits::max_bytes`]), `fds` is cleared (closing what it held) and then holds
    /// the message's fds, in order, each with `FD_CLOEXEC`.
    ///
    /// On error both are left empty, and every fd that came with a rejected message has
    /// been closed: [`Error::PeerClosed`] at the end of the stream;
    /// [`Error::MessageTooLarge`], [`Error::ControlTruncated`],
    /// [`Error::TooManyFdsReceived`], [`Error::UnexpectedControlMessage`],
    /// [`Error::TooManyControlMessages`], [`Error::EmptyMessage`] and
    /// [`Error::PayloadTruncated`] for a rejected message (the channel stays usable).
    pub fn recv(&self, buf: &mut BytesMut, fds: &mut Vec<OwnedFd>) -> Result<()> {
        packet::recv(self.fd.as_fd(), buf, fds, &self.limits, Mode::Block)
    }

    /// The socket.
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }
}

impl Sealed for Channel {}

impl Transport for Channel {
    type Handle = OwnedFd;
    type Error = Error;
    type Kit = Blocking;

    fn max_bytes(&self) -> usize {
        self.limits.max_bytes()
    }

    fn max_handles(&self) -> usize {
        self.limits.max_fds()
    }

    /// Shuts the socket down both ways: the peer reads the end of the stream, and calls
    /// here (from any thread) fail with [`Error::PeerClosed`].
    fn shutdown(&self) {
        packet::shutdown(self.fd.as_fd());
    }
}

impl RawChannel for Channel {
    /// Sends copies of `fds`, which stay with the caller (to close).
    fn send_raw(&self, bytes: &[u8], fds: &mut Vec<OwnedFd>) -> Result<()> {
        self.send_owned(&[IoSlice::new(bytes)], fds)
    }

    fn recv_raw(&self, buf: &mut BytesMut, fds: &mut Vec<OwnedFd>) -> Result<()> {
        self.recv(buf, fds)
    }
}

impl AsFd for Channel {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl TryFrom<OwnedFd> for Channel {
    type Error = Error;

    /// See [`Channel::from_fd`].
    fn try_from(fd: OwnedFd) -> Result<Self> {
        Self::from_fd(fd)
    }
}

impl From<Channel> for OwnedFd {
    fn from(channel: Channel) -> Self {
        channel.fd
    }
}

/// A listening `SOCK_SEQPACKET` socket bound to a path; each accepted connection is a
/// [`Channel`]. The socket file is left in place when the listener is dropped.
#[derive(Debug)]
pub struct Listener {
    fd: OwnedFd,
}

impl Listener {
    /// Binds a new socket at `path` (which must not exist) and listens on it.
    pub fn bind(path: impl AsRef<Path>) -> Result<Self> {
        let addr = SocketAddrUnix::new(path.as_ref())?;
        let fd = seqpacket_socket(SocketFlags::CLOEXEC)?;
        rustix::net::bind(&fd, &addr)?;
        rustix::net::listen(&fd, 128)?;
        Ok(Self { fd })
    }

    /// Waits for the next connection (with `SOCK_CLOEXEC`).
    pub fn accept(&self) -> Result<Channel> {
        let fd = loop {
            match rustix::net::accept_with(&self.fd, SocketFlags::CLOEXEC) {
                Err(rustix::io::Errno::INTR) => continue,
                other => break other?,
            }
        };
        Ok(Channel {
            fd,
            limits: Limits::DEFAULT,
        })
    }
}

impl AsFd for Listener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
