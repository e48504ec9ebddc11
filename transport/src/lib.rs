//! Moves handoff messages, bytes and real file descriptors, between processes over
//! Unix-domain `SOCK_SEQPACKET` sockets.
//!
//! Two layers, each blocking or async (tokio):
//!
//! * **Messages**: [`Client`] and [`Server`] ([`AsyncClient`], [`AsyncServer`]) speak
//!   FIDL's transactional messages. Every message starts with the 16-byte header (txid,
//!   flags, magic number, ordinal); bodies are `#[derive(Fidl)]` types, encoded into a
//!   reused buffer and decoded in place (zero-copy) into [`Decoded`]`<T, OwnedFd>`;
//!   each fd is checked against the object type its slot declares and narrowed to the
//!   declared rights before it leaves.
//! * **Packets**: [`Channel`] and [`AsyncChannel`] move one packet of bytes plus its fds.
//!
//! ```
//! # #[cfg(any(target_os = "linux", target_os = "android"))]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::os::fd::OwnedFd;
//!
//! use handoff::Fidl;
//! use handoff::handle::{Handle, ObjectType, Rights};
//! use handoff_transport::{Channel, Client, Server};
//!
//! /// A request carrying a memfd the receiver may only read.
//! #[derive(Debug, Fidl)]
//! #[fidl(resource)]
//! pub struct Share {
//!     #[fidl(max_len = 32)]
//!     pub name: String,
//!     #[fidl(handle(object_type = ObjectType::VMO.0, rights = 0xC007))] // BASIC | READ
//!     pub data: OwnedFd,
//! }
//!
//! /// The reply: a value type.
//! #[derive(Debug, Clone, PartialEq, Fidl)]
//! pub struct Ack {
//!     pub len: u64,
//! }
//!
//! const SHARE: u64 = 0x5eed_0000_0000_0001;
//!
//! let (a, b) = Channel::pair()?;
//! let (client, server) = (Client::new(a), Server::new(b));
//! let serving = std::thread::spawn(move || -> Result<(), handoff_transport::Error> {
//!     let request = server.recv()?;
//!     assert_eq!(request.ordinal(), SHARE);
//!     let (msg, responder) = request.decode::<Share>()?;
//!     let view = msg.view(); // reads the received buffer in place
//!     assert_eq!(view.name(), "greeting");
//!     let data = msg.handle(view.data()).expect("validated");
//!     // Read-only, for real: the memfd was sealed on its way out.
//!     assert_eq!(data.rights(), Rights::BASIC | Rights::READ);
//!     assert!(rustix::io::write(data, b"!").is_err());
//!     let len = rustix::fs::fstat(data)?.st_size as u64;
//!     responder.expect("a call").reply(&Ack { len })
//! });
//!
//! let data = rustix::fs::memfd_create(
//!     "data",
//!     rustix::fs::MemfdFlags::CLOEXEC | rustix::fs::MemfdFlags::ALLOW_SEALING,
//! )?;
//! rustix::io::write(&data, b"hello")?;
//! let ack = client.call::<_, Ack>(SHARE, Share { name: "greeting".into(), data })?;
//! assert_eq!(ack.view().len(), 5);
//! serving.join().expect("no panic")?;
//! # Ok(())
//! # }
//! # #[cfg(not(any(target_os = "linux", target_os = "android")))]
//! # fn main() {}
//! ```
//!
//! # Messages
//!
//! * **Transactions.** A call takes a fresh transaction id (nonzero, never one still in
//!   flight) and its reply is the message that comes back with that txid and the call's
//!   ordinal ([`Error::UnexpectedOrdinal`] otherwise). Events and one-way requests have
//!   txid 0. Several calls may be in flight, from several threads or tasks, or started
//!   with [`Client::start_call`] and waited for in any order; one waiting caller reads
//!   the socket at a time and hands each reply to its caller. A server hands each
//!   two-way request a [`Responder`] that answers with its txid; dropping it unanswered
//!   closes the connection, so a caller never waits forever.
//! * **Dispositions.** Before a message is sent, each fd is checked against the object
//!   type its slot declares ([`Error::WrongHandleType`]) and, unless the slot says
//!   `SAME_RIGHTS`, narrowed to the declared rights with
//!   [`Handle::reduce_rights`](handoff_codec::handle::Handle::reduce_rights): a file
//!   opened read-write and declared write-only is reopened write-only, a memfd
//!   declared read-only is sealed. If that is impossible the send fails
//!   ([`Error::HandleRights`]) and every fd of the message is closed.
//! * **Hostile input is terminal**, as in FIDL: a bad header (magic number, wire format
//!   flags, fewer than 16 bytes), a body that is not the expected type (including a value
//!   type that arrives with fds), a reply to no call in flight, a two-way request reusing
//!   a txid in flight, fds or bytes over the limits, truncated control data. The
//!   connection is shut down (the peer reads the end of the stream), every fd of the
//!   message is closed, and every later call fails with [`Error::Closed`]. A send
//!   refused before any system call (encoding, dispositions, limits) is not terminal.
//! * **Limits.** The channel's [`Limits`] bound every message both ways: at most 253 fds
//!   (`SCM_MAX_FD`; 64 by default) and a byte size (64 KiB by default). A message over
//!   them is an error, never truncated. [`Options`] holds the decoder's depth limit, its
//!   policy for unknown handles, and how many received messages may wait in a queue.
//! * **Buffers are reused**: one encode buffer per endpoint, and one receive buffer
//!   whose allocation comes back for the next message once the [`Decoded`] message
//!   that borrowed it is dropped.
//!
//! [`Decoded`]: handoff_codec::Decoded
//!
//! The `pass_fds` example runs all of it between two processes:
//! `cargo run --example pass_fds`.
//!
//! # Packets
//!
//! Under the messages, a [`Channel`] sends one packet per message, its fds in the same
//! `sendmsg` (`SCM_RIGHTS`), so fds can never drift to another message:
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
//! [`Channel`], [`Client`] and [`Server`] wait in the kernel. [`AsyncChannel`],
//! [`AsyncClient`] and [`AsyncServer`] (feature `tokio`, on by default) are the same on
//! a non-blocking socket registered with tokio's reactor. A channel takes the caller's
//! buffers, so a loop that receives reuses one `BytesMut` and one `Vec<OwnedFd>`.
//!
//! All of the above is for Linux (and Android); on Windows the `windows` module is
//! the same design over named pipes.

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

