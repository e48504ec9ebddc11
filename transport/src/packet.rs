//! One message as one `SOCK_SEQPACKET` packet: the `sendmsg` and `recvmsg` steps that
//! the blocking and the async channel share.

use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use bytes::BytesMut;
use rustix::io::Errno;
use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, ReturnFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags,
};

use crate::cmsg::ControlSpace;
use crate::limits::{Limits, SCM_MAX_FD};
use crate::message::{self, TransportError};
use crate::{Error, Result};

/// Whether a call may wait for the socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Wait in the kernel (a blocking `Channel`).
    Block,
    /// Return `EAGAIN` instead (the async channel waits on the reactor).
    NoWait,
}

/// Errno values that mean the peer is gone.
fn peer_closed(e: Errno) -> bool {
    e == Errno::PIPE || e == Errno::CONNRESET
}

/// Runs a system call again while it is interrupted by a signal.
fn retry<T>(mut f: impl FnMut() -> rustix::io::Result<T>) -> rustix::io::Result<T> {
    loop {
        match f() {
            Err(Errno::INTR) => continue,
            other => return other,
        }
    }
}

/// Shuts `socket` down both ways.
pub(crate) fn shutdown(socket: BorrowedFd<'_>) {
    // Fails only with ENOTCONN, when the socket is no longer connected anyway.
    let _ = rustix::net::shutdown(socket, rustix::net::Shutdown::Both);
}

/// Whether `e` is `EAGAIN` from a [`Mode::NoWait`] call.
pub(crate) fn is_would_block(e: &Error) -> bool {
    matches!(e, Error::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock)
}

