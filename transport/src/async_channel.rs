//! The async channel, on tokio's reactor.

use std::io::IoSlice;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use bytes::BytesMut;
use handoff_codec::Encode;
use handoff_wire::TransactionHeader;
use rustix::net::{AddressFamily, SocketFlags, SocketType};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use crate::channel::{Channel, check_seqpacket};
use crate::endpoint::sealed::Sealed;
use crate::endpoint::{Endpoint, Tokio, Transport};
use crate::limits::Limits;
use crate::message::{Outgoing, Received};
use crate::packet::{self, Mode, is_would_block};
use crate::state::Connection;
use crate::{Error, Result};

/// A [`Channel`] whose calls wait on tokio's reactor instead of in the kernel: the
/// socket is non-blocking, and each call waits for readiness, tries, and on `EAGAIN`
/// clears the readiness and waits again. Same messages, same rules, same errors.
///
/// Must be created inside a tokio runtime with I/O enabled (elsewhere the constructors
/// return an [`Error::Io`]).
#[derive(Debug)]
pub struct AsyncChannel {
    fd: AsyncFd<OwnedFd>,
    limits: Limits,
}

impl AsyncChannel {
    /// Two connected channels (`socketpair` with `SOCK_CLOEXEC | SOCK_NONBLOCK`).
    pub fn pair() -> Result<(Self, Self)> {
        let (a, b) = rustix::net::socketpair(
            AddressFamily::UNIX,
            SocketType::SEQPACKET,
            SocketFlags::CLOEXEC | SocketFlags::NONBLOCK,
            None,
        )?;
        Ok((
            Self::register(a, Limits::DEFAULT)?,
            Self::register(b, Limits::DEFAULT)?,
        ))
    }

    /// The async form of `channel` (its limits kept).
    pub fn new(channel: Channel) -> Result<Self> {
        let limits = channel.limits();
        let fd = channel.into_fd();
        rustix::io::ioctl_fionbio(&fd, true)?;
        Self::register(fd, limits)
    }

    /// An async channel over a connected Unix-domain `SOCK_SEQPACKET` socket; see
    /// [`Channel::from_fd`].
    pub fn from_fd(fd: OwnedFd) -> Result<Self> {
        check_seqpacket(fd.as_fd())?;
        rustix::io::ioctl_fionbio(&fd, true)?;
        Self::register(fd, Limits::DEFAULT)
    }

