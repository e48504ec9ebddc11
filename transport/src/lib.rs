//! Moves messages — bytes plus file descriptors — between processes over Unix-domain
//! `SOCK_SEQPACKET` sockets: one message per packet, its fds in the same `sendmsg`
//! (`SCM_RIGHTS`), so fds can never drift to another message.
//!
//! ```
//! # #[cfg(any(target_os = "linux", target_os = "android"))]
//! # fn main() -> Result<(), handoff_transport::Error> {
//! use bytes::BytesMut;
//! use handoff_transport::Channel;
//!
//! let (a, b) = Channel::pair()?;
//! let (pipe_read, pipe_write) = rustix::pipe::pipe()?;
//! a.send(b"a message and a pipe end", vec![pipe_read])?;
//!
//! let (mut buf, mut fds) = (BytesMut::new(), Vec::new());
//! b.recv(&mut buf, &mut fds)?;
//! assert_eq!(&buf[..], b"a message and a pipe end");
//! assert_eq!(fds.len(), 1);
//!
//! // The received fd is the pipe's read end.
//! rustix::io::write(&pipe_write, b"hi")?;
//! let mut two = [0u8; 2];
//! rustix::io::read(&fds[0], &mut two)?;
//! assert_eq!(&two, b"hi");
//!
//! drop(a);
//! assert!(matches!(b.recv(&mut buf, &mut fds), Err(handoff_transport::Error::PeerClosed)));
//! # Ok(())
//! # }
//! # #[cfg(not(any(target_os = "linux", target_os = "android")))]
//! # fn main() {}
//! ```
//!
//! # What a receiver can rely on
//!
//! Whatever the peer does, a call to `recv` either returns one whole message, its bytes
//! and exactly its fds, or returns an [`Error`] having closed every fd that came with
//! the rejected message. In detail:
//!
//! * fds arrive with `MSG_CMSG_CLOEXEC`: each one has `FD_CLOEXEC` from the start;
//! * the size of the next packet is learnt first (`MSG_PEEK | MSG_TRUNC`, which
//!   installs no fds), so the buffer is grown to exactly that size, and a message over
//!   [`Limits::max_bytes`] is discarded (its fds closed) without its bytes ever being
//!   copied: [`Error::MessageTooLarge`]. Nothing is ever silently truncated;
//! * the control buffer holds [`Limits::max_fds`] fds. More than fit (`MSG_CTRUNC`) is
//!   [`Error::ControlTruncated`]; more than the limit but within the buffer's
//!   alignment is [`Error::TooManyFdsReceived`]; a control message other than
//!   `SCM_RIGHTS`, or more than one, is rejected too;
//! * a packet of no bytes and no fds cannot be told from the end of the stream at the
//!   socket level; since no handoff message is empty (the transactional header alone
//!   is 16 bytes), it is taken as the end: [`Error::PeerClosed`]. Sending an empty
//!   message is refused ([`Error::EmptyMessage`]).
//!
//! A sender gets [`Error::TooManyFds`] for more than 253 fds (`SCM_MAX_FD`) or more
//! than its own [`Limits::max_fds`], before any system call, and
//! [`Error::PeerClosed`] (not `SIGPIPE`: sends use `MSG_NOSIGNAL`) when the peer is
//! gone.
//!
//! # Blocking and async
//!
//! [`Channel`] waits in the kernel. [`AsyncChannel`] (feature `tokio`, on by default)
//! is the same channel on a non-blocking socket registered with tokio's reactor.
//! Both take the caller's buffers, so a loop that receives reuses one `BytesMut` and
//! one `Vec<OwnedFd>`.
//!
//! Only Linux (and Android) is supported: elsewhere the crate is empty.

#[cfg(any(target_os = "linux", target_os = "android"))]
mod cmsg;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod error;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod limits;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod packet;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod channel;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod client;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod message;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod server;

#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
mod async_channel;
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
mod async_client;
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
mod async_server;

#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
pub use async_channel::AsyncChannel;
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
pub use async_client::{AsyncClient, AsyncPendingCall};
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
pub use async_server::{AsyncRequest, AsyncResponder, AsyncServer};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use channel::{Channel, Listener};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use client::{Client, PendingCall};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use error::{Error, Result};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use limits::{Limits, SCM_MAX_FD};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use message::{Incoming, Options};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use server::{Request, Responder, Server};

/// The Windows transport: message-mode named pipes, each handle pushed into the peer
/// process with `DuplicateHandle` and its value checked on arrival.
#[cfg(windows)]
pub mod windows;