/// Checks a message against the limits before any system call: at most
/// `SCM_MAX_FD` fds, and the channel's limits.
pub(crate) fn check_send(parts: &[IoSlice<'_>], fds: usize, limits: &Limits) -> Result<usize> {
    let fd_limits = [SCM_MAX_FD, limits.max_fds()];
    message::check_send(parts, limits.max_bytes(), fds, &fd_limits).map_err(Error::from_message)
}

/// Sends `parts` as one packet with `fds` in one `SCM_RIGHTS` control message.
pub(crate) fn send(
    socket: BorrowedFd<'_>,
    parts: &[IoSlice<'_>],
    fds: &[BorrowedFd<'_>],
    limits: &Limits,
    mode: Mode,
) -> Result<()> {
    let size = check_send(parts, fds.len(), limits)?;
    let mut space = [core::mem::MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(SCM_MAX_FD))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !fds.is_empty() && !control.push(SendAncillaryMessage::ScmRights(fds)) {
        // The buffer holds SCM_MAX_FD fds and check_send allowed no more.
        return Err(Error::TooManyFds {
            count: fds.len(),
            limit: SCM_MAX_FD,
        });
    }
    let mut flags = SendFlags::NOSIGNAL;
    if mode == Mode::NoWait {
        flags |= SendFlags::DONTWAIT;
    }
    let sent = retry(|| rustix::net::sendmsg(socket, parts, &mut control, flags)).map_err(|e| {
        if peer_closed(e) {
            Error::PeerClosed
        } else {
            Error::from(e)
        }
    })?;
    if sent != size {
        return Err(Error::PartialSend { sent, size });
    }
    Ok(())
}

/// Receives one packet into `buf` (its bytes, exactly) and `fds` (its fds, each with
/// `FD_CLOEXEC`). Both are cleared first; on error both are left empty and every fd
/// that arrived has been closed.
pub(crate) fn recv(
    socket: BorrowedFd<'_>,
    buf: &mut BytesMut,
    fds: &mut Vec<OwnedFd>,
    limits: &Limits,
    mode: Mode,
) -> Result<()> {
    buf.clear();
    fds.clear();
    let result = loop {
        match recv_once(socket, buf, fds, limits, mode) {
            // Another reader took the message that was sized: size the next one.
            Err(e) if mode == Mode::Block && is_would_block(&e) => continue,
            other => break other,
        }
    };
    if result.is_err() {
        buf.clear();
        fds.clear();
    }
    result
}

fn recv_once(
    socket: BorrowedFd<'_>,
    buf: &mut BytesMut,
    fds: &mut Vec<OwnedFd>,
    limits: &Limits,
    mode: Mode,
) -> Result<()> {
    let wait = if mode == Mode::Block {
        RecvFlags::empty()
    } else {
        RecvFlags::DONTWAIT
    };
    // Learn the size of the next packet without taking it. With no control buffer the
    // kernel installs no fds for a peek.
    let peeked = retry(|| {
        rustix::net::recvmsg(
            socket,
            &mut [],
            &mut RecvAncillaryBuffer::default(),
            RecvFlags::PEEK | RecvFlags::TRUNC | wait,
        )
    })
    .map_err(|e| {
        if peer_closed(e) {
            Error::PeerClosed
        } else {
            Error::from(e)
        }
    })?;
    let size = peeked.bytes;
    let too_large = size > limits.max_bytes();
    // A message over the limit is taken with no room for its bytes (its fds are still
    // received, to be closed); otherwise the buffer is sized to the message exactly.
    let room = if too_large { 0 } else { size };
    buf.resize(room, 0);

    let mut space = ControlSpace::zeroed();
    let (received, rights_messages) = space
        .with_buffer(limits.max_fds(), |control| {
            // The packet is there (it was just peeked), so this does not wait; if another
            // reader took it first, EAGAIN makes the caller start over.
            let received = retry(|| {
                rustix::net::recvmsg(
                    socket,
                    &mut [IoSliceMut::new(&mut buf[..])],
                    control,
                    RecvFlags::CMSG_CLOEXEC | RecvFlags::TRUNC | RecvFlags::DONTWAIT,
                )
            })?;
            let mut rights_messages = 0;
            for message in control.drain() {
                if let RecvAncillaryMessage::ScmRights(received_fds) = message {
                    rights_messages += 1;
                    fds.extend(received_fds);
                }
            }
            Ok::<_, Errno>((received, rights_messages))
        })
        .map_err(|e| {
            if peer_closed(e) {
                Error::PeerClosed
            } else {
                Error::from(e)
            }
        })?;
    let summary = space.summary();
    // Both count the same headers; take the larger in case they ever disagree.
    let rights_messages = summary.rights.max(rights_messages);

    if received.flags.contains(ReturnFlags::CTRUNC) {
        return Err(Error::ControlTruncated {
            fds_closed: fds.len(),
        });
    }
    if let Some((level, kind)) = summary.foreign {
        return Err(Error::UnexpectedControlMessage { level, kind });
    }
    if rights_messages > 1 {
        return Err(Error::TooManyControlMessages {
            count: rights_messages,
        });
    }
    if fds.len() > limits.max_fds() {
        return Err(Error::TooManyFdsReceived {
            count: fds.len(),
            limit: limits.max_fds(),
        });
    }
    if too_large {
        return Err(Error::MessageTooLarge {
            size: received.bytes,
            limit: limits.max_bytes(),
        });
    }
    if received.flags.contains(ReturnFlags::TRUNC) || received.bytes > room {
        return Err(Error::PayloadTruncated {
            size: received.bytes,
            capacity: room,
        });
    }
    if received.bytes == 0 {
        // A packet of no bytes and no fds reads exactly like the end of the stream; no
        // handoff message is empty, so it is taken as the end.
        return Err(if fds.is_empty() {
            Error::PeerClosed
        } else {
            Error::EmptyMessage
        });
    }
    buf.truncate(received.bytes);
    Ok(())
}

/// Borrows every fd of `fds`, for [`send`].
pub(crate) fn borrow_all(fds: &[OwnedFd]) -> Vec<BorrowedFd<'_>> {
    fds.iter().map(AsFd::as_fd).collect()
}

/// Borrows the fds of a message that passed [`check_send`] (so at most [`SCM_MAX_FD`])
/// into an array on the stack, so that sending allocates nothing. `None` for no fds.
pub(crate) fn borrow_array(fds: &[OwnedFd]) -> Option<[BorrowedFd<'_>; SCM_MAX_FD]> {
    let first = fds.first()?.as_fd();
    let mut array = [first; SCM_MAX_FD];
    for (slot, fd) in array.iter_mut().zip(fds) {
        *slot = fd.as_fd();
    }
    Some(array)
}

/// The first `len` fds of an array from [`borrow_array`] (`len` is at most
/// [`SCM_MAX_FD`], which [`check_send`] made sure of).
pub(crate) fn borrowed<'a, 'b>(
    array: &'b Option<[BorrowedFd<'a>; SCM_MAX_FD]>,
    len: usize,
) -> &'b [BorrowedFd<'a>] {
    match array {
        Some(array) => &array[..len.min(SCM_MAX_FD)],
        None => &[],
    }
}
