//! Transactional messages, whatever the channel: the 16-byte header on every message,
//! bodies encoded and decoded by the codec, handle dispositions applied before sending,
//! and the errors of the message layer. Compiled on every platform; each platform's
//! channel brings its handle type ([`TransportHandle`]) and its error type
//! ([`TransportError`]).

use std::marker::PhantomData;
use std::sync::Arc;

use bytes::{Buf, BytesMut};
use handoff_codec::handle::{Handle, HandleDisposition, ObjectType, Rights, RightsError};
use handoff_codec::{Decode, DecodeOptions, Decoded, Encode, MessageBuf};
use handoff_wire::TransactionHeader;

/// How a [`Client`](crate::generic::Client) or [`Server`](crate::generic::Server)
/// (blocking or async) treats what it receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// How bodies are decoded: the out-of-line depth limit and the policy for handles in
    /// unknown members of value types. Its byte and handle limits are not used: the
    /// channel's limits are the limits of every message, sent or received (a message
    /// over them is refused before it is sent, and rejected before it is decoded).
    pub decode: DecodeOptions,
    /// The most received messages held for later: events that arrive while a client
    /// waits for a reply, until
    /// [`Client::recv_event`](crate::generic::Client::recv_event) takes them. Each one
    /// may hold handles (fds), so this bounds what a peer can make the receiver keep
    /// open. One more is a `QueueFull` error, which closes the connection. Default 256.
    pub max_queued: usize,
}

impl Options {
    /// The default options.
    pub const DEFAULT: Self = Self {
        decode: DecodeOptions {
            limits: handoff_codec::Limits::DEFAULT,
            unknown_handles: handoff_codec::UnknownHandles::Reject,
        },
        max_queued: 256,
    };

    /// The codec limits in force on a channel that carries at most `max_bytes` bytes
    /// and `max_handles` handles a message: this depth limit, the channel's bytes and
    /// handles.
    pub(crate) fn codec_limits(
        &self,
        max_bytes: usize,
        max_handles: usize,
    ) -> handoff_codec::Limits {
        handoff_codec::Limits {
            max_depth: self.decode.limits.max_depth,
            max_bytes,
            max_handles,
        }
    }