#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
mod async_channel;
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
mod async_client;
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
mod async_server;

// The message layer, on every platform.
mod client;
mod endpoint;
mod message;
mod server;
mod state;

pub mod generic {
    //! The message layer, written once over any [`Transport`]: the crate root's
    //! `Client`, `Server` and the rest (Unix), their async forms, and the `windows`
    //! module's are these types over their channel.
    //!
    //! | | handles | blocking | async (tokio) |
    //! |---|---|---|---|
    //! | Unix | `OwnedFd` | `Client<Channel>` (`Client`) | `Client<AsyncChannel>` (`AsyncClient`) |
    //! | Windows | `WinHandle` | `Client<windows::Channel>` (`windows::Client`) | |
    //!
    //! and likewise [`Server`], [`Request`], [`Responder`] and [`PendingCall`].
    //! [`Incoming`] is generic over the handle and the error type instead, as a blocking
    //! and an async endpoint on one platform hand out the same messages.

    pub use crate::client::{Client, PendingCall};
    pub use crate::endpoint::{RawChannel, Transport};
    pub use crate::message::{Incoming, Options};
    pub use crate::server::{Request, Responder, Server};
}

pub use generic::Options;

#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
pub use async_channel::AsyncChannel;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use channel::{Channel, Listener};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use error::{Error, Result};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use limits::{Limits, SCM_MAX_FD};

/// The calling end of a connection over a [`Channel`]; see [`generic::Client`].
#[cfg(any(target_os = "linux", target_os = "android"))]
pub type Client = generic::Client<Channel>;
/// A call of a [`Client`] whose request was sent; see [`generic::PendingCall`].
#[cfg(any(target_os = "linux", target_os = "android"))]
pub type PendingCall<'c> = generic::PendingCall<'c, Channel>;
/// The serving end of a connection over a [`Channel`]; see [`generic::Server`].
#[cfg(any(target_os = "linux", target_os = "android"))]
pub type Server = generic::Server<Channel>;
/// A request received by a [`Server`]; see [`generic::Request`].
#[cfg(any(target_os = "linux", target_os = "android"))]
pub type Request = generic::Request<Channel>;
/// Answers a two-way request received by a [`Server`]; see [`generic::Responder`].
#[cfg(any(target_os = "linux", target_os = "android"))]
pub type Responder = generic::Responder<Channel>;
/// A received event or request, its fds with it; see [`generic::Incoming`].
#[cfg(any(target_os = "linux", target_os = "android"))]
pub type Incoming = generic::Incoming<std::os::fd::OwnedFd, Error>;

/// The async form of [`Client`], over an [`AsyncChannel`]: the same messages, rules
/// and errors; see [`generic::Client`].
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
pub type AsyncClient = generic::Client<AsyncChannel>;
/// A call of an [`AsyncClient`] whose request was sent; see [`generic::PendingCall`].
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
pub type AsyncPendingCall<'c> = generic::PendingCall<'c, AsyncChannel>;
/// The async form of [`Server`], over an [`AsyncChannel`]; see [`generic::Server`].
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
pub type AsyncServer = generic::Server<AsyncChannel>;
/// A request received by an [`AsyncServer`]; see [`generic::Request`].
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
pub type AsyncRequest = generic::Request<AsyncChannel>;
/// Answers a two-way request received by an [`AsyncServer`]; see
/// [`generic::Responder`].
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
pub type AsyncResponder = generic::Responder<AsyncChannel>;

/// The Windows transport: message-mode named pipes, each handle pushed into the peer
/// process with `DuplicateHandle` and its value checked on arrival.
#[cfg(windows)]
pub mod windows;