    fn register(fd: OwnedFd, limits: Limits) -> Result<Self> {
        // Registering outside a runtime panics in tokio: make it an error instead.
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::Io(std::io::Error::other(
                "an AsyncChannel must be created inside a tokio runtime",
            )));
        }
        let interest = Interest::READABLE | Interest::WRITABLE;
        // SAFETY: tokio requires that the fd be valid and open, and stay open and refer
        // to the same file description for as long as the `AsyncFd` owns it, with
        // `as_raw_fd` always giving the same number. An `OwnedFd` owns a valid open fd
        // and always reports that one number; once moved into the `AsyncFd` it is
        // reachable only through `get_ref` (shared: nothing can close or replace it)
        // and `into_inner` (which ends the registration).
        let fd = unsafe { AsyncFd::register_with_interest(fd, interest) }
            .map_err(|e| Error::Io(e.into_parts().1))?;
        Ok(Self { fd, limits })
    }

    /// The blocking form of this channel (its limits kept).
    pub fn into_channel(self) -> Result<Channel> {
        let limits = self.limits;
        let fd = self.fd.into_inner();
        rustix::io::ioctl_fionbio(&fd, false)?;
        Ok(Channel::from_fd(fd)?.with_limits(limits))
    }

    /// The limits in force for this end.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Sets the limits for this end.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// This channel with `limits`.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sends `bytes` and `fds` as one message; see [`Channel::send`]. The fds are
    /// closed when the future completes (or is dropped).
    pub async fn send(&self, bytes: &[u8], fds: Vec<OwnedFd>) -> Result<()> {
        self.send_vectored(&[IoSlice::new(bytes)], fds).await
    }

    /// Sends the concatenation of `parts` and `fds` as one message; see
    /// [`Channel::send_vectored`].
    pub async fn send_vectored(&self, parts: &[IoSlice<'_>], fds: Vec<OwnedFd>) -> Result<()> {
        packet::check_send(parts, fds.len(), &self.limits)?;
        self.send_borrowed(parts, &packet::borrow_all(&fds)).await
    }

    /// Sends `parts` and copies of `fds` as one message; see
    /// [`Channel::send_borrowed`].
    pub async fn send_borrowed(&self, parts: &[IoSlice<'_>], fds: &[BorrowedFd<'_>]) -> Result<()> {
        packet::check_send(parts, fds.len(), &self.limits)?;
        loop {
            let mut guard = self.fd.writable().await?;
            match packet::send(
                self.fd.get_ref().as_fd(),
                parts,
                fds,
                &self.limits,
                Mode::NoWait,
            ) {
                Err(e) if is_would_block(&e) => guard.clear_ready(),
                other => return other,
            }
        }
    }

    /// Sends `parts` and copies of `fds` (the caller keeps them) without allocating.
    pub(crate) async fn send_owned(&self, parts: &[IoSlice<'_>], fds: &[OwnedFd]) -> Result<()> {
        packet::check_send(parts, fds.len(), &self.limits)?;
        let array = packet::borrow_array(fds);
        self.send_borrowed(parts, packet::borrowed(&array, fds.len()))
            .await
    }

    /// Encodes `body` after `header` into `out`, applies its dispositions and sends
    /// it. `out` is left empty (its fds closed) whatever happens, the future dropped
    /// included.
    async fn send_message<T: Encode<OwnedFd>>(
        &self,
        out: &mut Outgoing<OwnedFd>,
        header: TransactionHeader,
        body: T,
    ) -> Result<()> {
        /// Empties the buffer when the send is over or abandoned.
        struct Clear<'a>(&'a mut Outgoing<OwnedFd>);
        impl Drop for Clear<'_> {
            fn drop(&mut self) {
                self.0.clear();
            }
        }
        let out = Clear(out);
        out.0.encode::<T, Error>(header, body)?;
        let (bytes, fds) = out.0.parts();
        self.send_owned(&[IoSlice::new(bytes)], fds).await
    }

    /// Waits for the next message and receives it; see [`Channel::recv`]. If the
    /// future is dropped before it completes, no message was taken.
    pub async fn recv(&self, buf: &mut BytesMut, fds: &mut Vec<OwnedFd>) -> Result<()> {
        loop {
            let mut guard = self.fd.readable().await?;
            match packet::recv(
                self.fd.get_ref().as_fd(),
                buf,
                fds,
                &self.limits,
                Mode::NoWait,
            ) {
                Err(e) if is_would_block(&e) => guard.clear_ready(),
                other => return other,
            }
        }
    }
}

impl Sealed for AsyncChannel {}

impl Transport for AsyncChannel {
    type Handle = OwnedFd;
    type Error = Error;
    type Kit = Tokio;

    fn max_bytes(&self) -> usize {
        self.limits.max_bytes()
    }

    fn max_handles(&self) -> usize {
        self.limits.max_fds()
    }

    /// Shuts the socket down both ways; see [`Channel`]'s.
    fn shutdown(&self) {
        packet::shutdown(self.fd.get_ref().as_fd());
    }
}

impl<S: Connection> Endpoint<AsyncChannel, S> {
    /// Encodes `body` after `header`, applies its dispositions and sends it (unless the
    /// connection is closed); see the blocking `Endpoint::send`.
    pub(crate) async fn send<T: Encode<OwnedFd>>(
        &self,
        header: TransactionHeader,
        body: T,
    ) -> Result<()> {
        self.check_open()?;
        let result = self
            .channel
            .send_message(&mut *self.out.lock().await, header, body)
            .await;
        self.sent(result)
    }

    /// Waits for the next message (unless the connection is closed) and checks its
    /// header; see the blocking `Endpoint::receive`. Dropping the future takes no
    /// message.
    pub(crate) async fn receive(
        &self,
        admit: impl FnOnce(&Received<OwnedFd>) -> Result<()>,
    ) -> Result<Received<OwnedFd>> {
        let mut reader = self.reader.lock().await;
        self.check_open()?;
        let (buf, fds) = &mut *reader;
        let received = self.channel.recv(buf, fds).await;
        let msg = Received::take(received, buf, fds)?;
        admit(&msg)?;
        Ok(msg)
    }
}

impl AsFd for AsyncChannel {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.get_ref().as_fd()
    }
}