    /// The decode options in force on such a channel.
    pub(crate) fn decode_options(&self, max_bytes: usize, max_handles: usize) -> DecodeOptions {
        DecodeOptions {
            limits: self.codec_limits(max_bytes, max_handles),
            unknown_handles: self.decode.unknown_handles,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What the message layer needs of a platform's handle type beyond [`Handle`].
pub trait TransportHandle: Handle + Send + core::fmt::Debug + 'static {
    /// What one calls these in messages for people ("fds", "handles").
    const PLURAL: &'static str;

    /// Rights a handle keeps on its way out besides those its slot declares: what the
    /// channel needs to send it (Windows pushes a handle into the peer, which takes
    /// [`Rights::TRANSFER`]; the receiver's decoder narrows it to the declared rights
    /// again).
    const KEPT_FOR_SENDING: Rights;
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl TransportHandle for std::os::fd::OwnedFd {
    const PLURAL: &'static str = "fds";
    const KEPT_FOR_SENDING: Rights = Rights::NONE;
}

#[cfg(windows)]
impl TransportHandle for handoff_codec::handle::windows::WinHandle {
    const PLURAL: &'static str = "handles";
    // As in Zircon, sending needs TRANSFER on the handle as it is: the narrowed handle
    // keeps it for the trip (a right `WinHandle` keeps itself).
    const KEPT_FOR_SENDING: Rights = Rights::TRANSFER;
}

/// An error of the message layer, which each platform's error type has a variant for
/// (the same name and fields, but for [`MessageError::TooManyHandles`]).
#[derive(Debug)]
pub enum MessageError {
    /// Send: more handles than the channel's limit (`TooManyFds` on Unix).
    TooManyHandles {
        /// The number of handles given.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Send: more bytes than the channel's limit.
    MessageTooLarge {
        /// The message's size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Send: a message of no bytes.
    EmptyMessage,
    /// Send: the body could not be encoded.
    Encode(handoff_codec::Error),
    /// Send: a handle is not of the object type its slot declares.
    WrongHandleType {
        /// The handle's index in the message's handle table.
        index: usize,
        /// The object type the slot declares.
        expected: ObjectType,
        /// The handle's object type.
        found: ObjectType,
    },
    /// Send: a handle could not be narrowed to the rights its slot declares.
    HandleRights {
        /// The handle's index in the message's handle table.
        index: usize,
        /// What the handle backend said.
        source: RightsError,
    },
    /// Receive: a bad header or body.
    Malformed(handoff_codec::Error),
    /// Receive: a reply with another ordinal than its call's.
    UnexpectedOrdinal {
        /// The call's transaction id.
        txid: u32,
        /// The call's ordinal.
        expected: u64,
        /// The reply's ordinal.
        found: u64,
    },
    /// Receive: a reply to no call in flight.
    UnexpectedTxid {
        /// The transaction id of the message.
        txid: u32,
    },
    /// Receive: a two-way request reusing the txid of one in flight.
    DuplicateTxid {
        /// The transaction id of the request.
        txid: u32,
    },
    /// Receive: too many messages queued.
    QueueFull {
        /// The limit.
        limit: usize,
    },
    /// The peer closed the channel.
    PeerClosed,
    /// The connection was closed earlier.
    Closed {
        /// Why.
        reason: String,
    },
}

/// What the message layer needs of a platform's error type: a variant for each
/// [`MessageError`], and to tell the two that say the connection is closed.
/// `transport_error!` writes it.
pub trait TransportError: std::error::Error + Send + Sync + 'static {
    /// The platform's variant for `e`.
    fn from_message(e: MessageError) -> Self;

    /// Whether this is the peer closing the channel (`PeerClosed`).
    fn is_peer_closed(&self) -> bool;

    /// The reason, if this is a connection closed earlier (`Closed`).
    fn closed_reason(&self) -> Option<&str>;
}

/// Implements [`TransportError`] for a platform's error enum, whose message-layer
/// variants have [`MessageError`]'s names and fields but for the one that counts too
/// many handles (named second).
macro_rules! transport_error {
    ($error:ty, $too_many_handles:ident) => {
        impl $crate::message::TransportError for $error {
            fn from_message(e: $crate::message::MessageError) -> Self {
                use $crate::message::MessageError as M;
                match e {
                    M::TooManyHandles { count, limit } => Self::$too_many_handles { count, limit },
                    M::MessageTooLarge { size, limit } => Self::MessageTooLarge { size, limit },
                    M::EmptyMessage => Self::EmptyMessage,
                    M::Encode(e) => Self::Encode(e),
                    M::WrongHandleType {
                        index,
                        expected,
                        found,
                    } => Self::WrongHandleType {
                        index,
                        expected,
                        found,
                    },
                    M::HandleRights { index, source } => Self::HandleRights { index, source },
                    M::Malformed(e) => Self::Malformed(e),
                    M::UnexpectedOrdinal {
                        txid,
                        expected,
                        found,
                    } => Self::UnexpectedOrdinal {
                        txid,
                        expected,
                        found,
                    },
                    M::UnexpectedTxid { txid } => Self::UnexpectedTxid { txid },
                    M::DuplicateTxid { txid } => Self::DuplicateTxid { txid },
                    M::QueueFull { limit } => Self::QueueFull { limit },
                    M::PeerClosed => Self::PeerClosed,
                    M::Closed { reason } => Self::Closed { reason },
                }
            }

            fn is_peer_closed(&self) -> bool {
                matches!(self, Self::PeerClosed)
            }

            fn closed_reason(&self) -> Option<&str> {
                match self {
                    Self::Closed { reason } => Some(reason),
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use transport_error;

/// Checks a message about to be sent against a channel's limits, before any system
/// call: its size (the sum of `parts`) must be at least 1 and at most `max_bytes`, and
/// its number of handles at most each of `handle_limits` (the first one exceeded is
/// the error's). Returns the size.
pub(crate) fn check_send(
    parts: &[std::io::IoSlice<'_>],
    max_bytes: usize,
    handles: usize,
    handle_limits: &[usize],
) -> Result<usize, MessageError> {
    let size = parts
        .iter()
        .try_fold(0usize, |acc, p| acc.checked_add(p.len()))
        .ok_or(MessageError::MessageTooLarge {
            size: usize::MAX,
            limit: max_bytes,
        })?;
    if size == 0 {
        return Err(MessageError::EmptyMessage);
    }
    if size > max_bytes {
        return Err(MessageError::MessageTooLarge {
            size,
            limit: max_bytes,
        });
    }
    match handle_limits.iter().find(|&&limit| handles > limit) {
        Some(&limit) => Err(MessageError::TooManyHandles {
            count: handles,
            limit,
        }),
        None => Ok(size),
    }
}

/// The encoder side of an endpoint: one reusable [`MessageBuf`] (and a spare handle
/// vector) for every message it sends.
pub(crate) struct Outgoing<H> {
    buf: MessageBuf<H>,
    spare: Vec<H>,
}

impl<H: TransportHandle> Outgoing<H> {
    pub(crate) fn new(limits: handoff_codec::Limits) -> Self {
        Self {
            buf: MessageBuf::with_limits(limits),
            spare: Vec::new(),
        }
    }

    /// Encodes `body` after `header` and applies the dispositions: each handle is
    /// checked against the object type its slot declares and narrowed to the declared
    /// rights. On error nothing is left in the buffer and every handle of `body` was
    /// closed.
    pub(crate) fn encode<T: Encode<H>, E: TransportError>(
        &mut self,
        header: TransactionHeader,
        body: T,
    ) -> Result<(), E> {
        self.buf
            .encode_transactional(header, body)
            .map_err(|e| match e {
                // The codec's limits here are the channel's: say so in its words.
                handoff_codec::Error::HandleLimitExceeded { count, limit } => {
                    MessageError::TooManyHandles { count, limit }
                }
                handoff_codec::Error::MessageTooLarge { len, limit } => {
                    MessageError::MessageTooLarge { size: len, limit }
                }
                e => MessageError::Encode(e),
            })
            .map_err(E::from_message)?;
        let result = self.apply_dispositions().map_err(E::from_message);
        if result.is_err() {
            self.clear();
        }
        result
    }

    fn apply_dispositions(&mut self) -> Result<(), MessageError> {
        let (_, handles, dispositions) = self.buf.parts_mut();
        if handles.len() != dispositions.len() {
            // The encoder records one disposition per handle; anything else is a bug
            // there, and sending would let handles drift from their slots.
            return Err(MessageError::Encode(
                handoff_codec::Error::TooManyHandlesInMessage {
                    count: handles.len(),
                    unclaimed: handles.len().abs_diff(dispositions.len()),
                },
            ));
        }
        self.spare.clear();
        for (index, (handle, disposition)) in handles.drain(..).zip(dispositions).enumerate() {
            // On error the handles not reached yet are closed as the drain is dropped,
            // and those done already with the spare vector, by the caller's `clear`.
            self.spare
                .push(apply_disposition(index, handle, disposition)?);
        }
        core::mem::swap(handles, &mut self.spare);
        Ok(())
    }

    /// The encoded message and its handles, narrowed, for the channel to send (it may
    /// take the handles out; what it leaves is closed by [`Outgoing::clear`]).
    pub(crate) fn parts(&mut self) -> (&[u8], &mut Vec<H>) {
        let (bytes, handles, _) = self.buf.parts_mut();
        (bytes, handles)
    }

    /// Empties the buffer, closing any handles left in it (once sent, the peer has its
    /// own).
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.spare.clear();
    }
}

/// Checks `handle` against the object type its slot declares and narrows it to the
/// declared rights (`zx_channel_write_etc`'s handle dispositions), keeping
/// [`TransportHandle::KEPT_FOR_SENDING`]. On error the handle is closed.
fn apply_disposition<H: TransportHandle>(
    index: usize,
    handle: H,
    disposition: &HandleDisposition,
) -> Result<H, MessageError> {
    if disposition.object_type != ObjectType::NONE {
        let found = handle.object_type();
        if found != disposition.object_type {
            return Err(MessageError::WrongHandleType {
                index,
                expected: disposition.object_type,
                found,
            });
        }
    }
    if disposition.rights == Rights::SAME_RIGHTS {
        return Ok(handle);
    }
    handle
        .reduce_rights(disposition.rights | H::KEPT_FOR_SENDING)
        .map_err(|source| MessageError::HandleRights { index, source })
}

/// A received message whose header was validated: the header, the body (the bytes
/// after the header, in the buffer they arrived in) and the handles.
#[derive(Debug)]
pub(crate) struct Received<H> {
    pub(crate) header: TransactionHeader,
    pub(crate) body: BytesMut,
    pub(crate) handles: Vec<H>,
}

impl<H: TransportHandle> Received<H> {
    /// Takes the message just received into `buf` and `handles` out of them, checking
    /// its header; `received` is how the receive went. The body keeps sharing `buf`'s
    /// allocation, which `buf` gets back for the next message once the body is dropped
    /// (`BytesMut::reserve` reclaims it). On error `buf` and `handles` are left empty:
    /// every handle of the message is closed.
    pub(crate) fn take<E: TransportError>(
        received: Result<(), E>,
        buf: &mut BytesMut,
        handles: &mut Vec<H>,
    ) -> Result<Self, E> {
        received?;
        let header = match TransactionHeader::parse(buf) {
            Ok((header, _)) => *header,
            Err(e) => {
                buf.clear();
                handles.clear();
                return Err(E::from_message(MessageError::Malformed(e.into())));
            }
        };
        let mut body = buf.split();
        body.advance(TransactionHeader::SIZE);
        Ok(Self {
            header,
            body,
            handles: core::mem::take(handles),
        })
    }

    pub(crate) fn txid(&self) -> u32 {
        self.header.txid.get()
    }

    pub(crate) fn ordinal(&self) -> u64 {
        self.header.ordinal.get()
    }

    /// Decodes the body as a `T`; on error every handle is closed.
    pub(crate) fn decode<T: Decode<H>, E: TransportError>(
        self,
        opts: &DecodeOptions,
    ) -> Result<Decoded<T, H>, E> {
        Decoded::decode_with(self.body, self.handles, opts)
            .map_err(|e| E::from_message(MessageError::Malformed(e)))
    }
}

/// Why a connection is closed; later calls fail with its error.
#[derive(Clone, Debug)]
pub(crate) enum Closed {
    /// The peer went away: `PeerClosed`.
    Peer,
    /// An error closed it, or this end did: `Closed`.
    Local(Arc<str>),
}

impl Closed {
    /// The reason `e` (terminal) gives.
    pub(crate) fn from_error<E: TransportError>(e: &E) -> Self {
        if e.is_peer_closed() {
            Self::Peer
        } else if let Some(reason) = e.closed_reason() {
            Self::Local(reason.into())
        } else {
            Self::Local(e.to_string().into())
        }
    }

    pub(crate) fn error<E: TransportError>(&self) -> E {
        E::from_message(match self {
            Self::Peer => MessageError::PeerClosed,
            Self::Local(reason) => MessageError::Closed {
                reason: reason.to_string(),
            },
        })
    }
}

/// What an [`Incoming`] message (and a responder) needs of the endpoint it came from:
/// the decode options, and a way to close the connection when the message turns out
/// malformed.
pub(crate) trait Link: Send + Sync {
    /// The decode options in force.
    fn decode_options(&self) -> DecodeOptions;

    /// Closes the connection for `reason` (the first reason is kept): shuts the channel
    /// down, drops every queued message and wakes every waiter.
    fn close(&self, reason: Closed);
}

/// A received message that is not the reply to a call: an event (on a client) or a
/// request (on a server, inside a [`Request`](crate::generic::Request)). Its header was
/// validated; its body is decoded once the receiver knows, from the ordinal, what type
/// it is. `H` is the platform's handle type, `E` its error type.
///
/// Dropping it closes its handles.
pub struct Incoming<H: TransportHandle, E: TransportError> {
    msg: Received<H>,
    link: Arc<dyn Link>,
    error: PhantomData<fn() -> E>,
}

impl<H: TransportHandle, E: TransportError> Incoming<H, E> {
    pub(crate) fn new(msg: Received<H>, link: Arc<dyn Link>) -> Self {
        Self {
            msg,
            link,
            error: PhantomData,
        }
    }

    /// The transactional header.
    pub fn header(&self) -> &TransactionHeader {
        &self.msg.header
    }

    /// The method (or event) ordinal.
    pub fn ordinal(&self) -> u64 {
        self.msg.ordinal()
    }

    /// The transaction id: 0 for an event or a one-way request.
    pub fn txid(&self) -> u32 {
        self.msg.txid()
    }

    /// The size of the body in bytes (the message less its 16-byte header).
    pub fn body_len(&self) -> usize {
        self.msg.body.len()
    }

    /// The body's wire bytes as they arrived, before validation (each handle slot
    /// holds a presence marker; the handles travel beside the bytes).
    pub fn body(&self) -> &[u8] {
        &self.msg.body
    }

    /// The number of handles that came with the message.
    pub fn handle_count(&self) -> usize {
        self.msg.handles.len()
    }

    /// Validates the body as a `T`, in place (no copy): the result reads its fields
    /// through [`Decoded::view`] and owns the handles. A body that is not a valid `T`
    /// (including handles it has no slot for, or handles of the wrong type or rights)
    /// is a `Malformed` error, which closes the connection; every handle of the
    /// message is closed.
    pub fn decode<T: Decode<H>>(self) -> Result<Decoded<T, H>, E> {
        let opts = self.link.decode_options();
        self.msg.decode(&opts).inspect_err(|e| {
            self.link.close(Closed::from_error(e));
        })
    }

    /// Refuses the message (an ordinal this end does not know, say): closes the
    /// connection with `reason` and the message's handles.
    pub fn reject(self, reason: &str) {
        self.link.close(Closed::Local(reason.into()));
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl<E: TransportError> Incoming<std::os::fd::OwnedFd, E> {
    /// The number of fds that came with the message.
    pub fn fd_count(&self) -> usize {
        self.handle_count()
    }
}

impl<H: TransportHandle, E: TransportError> core::fmt::Debug for Incoming<H, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Incoming")
            .field("txid", &self.txid())
            .field("ordinal", &format_args!("{:#x}", self.ordinal()))
            .field("body_len", &self.body_len())
            .field(H::PLURAL, &self.handle_count())
            .finish()
    }
}
