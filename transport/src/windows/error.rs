//! The Windows transport's errors: the Unix transport's variants where the rule is the
//! same, and one variant per rule of the named-pipe framing and of handle transfer.

use handoff_codec::handle::windows::{CheckedRawHandle, RawHandleError, WinHandleError};
use handoff_codec::handle::{ObjectType, RightsError};

/// Why a pipe message is not a frame of this transport (see the
/// [framing](super#framing)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// Fewer bytes than the 8-byte frame header.
    #[error("a pipe message of {size} bytes is shorter than the 8-byte frame header")]
    TooShort {
        /// The size of the pipe message.
        size: usize,
    },
    /// The header declares more handle values than any frame may carry
    /// ([`MAX_HANDLES`](super::MAX_HANDLES)); the values are not trusted.
    #[error("the frame declares {count} handles, more than any frame carries")]
    TooManyHandleValues {
        /// The declared count.
        count: u32,
    },
    /// The header's counts and the size of the pipe message disagree.
    #[error("the frame declares {declared} bytes in all, the pipe message has {actual}")]
    SizeMismatch {
        /// `8 + 4 * handle count + byte count`.
        declared: u64,
        /// What arrived (at least this much, when the message is longer).
        actual: u64,
    },
}

/// Why sending or receiving a message failed.
///
/// Whenever a received message is rejected, its bytes are discarded and every handle
/// that arrived with it has been closed before the error is returned. A [`Channel`]
/// stays usable after a rejected message (except after [`Error::PeerClosed`]); a
/// [`Client`] or [`Server`] does not: for them every receive error is terminal (the
/// connection is closed, and later calls return [`Error::Closed`]), while a send
/// rejected before any system call leaves the connection as it was.
///
/// [`Channel`]: super::Channel
/// [`Client`]: super::Client
/// [`Server`]: super::Server
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Send: more handles than one message may carry ([`MAX_HANDLES`](super::MAX_HANDLES)
    /// or the channel's [`Limits::max_handles`](super::Limits::max_handles)). Found
    /// before any system call; every handle was closed.
    #[error("{count} handles in one message, more than the limit of {limit}")]
    TooManyHandles {
        /// The number of handles given.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Receive: the message carried more handles than the channel's
    /// [`Limits::max_handles`](super::Limits::max_handles). All were closed.
    #[error("message carried {count} handles, more than the limit of {limit}; all were closed")]
    TooManyHandlesReceived {
        /// The number of handles that arrived.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Send or receive: a message of more bytes than the channel's
    /// [`Limits::max_bytes`](super::Limits::max_bytes). On send it is found before any
    /// system call; on receive the message is discarded and its handles closed.
    #[error("message of {size} bytes, more than the limit of {limit}")]
    MessageTooLarge {
        /// The message's size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Send: a message with no bytes (no handoff message is empty). Receive: a frame
    /// of no bytes (its handles were closed).
    #[error("empty message")]
    EmptyMessage,
    /// The peer closed its end (the pipe broke, or the peer shut the channel down), or
    /// this end was shut down. Every later call fails the same way.
    #[error("the peer closed the channel")]
    PeerClosed,
    /// Receive: the pipe message is not a frame of this transport. It was discarded,
    /// and every handle it named that could be taken was closed.
    #[error("malformed frame: {0}")]
    BadFrame(#[source] FrameError),
    /// Send: borrowed handle number `index` is not a handle that can be sent (NULL,
    /// `INVALID_HANDLE_VALUE`, a pseudo handle, a value that is not a multiple of 4);
    /// nothing was sent. Receive: handle value number `index` of the frame is not a
    /// handle value; the message was rejected and every other handle of it closed.
    #[error("handle #{index} of the message: {source}")]
    BadHandleValue {
        /// The handle's index in the message.
        index: usize,
        /// What the checked conversion said.
        #[source]
        source: RawHandleError,
    },
    /// Receive: handle value number `index` of the frame passed the checked conversion
    /// but names no handle the kernel will describe (the handle did not arrive). The
    /// message was rejected and every other handle of it closed.
    #[error("handle #{index} of the message did not arrive: {source}")]
    HandleNotReceived {
        /// The handle's index in the message.
        index: usize,
        /// What taking it said.
        #[source]
        source: WinHandleError,
    },
    /// Receive: handle value number `index` of the frame cannot be a handle the peer
    /// pushed for this message: it repeats an earlier value of the message, or it is
    /// the value of the channel's own pipe or peer-process handle. It was left alone;
    /// the message was rejected and every other handle of it closed.
    #[error("handle #{index} of the message ({value}) {reason}")]
    ForgedHandleValue {
        /// The handle's index in the message.
        index: usize,
        /// The value.
        value: CheckedRawHandle,
        /// Why it cannot be the peer's.
        reason: &'static str,
    },
    /// Send: handle number `index` could not be pushed into the peer process (it lacks
    /// [`Rights::TRANSFER`](handoff_codec::handle::Rights::TRANSFER), or
    /// `DuplicateHandle` failed). Nothing was sent: every handle of the message was
    /// closed here, and those already pushed were closed in the peer.
    #[error("handle #{index} of the message could not be sent: {source}")]
    HandleNotSent {
        /// The handle's index in the message.
        index: usize,
        /// What pushing it said.
        #[source]
        source: WinHandleError,
    },
    /// Send: the message carries handles, but the peer process could not be opened
    /// with `PROCESS_DUP_HANDLE` when the channel was made (it runs at a higher
    /// integrity level, say), so handles cannot be pushed into it. Every handle was
    /// closed; messages without handles still go through.
    #[error("the peer process (pid {pid}) cannot receive handles: {source}")]
    PeerProcessUnavailable {
        /// The peer's process id (0 if it could not be learnt).
        pid: u32,
        /// Why it could not be opened.
        #[source]
        source: std::io::Error,
    },
    /// Send: the pipe took only part of the frame (not expected on a message-mode
    /// pipe, where a write is all or nothing).
    #[error("sent {sent} of {size} bytes")]
    PartialSend {
        /// Bytes sent.
        sent: usize,
        /// Bytes in the frame.
        size: usize,
    },
    /// The handle given to build a channel is not a connected end of a message-type
    /// named pipe.
    #[error("not a message-type named pipe")]
    NotMessagePipe,
    /// [`Limits::new`](super::Limits::new) was given a value out of range.
    #[error("invalid limits: {0}")]
    InvalidLimits(&'static str),
    /// Any other system call failure.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Send: the body could not be encoded (a string over its bound, an absent
    /// required handle, ...). Nothing was sent and every handle of the body was closed;
    /// the connection stays usable.
    #[error("cannot encode the message body: {0}")]
    Encode(#[source] handoff_codec::Error),
    /// Send: handle number `index` of the message (in handle-table order) is not of
    /// the object type its slot declares. Nothing was sent and every handle of the
    /// message was closed; the connection stays usable.
    #[error("handle #{index} of the message is a {found}, its slot declares a {expected}")]
    WrongHandleType {
        /// The handle's index in the message's handle table.
        index: usize,
        /// The object type the slot declares.
        expected: ObjectType,
        /// The handle's object type.
        found: ObjectType,
    },
    /// Send: handle number `index` of the message could not be narrowed to the rights
    /// its slot declares. Nothing was sent and every handle of the message was closed;
    /// the connection stays usable.
    #[error("handle #{index} of the message: {source}")]
    HandleRights {
        /// The handle's index in the message's handle table.
        index: usize,
        /// What the handle backend said.
        #[source]
        source: RightsError,
    },
    /// Receive: a message failed validation: its transactional header or its body
    /// (decoded as the type the receiver expected). Terminal: the connection was
    /// closed and every handle of the message closed.
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
    /// Receive: a client got a reply whose transaction id belongs to no call in
    /// flight. Terminal.
    #[error("reply with txid {txid}, which is no call in flight")]
    UnexpectedTxid {
        /// The transaction id of the message.
        txid: u32,
    },
    /// Receive: a server got a two-way request whose transaction id is that of a
    /// request it has not answered yet. Terminal.
    #[error("request with txid {txid}, which is still in flight")]
    DuplicateTxid {
        /// The transaction id of the request.
        txid: u32,
    },
    /// Receive: more messages arrived that nobody has taken yet (events, while a
    /// client waits for replies) than [`Options::max_queued`](super::Options::max_queued).
    /// Terminal.
    #[error("more than {limit} received messages queued")]
    QueueFull {
        /// The limit.
        limit: usize,
    },
    /// The connection was closed earlier, by an error that was terminal or by this
    /// end; `reason` says why. Every later call fails the same way.
    #[error("the connection is closed: {reason}")]
    Closed {
        /// Why it was closed (the display of the error that closed it).
        reason: String,
    },
}

crate::message::transport_error!(Error, TooManyHandles);

/// `Result` with the Windows transport's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
