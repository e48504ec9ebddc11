//! The transport's errors: one variant per rule, each with what the caller needs to
//! see why.

use handoff_codec::handle::{ObjectType, RightsError};

/// Why sending or receiving a message failed.
///
/// Whenever a received message is rejected, its bytes are discarded and every fd that
/// arrived with it has been closed before the error is returned. A [`Channel`] stays
/// usable after a rejected message (except after [`Error::PeerClosed`]); a [`Client`] or
/// [`Server`] does not: for them every receive error is terminal (the connection is
/// closed, and later calls return [`Error::Closed`]), while a send rejected before any
/// system call leaves the connection as it was.
///
/// [`Channel`]: crate::Channel
/// [`Client`]: crate::Client
/// [`Server`]: crate::Server
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Send: more fds than one message may carry (the kernel's `SCM_MAX_FD`, 253, or
    /// the channel's [`Limits::max_fds`](crate::Limits::max_fds)). Found before any
    /// system call.
    #[error("{count} fds in one message, more than the limit of {limit}")]
    TooManyFds {
        /// The number of fds given.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Receive: the message carried more fds than the channel's
    /// [`Limits::max_fds`](crate::Limits::max_fds) (the kernel can deliver a few more
    /// than asked for, to fill the control buffer's alignment). All were closed.
    #[error("message carried {count} fds, more than the limit of {limit}; all were closed")]
    TooManyFdsReceived {
        /// The number of fds that arrived.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Send or receive: a message of more bytes than the channel's
    /// [`Limits::max_bytes`](crate::Limits::max_bytes). On send it is found before any
    /// system call; on receive the message is discarded and its fds closed.
    #[error("message of {size} bytes, more than the limit of {limit}")]
    MessageTooLarge {
        /// The message's size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Send: a message with no bytes (the receiver could not tell it from the end of
    /// the stream, and no handoff message is empty). Receive: an empty packet that
    /// carried fds (they were closed).
    #[error("empty message")]
    EmptyMessage,
    /// The peer closed its end (a read returned end-of-stream, or a write found no
    /// reader). Every later call fails the same way.
    #[error("the peer closed the channel")]
    PeerClosed,
    /// Receive: the kernel could not deliver all of the message's fds (`MSG_CTRUNC`:
    /// more than the control buffer holds, or the process ran out of fds). The
    /// message was rejected and the `fds_closed` fds that did arrive were closed.
    #[error("control data truncated (MSG_CTRUNC); the {fds_closed} fds that arrived were closed")]
    ControlTruncated {
        /// How many fds had arrived and were closed.
        fds_closed: usize,
    },
    /// Receive: a control message other than `SCM_RIGHTS` arrived (credentials, a
    /// pidfd, a security label: only if the socket was set up to ask for them). The
    /// message was rejected and its fds closed.
    #[error("unexpected control message (level {level}, type {kind}); its message was rejected")]
    UnexpectedControlMessage {
        /// `cmsg_level`.
        level: i32,
        /// `cmsg_type`.
        kind: i32,
    },
    /// Receive: more than one `SCM_RIGHTS` control message in one message. The message
    /// was rejected and its fds closed.
    #[error("{count} SCM_RIGHTS control messages in one message; it was rejected")]
    TooManyControlMessages {
        /// How many there were.
        count: usize,
    },
    /// Receive: the payload did not fit the buffer sized for it (`MSG_TRUNC`). Happens
    /// only when another reader on the same socket took the message that was sized;
    /// the message was discarded and its fds closed.
    #[error("payload of {size} bytes truncated to {capacity}; the message was discarded")]
    PayloadTruncated {
        /// The size of the message that arrived.
        size: usize,
        /// The room there was for it.
        capacity: usize,
    },
    /// Send: the kernel accepted only part of the message (not expected on a
    /// `SOCK_SEQPACKET` socket, where a send is all or nothing).
    #[error("sent {sent} of {size} bytes")]
    PartialSend {
        /// Bytes sent.
        sent: usize,
        /// Bytes in the message.
        size: usize,
    },
    /// The fd given to build a channel is not a Unix-domain `SOCK_SEQPACKET` socket.
    #[error("not a Unix-domain SOCK_SEQPACKET socket")]
    NotSeqpacket,
    /// [`Limits::new`](crate::Limits::new) was given a value out of range.
    #[error("invalid limits: {0}")]
    InvalidLimits(&'static str),
    /// Any other system call failure.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Send: the body could not be encoded (a string over its bound, an absent required
    /// handle, ...). Nothing was sent and every fd of the body was closed; the connection
    /// stays usable.
    #[error("cannot encode the message body: {0}")]
    Encode(#[source] handoff_codec::Error),
    /// Send: fd number `index` of the message (in handle-table order) is not of the
    /// object type its slot declares. Nothing was sent and every fd of the message was
    /// closed; the connection stays usable.
    #[error("fd #{index} of the message is a {found}, its slot declares a {expected}")]
    WrongHandleType {
        /// The fd's index in the message's handle table.
        index: usize,
        /// The object type the slot declares.
        expected: ObjectType,
        /// The fd's object type.
        found: ObjectType,
    },
    /// Send: fd number `index` of the message could not be narrowed to the rights its
    /// slot declares (it lacks some of them, or the kernel cannot take the others away).
    /// Nothing was sent and every fd of the message was closed; the connection stays
    /// usable.
    #[error("fd #{index} of the message: {source}")]
    HandleRights {
        /// The fd's index in the message's handle table.
        index: usize,
        /// What the fd backend said.
        #[source]
        source: RightsError,
    },
    /// Receive: a message failed validation: its transactional header (too short, bad
    /// magic number, unsupported wire format) or its body (decoded as the type the
    /// receiver expected). Terminal: the connection was closed and every fd of the
    /// message closed.
    #[error("malformed message: {0}")]
    Malformed(#[source] handoff_codec::Error),
    /// Receive: the reply to a call carries another ordinal than the call's. Terminal.
    #[error("the reply to txid {txid} has ordinal {found:#x}, the call was {expected:#x}")]
    UnexpectedOrdinal {
        /// The call's transaction id.
        txid: u32,
        /// The call's ordinal.
        expected: u64,
        /// The reply's ordinal.
        found: u64,
    },
    /// Receive: a client got a reply whose transaction id belongs to no call in flight.
    /// Terminal.
    #[error("reply with txid {txid}, which is no call in flight")]
    UnexpectedTxid {
        /// The transaction id of the message.
        txid: u32,
    },
    /// Receive: a server got a two-way request whose transaction id is that of a request
    /// it has not answered yet. Terminal.
    #[error("request with txid {txid}, which is still in flight")]
    DuplicateTxid {
        /// The transaction id of the request.
        txid: u32,
    },
    /// Receive: more messages arrived that nobody has taken yet (events, while a client
    /// waits for replies) than [`Options::max_queued`](crate::Options::max_queued).
    /// Terminal.
    #[error("more than {limit} received messages queued")]
    QueueFull {
        /// The limit.
        limit: usize,
    },
    /// The connection was closed earlier, by an error that was terminal or by this end;
    /// `reason` says why. Every later call fails the same way.
    #[error("the connection is closed: {reason}")]
    Closed {
        /// Why it was closed (the display of the error that closed it).
        reason: String,
    },
}

crate::message::transport_error!(Error, TooManyFds);

impl From<rustix::io::Errno> for Error {
    fn from(e: rustix::io::Errno) -> Self {
        Self::Io(e.into())
    }
}

/// `Result` with the transport's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
