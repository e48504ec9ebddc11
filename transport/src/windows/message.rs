//! Transactional messages over a channel: the 16-byte header on every message, bodies
//! encoded and decoded by the codec, handle dispositions applied before sending, and
//! the bookkeeping of transaction ids. The same rules as the Unix transport's message
//! layer, with [`WinHandle`]s in place of fds.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use bytes::{Buf, BytesMut};
use handoff_codec::handle::windows::WinHandle;
use handoff_codec::handle::{Handle, HandleDisposition, ObjectType, Rights};
use handoff_codec::{Decode, DecodeOptions, Decoded, Encode, MessageBuf};
use handoff_wire::TransactionHeader;

use super::{Error, Limits, Result};

/// How a [`Client`](super::Client) or [`Server`](super::Server) (blocking or async)
/// treats what it receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// How bodies are decoded: the out-of-line depth limit and the policy for handles in
    /// unknown members of value types. Its byte and handle limits are not used: the
    /// channel's [`Limits`] are the limits of every message, sent or received (a
    /// message over them is refused before it is sent, and rejected before it is
    /// decoded).
    pub decode: DecodeOptions,
    /// The most received messages held for later: events that arrive while a client
    /// waits for a reply, until [`Client::recv_event`](super::Client::recv_event) takes
    /// them. Each one may hold handles, so this bounds what a peer can make the receiver
    /// keep open. One more is [`Error::QueueFull`], which closes the connection.
    /// Default 256.
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

    /// The codec limits in force on a channel with `limits`: this depth limit, the
    /// channel's bytes and handles.
    pub(crate) fn codec_limits(&self, limits: &Limits) -> handoff_codec::Limits {
        handoff_codec::Limits {
            max_depth: self.decode.limits.max_depth,
            max_bytes: limits.max_bytes(),
            max_handles: limits.max_handles(),
        }
    }

    /// The decode options in force on a channel with `limits`.
    pub(crate) fn decode_options(&self, limits: &Limits) -> DecodeOptions {
        DecodeOptions {
            limits: self.codec_limits(limits),
            unknown_handles: self.decode.unknown_handles,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The encoder side of an endpoint: one reusable [`MessageBuf`] (and a spare handle
/// vector) for every message it sends.
pub(crate) struct Outgoing {
    buf: MessageBuf<WinHandle>,
    spare: Vec<WinHandle>,
}

impl Outgoing {
    pub(crate) fn new(limits: handoff_codec::Limits) -> Self {
        Self {
            buf: MessageBuf::with_limits(limits),
            spare: Vec::new(),
        }
    }

    /// Encodes `body` after `header` and applies the dispositions: each handle is checked
    /// against the object type its slot declares and narrowed to the declared rights.
    /// On error nothing is left in the buffer and every handle of `body` was closed.
    pub(crate) fn encode<T: Encode<WinHandle>>(
        &mut self,
        header: TransactionHeader,
        body: T,
    ) -> Result<()> {
        self.buf
            .encode_transactional(header, body)
            .map_err(|e| match e {
                // The codec's limits here are the channel's: say so in its words.
                handoff_codec::Error::HandleLimitExceeded { count, limit } => {
                    Error::TooManyHandles { count, limit }
                }
                handoff_codec::Error::MessageTooLarge { len, limit } => {
                    Error::MessageTooLarge { size: len, limit }
                }
                e => Error::Encode(e),
            })?;
        let result = self.apply_dispositions();
        if result.is_err() {
            self.clear();
        }
        result
    }

    fn apply_dispositions(&mut self) -> Result<()> {
        let (_, handles, dispositions) = self.buf.parts_mut();
        if handles.len() != dispositions.len() {
            // The encoder records one disposition per handle; anything else is a bug
            // there, and sending would let handles drift from their slots.
            return Err(Error::Encode(
                handoff_codec::Error::TooManyHandlesInMessage {
                    count: handles.len(),
                    unclaimed: handles.len().abs_diff(dispositions.len()),
                },
            ));
        }
        self.spare.clear();
        for (index, (handle, disposition)) in handles.drain(..).zip(dispositions).enumerate() {
            // On error the handles not reached yet are closed as the drain is dropped, and
            // those done already with the spare vector, by the caller's `clear`.
            self.spare
                .push(apply_disposition(index, handle, disposition)?);
        }
        core::mem::swap(handles, &mut self.spare);
        Ok(())
    }

    /// The encoded message.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.buf.bytes()
    }

    /// Takes its handles, narrowed, out (to be pushed into the peer).
    pub(crate) fn take_handles(&mut self) -> Vec<WinHandle> {
        let (_, handles, _) = self.buf.parts_mut();
        core::mem::take(handles)
    }

    /// Empties the buffer, closing any handles left in it.
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.spare.clear();
    }
}

/// Checks `handle` against the object type its slot declares and narrows it to the
/// declared rights (`zx_channel_write_etc`'s handle dispositions). On error the handle
/// is closed.
///
/// As in Zircon, sending needs [`Rights::TRANSFER`] on the handle as it is, not among
/// the declared rights: the narrowed handle keeps `TRANSFER` for the trip (it is a
/// right `WinHandle` keeps itself, and the receiver's decoder narrows what arrives to
/// the declared rights again).
fn apply_disposition(
    index: usize,
    handle: WinHandle,
    disposition: &HandleDisposition,
) -> Result<WinHandle> {
    if disposition.object_type != ObjectType::NONE {
        let found = handle.object_type();
        if found != disposition.object_type {
            return Err(Error::WrongHandleType {
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
        .reduce_rights(disposition.rights | Rights::TRANSFER)
        .map_err(|source| Error::HandleRights { index, source })
}

/// A received message whose header was validated: the header, the body (the bytes
/// after the header, in the buffer they arrived in) and the handles.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) header: TransactionHeader,
    pub(crate) body: BytesMut,
    pub(crate) handles: Vec<WinHandle>,
}

impl Received {
    /// Takes the message just received into `buf` and `handles` out of them, checking its
    /// header. The body keeps sharing `buf`'s allocation, which `buf` gets back for the
    /// next message once the body is dropped (`BytesMut::reserve` reclaims it). On error
    /// `buf` and `handles` are left empty: every handle of the message is closed.
    pub(crate) fn take(buf: &mut BytesMut, handles: &mut Vec<WinHandle>) -> Result<Self> {
        let header = match TransactionHeader::parse(buf) {
            Ok((header, _)) => *header,
            Err(e) => {
                buf.clear();
                handles.clear();
                return Err(Error::Malformed(e.into()));
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
    pub(crate) fn decode<T: Decode<WinHandle>>(
        self,
        opts: &DecodeOptions,
    ) -> Result<Decoded<T, WinHandle>> {
        Decoded::decode_with(self.body, self.handles, opts).map_err(Error::Malformed)
    }
}

/// Why a connection is closed; later calls fail with its error.
#[derive(Clone, Debug)]
pub(crate) enum Closed {
    /// The peer went away: [`Error::PeerClosed`].
    Peer,
    /// An error closed it, or this end did: [`Error::Closed`].
    Local(Arc<str>),
}

impl Closed {
    /// The reason `e` (terminal) gives.
    pub(crate) fn from_error(e: &Error) -> Self {
        match e {
            Error::PeerClosed => Self::Peer,
            Error::Closed { reason } => Self::Local(reason.as_str().into()),
            e => Self::Local(e.to_string().into()),
        }
    }

    pub(crate) fn error(&self) -> Error {
        match self {
            Self::Peer => Error::PeerClosed,
            Self::Local(reason) => Error::Closed {
                reason: reason.to_string(),
            },
        }
    }
}

/// What an [`Incoming`](super::Incoming) message (and a responder) needs of the
/// endpoint it came from: the decode options, and a way to close the connection when
/// the message turns out malformed.
pub(crate) trait Link: Send + Sync {
    /// The decode options in force.
    fn decode_options(&self) -> DecodeOptions;

    /// Closes the connection for `reason` (the first reason is kept): shuts the channel
    /// down, drops every queued message and wakes every waiter.
    fn close(&self, reason: Closed);
}

/// A received message that is not the reply to a call: an event (on a client) or a
/// request (on a server, inside a [`Request`](super::Request)). Its header was
/// validated; its body is decoded once the receiver knows, from the ordinal, what type
/// it is.
///
/// Dropping it closes its handles.
pub struct Incoming {
    msg: Received,
    link: Arc<dyn Link>,
}

impl Incoming {
    pub(crate) fn new(msg: Received, link: Arc<dyn Link>) -> Self {
        Self { msg, link }
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
    /// (including handles it has no slot for, or handles of the wrong type or rights) is
    /// [`Error::Malformed`], which closes the connection; every handle of the message is
    /// closed.
    pub fn decode<T: Decode<WinHandle>>(self) -> Result<Decoded<T, WinHandle>> {
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

impl core::fmt::Debug for Incoming {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Incoming")
            .field("txid", &self.txid())
            .field("ordinal", &format_args!("{:#x}", self.ordinal()))
            .field("body_len", &self.body_len())
            .field("handles", &self.handle_count())
            .finish()
    }
}

/// The state of one call in flight.
#[derive(Debug)]
enum Call {
    /// Sent, no reply yet.
    Waiting { ordinal: u64 },
    /// The reply is here, for the caller to take.
    Replied(Received),
    /// The caller gave up: the reply will be dropped when it comes (its txid stays
    /// reserved until then).
    Abandoned { ordinal: u64 },
}

/// The client side's bookkeeping: transaction ids in flight, replies and events that
/// arrived for someone else, whether a caller is reading the pipe, and whether the
/// connection is closed.
#[derive(Debug)]
pub(crate) struct ClientState {
    next_txid: u32,
    calls: HashMap<u32, Call>,
    events: VecDeque<Received>,
    max_queued: usize,
    /// Whether a caller is in `recv` on the pipe (it alone reads).
    pub(crate) reading: bool,
    /// The receive buffers, reused for every message; taken by the reader.
    pub(crate) buffers: Option<(BytesMut, Vec<WinHandle>)>,
    pub(crate) closed: Option<Closed>,
}

/// Transaction ids are drawn from `1..=MAX_TXID`, counting up and wrapping; 0 means a
/// one-way message or an event.
const MAX_TXID: u32 = 0x7FFF_FFFF;

impl ClientState {
    pub(crate) fn new(max_queued: usize) -> Self {
        Self {
            next_txid: 1,
            calls: HashMap::new(),
            events: VecDeque::new(),
            max_queued,
            reading: false,
            buffers: Some((BytesMut::new(), Vec::new())),
            closed: None,
        }
    }

    /// Fails if the connection is closed.
    pub(crate) fn check_open(&self) -> Result<()> {
        match &self.closed {
            Some(closed) => Err(closed.error()),
            None => Ok(()),
        }
    }

    /// Reserves a transaction id for a call of `ordinal`: the next one not in flight.
    pub(crate) fn begin_call(&mut self, ordinal: u64) -> Result<u32> {
        self.check_open()?;
        // At most `calls.len()` ids are taken, so this ends within `calls.len() + 1`
        // steps (the map would need 2^31 entries to be full).
        loop {
            let txid = self.next_txid;
            self.next_txid = if txid >= MAX_TXID { 1 } else { txid + 1 };
            if let std::collections::hash_map::Entry::Vacant(slot) = self.calls.entry(txid) {
                slot.insert(Call::Waiting { ordinal });
                return Ok(txid);
            }
        }
    }

    /// Forgets a call whose request was never sent.
    pub(crate) fn cancel_call(&mut self, txid: u32) {
        self.calls.remove(&txid);
    }

    /// Gives up on a call that was sent: a reply already here is dropped (its handles
    /// closed); one still to come will be.
    pub(crate) fn abandon_call(&mut self, txid: u32) {
        match self.calls.remove(&txid) {
            Some(Call::Waiting { ordinal } | Call::Abandoned { ordinal })
                if self.closed.is_none() =>
            {
                self.calls.insert(txid, Call::Abandoned { ordinal });
            }
            Some(Call::Replied(reply)) => drop(reply),
            Some(Call::Waiting { .. } | Call::Abandoned { .. }) | None => {}
        }
    }

    /// The reply to call `txid` if it is here (`Some(Ok)`), the error that closed the
    /// connection (`Some(Err)`, the call forgotten), or `None` to wait.
    pub(crate) fn take_reply(&mut self, txid: u32) -> Option<Result<Received>> {
        if let Some(Call::Replied(_)) = self.calls.get(&txid) {
            if let Some(Call::Replied(reply)) = self.calls.remove(&txid) {
                return Some(Ok(reply));
            }
        }
        if let Some(closed) = &self.closed {
            self.calls.remove(&txid);
            return Some(Err(closed.error()));
        }
        None
    }

    /// The next event if one is queued, the error that closed the connection, or `None`
    /// to wait.
    pub(crate) fn take_event(&mut self) -> Option<Result<Received>> {
        if let Some(event) = self.events.pop_front() {
            return Some(Ok(event));
        }
        self.closed.as_ref().map(|closed| Err(closed.error()))
    }

    /// Files a message the reader received: a reply goes to its call, an event (txid
    /// 0) to the queue. Any error is terminal, and `msg` (its handles) is dropped.
    pub(crate) fn route(&mut self, msg: Received) -> Result<()> {
        let txid = msg.txid();
        if txid == 0 {
            if self.events.len() >= self.max_queued {
                return Err(Error::QueueFull {
                    limit: self.max_queued,
                });
            }
            self.events.push_back(msg);
            return Ok(());
        }
        let expected = match self.calls.get(&txid) {
            Some(Call::Waiting { ordinal } | Call::Abandoned { ordinal }) => *ordinal,
            Some(Call::Replied(_)) | None => return Err(Error::UnexpectedTxid { txid }),
        };
        if msg.ordinal() != expected {
            return Err(Error::UnexpectedOrdinal {
                txid,
                expected,
                found: msg.ordinal(),
            });
        }
        match self.calls.remove(&txid) {
            Some(Call::Waiting { .. }) => {
                self.calls.insert(txid, Call::Replied(msg));
            }
            // Nobody waits for it: the reply and its handles are dropped, the txid freed.
            _ => drop(msg),
        }
        Ok(())
    }

    /// Records that the connection is closed (keeping the first reason) and drops every
    /// queued message. Calls in flight learn it when they look.
    pub(crate) fn close(&mut self, reason: Closed) {
        if self.closed.is_none() {
            self.closed = Some(reason);
        }
        self.events.clear();
        self.calls
            .retain(|_, call| matches!(call, Call::Waiting { .. }));
    }
}

/// The server side's bookkeeping: two-way requests not answered yet, and whether the
/// connection is closed.
#[derive(Debug, Default)]
pub(crate) struct ServerState {
    in_flight: HashSet<u32>,
    pub(crate) closed: Option<Closed>,
}

impl ServerState {
    /// Fails if the connection is closed.
    pub(crate) fn check_open(&self) -> Result<()> {
        match &self.closed {
            Some(closed) => Err(closed.error()),
            None => Ok(()),
        }
    }

    /// Registers a received request: a two-way one (nonzero txid) must not reuse the
    /// txid of one still in flight. An error is terminal.
    pub(crate) fn begin_request(&mut self, txid: u32) -> Result<()> {
        self.check_open()?;
        if txid != 0 && !self.in_flight.insert(txid) {
            return Err(Error::DuplicateTxid { txid });
        }
        Ok(())
    }

    /// The request `txid` was answered (or will never be).
    pub(crate) fn end_request(&mut self, txid: u32) {
        self.in_flight.remove(&txid);
    }

    /// Records that the connection is closed (keeping the first reason).
    pub(crate) fn close(&mut self, reason: Closed) {
        if self.closed.is_none() {
            self.closed = Some(reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(txid: u32, ordinal: u64) -> Received {
        Received {
            header: TransactionHeader::new(txid, ordinal, 0),
            body: BytesMut::new(),
            handles: Vec::new(),
        }
    }

    #[test]
    fn txids_skip_zero_and_those_in_flight() {
        let mut state = ClientState::new(4);
        state.next_txid = MAX_TXID;
        assert_eq!(state.begin_call(7).unwrap(), MAX_TXID);
        assert_eq!(state.begin_call(7).unwrap(), 1, "wraps past 0");
        assert_eq!(state.begin_call(7).unwrap(), 2);
        state.next_txid = MAX_TXID;
        assert_eq!(
            state.begin_call(7).unwrap(),
            3,
            "MAX_TXID, 1 and 2 are in flight"
        );
    }

    #[test]
    fn an_abandoned_call_keeps_its_txid_until_the_reply() {
        let mut state = ClientState::new(4);
        let txid = state.begin_call(9).unwrap();
        state.abandon_call(txid);
        state.next_txid = txid;
        assert_ne!(state.begin_call(9).unwrap(), txid, "still reserved");
        state.route(reply(txid, 9)).unwrap();
        state.next_txid = txid;
        assert_eq!(state.begin_call(9).unwrap(), txid, "free again");
    }

    #[test]
    fn routing_rejects_strangers() {
        let mut state = ClientState::new(1);
        let txid = state.begin_call(5).unwrap();
        assert!(matches!(
            state.route(reply(txid + 1, 5)),
            Err(Error::UnexpectedTxid { .. })
        ));
        assert!(matches!(
            state.route(reply(txid, 6)),
            Err(Error::UnexpectedOrdinal {
                expected: 5,
                found: 6,
                ..
            })
        ));
        state.route(reply(txid, 5)).unwrap();
        assert!(matches!(
            state.route(reply(txid, 5)),
            Err(Error::UnexpectedTxid { .. })
        ));
        state.route(reply(0, 1)).unwrap();
        assert!(matches!(
            state.route(reply(0, 1)),
            Err(Error::QueueFull { limit: 1 })
        ));
        assert!(state.take_reply(txid).unwrap().is_ok());
        state.close(Closed::Peer);
        assert!(matches!(state.take_event(), Some(Err(Error::PeerClosed))));
    }

    #[test]
    fn a_server_refuses_a_txid_in_flight() {
        let mut state = ServerState::default();
        state.begin_request(0).unwrap();
        state.begin_request(0).unwrap();
        state.begin_request(3).unwrap();
        assert!(matches!(
            state.begin_request(3),
            Err(Error::DuplicateTxid { txid: 3 })
        ));
        state.end_request(3);
        state.begin_request(3).unwrap();
    }
}
