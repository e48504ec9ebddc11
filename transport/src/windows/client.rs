//! The blocking client: calls matched to their replies by transaction id, one-way
//! requests, and events.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use handoff_codec::handle::windows::WinHandle;
use handoff_codec::{Decode, DecodeOptions, Decoded, Encode};
use handoff_wire::TransactionHeader;

use super::message::{ClientState, Closed, Link, Outgoing, Received};
use super::{Channel, Error, Incoming, Options, Result};

/// Locks `m`, going on if another thread panicked while holding it (every state here
/// stays consistent between statements).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The calling end of a connection: sends requests, two-way ([`Client::call`]) or
/// one-way ([`Client::send_one_way`]), and receives replies and events.
///
/// Every message carries the 16-byte transactional header. A call takes a fresh
/// transaction id (nonzero, never one still in flight), and its reply is the message
/// that comes back with that txid, which must carry the call's ordinal. Calls may be
/// made from several threads at once (the client is `Sync`, and cheap to clone): one
/// of the waiting callers reads the pipe at a time and hands each reply to its
/// caller, so replies may come in any order. Events (txid 0) that arrive meanwhile
/// are queued for [`Client::recv_event`].
///
/// Anything wrong with a received message (a bad header, a reply to no call, a reply
/// with another ordinal, a body that is not the expected type, handles over the limits) is
/// terminal, as in FIDL: the connection is shut down, the message's handles closed, and
/// every later call fails with [`Error::Closed`] (or [`Error::PeerClosed`] once the
/// peer is gone).
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    channel: Channel,
    decode: DecodeOptions,
    out: Mutex<Outgoing>,
    state: Mutex<ClientState>,
    wake: Condvar,
}

impl Link for ClientInner {
    fn decode_options(&self) -> DecodeOptions {
        self.decode
    }

    fn close(&self, reason: Closed) {
        lock(&self.state).close(reason);
        self.channel.shutdown();
        self.wake.notify_all();
    }
}

impl ClientInner {
    /// The error that closed the connection, if it is closed.
    fn closed_error(&self) -> Option<Error> {
        lock(&self.state).closed.as_ref().map(Closed::error)
    }

    /// Sends one message; a peer that is gone closes the connection.
    fn send<T: Encode<WinHandle>>(&self, header: TransactionHeader, body: T) -> Result<()> {
        if let Some(e) = self.closed_error() {
            return Err(e);
        }
        let result = self
            .channel
            .send_message(&mut lock(&self.out), header, body);
        match result {
            Err(e @ Error::PeerClosed) => {
                // The channel may have been shut down by this end: report why.
                let e = self.closed_error().unwrap_or(e);
                self.close(Closed::from_error(&e));
                Err(e)
            }
            other => other,
        }
    }

    /// Waits until `take` finds what the caller waits for, reading the pipe in turn
    /// with the other waiting callers.
    fn wait<R>(&self, mut take: impl FnMut(&mut ClientState) -> Option<Result<R>>) -> Result<R> {
        let mut state = lock(&self.state);
        loop {
            if let Some(found) = take(&mut state) {
                return found;
            }
            if state.reading {
                state = self
                    .wake
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            // Nobody reads: this caller does, without holding the lock.
            state.reading = true;
            let (mut buf, mut handles) = state.buffers.take().unwrap_or_default();
            drop(state);
            let received = self
                .channel
                .recv(&mut buf, &mut handles)
                .and_then(|()| Received::take(&mut buf, &mut handles));
            state = lock(&self.state);
            state.reading = false;
            state.buffers = Some((buf, handles));
            let routed = received.and_then(|msg| state.route(msg));
            self.wake.notify_all();
            if let Err(e) = routed {
                // Terminal. If this end closed the connection first (which is what made
                // the read fail), that is the reason to report.
                let e = state.closed.as_ref().map(Closed::error).unwrap_or(e);
                state.close(Closed::from_error(&e));
                // Let `take` forget what this caller waited for.
                let _ = take(&mut state);
                drop(state);
                self.channel.shutdown();
                return Err(e);
            }
        }
    }

    /// Decodes a reply; a malformed one closes the connection.
    fn decode<T: Decode<WinHandle>>(&self, reply: Received) -> Result<Decoded<T, WinHandle>> {
        reply
            .decode(&self.decode)
            .inspect_err(|e| self.close(Closed::from_error(e)))
    }
}

impl Client {
    /// A client on `channel` with the default [`Options`].
    pub fn new(channel: Channel) -> Self {
        Self::with_options(channel, Options::DEFAULT)
    }

    /// A client on `channel`. Messages are bounded by the channel's
    /// [`Limits`](super::Limits), both ways.
    pub fn with_options(channel: Channel, options: Options) -> Self {
        let limits = channel.limits();
        Self {
            inner: Arc::new(ClientInner {
                decode: options.decode_options(&limits),
                out: Mutex::new(Outgoing::new(options.codec_limits(&limits))),
                state: Mutex::new(ClientState::new(options.max_queued)),
                wake: Condvar::new(),
                channel,
            }),
        }
    }

    /// Sends a one-way request (txid 0) of `ordinal` with `body`.
    ///
    /// Before sending, each handle is checked against the object type its slot declares and
    /// narrowed to the declared rights ([`Error::WrongHandleType`],
    /// [`Error::HandleRights`]); none is left here on return: each one was pushed into
    /// the peer, or closed.
    pub fn send_one_way<T: Encode<WinHandle>>(&self, ordinal: u64, body: T) -> Result<()> {
        self.inner.send(TransactionHeader::new(0, ordinal, 0), body)
    }

    /// Calls method `ordinal` with `request` and waits for the reply, which is
    /// validated as a `Resp` (zero-copy: it is read in place through
    /// [`Decoded::view`]).
    ///
    /// The request is sent as [`Client::send_one_way`] sends; the reply must carry the
    /// same ordinal ([`Error::UnexpectedOrdinal`] otherwise).
    pub fn call<Req: Encode<WinHandle>, Resp: Decode<WinHandle>>(
        &self,
        ordinal: u64,
        request: Req,
    ) -> Result<Decoded<Resp, WinHandle>> {
        self.start_call(ordinal, request)?.wait()
    }

    /// Sends the request of a call and returns at once: [`PendingCall::wait`] waits for
    /// its reply. Several calls may be in flight, and their replies come in any order.
    pub fn start_call<Req: Encode<WinHandle>>(
        &self,
        ordinal: u64,
        request: Req,
    ) -> Result<PendingCall<'_>> {
        let txid = lock(&self.inner.state).begin_call(ordinal)?;
        match self
            .inner
            .send(TransactionHeader::new(txid, ordinal, 0), request)
        {
            Ok(()) => Ok(PendingCall {
                client: self,
                txid,
                waited: false,
            }),
            Err(e) => {
                lock(&self.inner.state).cancel_call(txid);
                Err(e)
            }
        }
    }

    /// Waits for the next event (a message with txid 0). Its body is decoded with
    /// [`Incoming::decode`] once its ordinal says what it is.
    pub fn recv_event(&self) -> Result<Incoming> {
        let msg = self.inner.wait(ClientState::take_event)?;
        Ok(Incoming::new(msg, self.inner.clone()))
    }

    /// Closes the connection: the peer reads the end of the stream, and every call in
    /// flight and every later one fails with [`Error::Closed`].
    pub fn close(&self) {
        self.inner.close(Closed::Local("closed by this end".into()));
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.inner.closed_error().is_some()
    }
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("channel", &self.inner.channel)
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// A call whose request was sent; [`PendingCall::wait`] waits for the reply. Dropping
/// it abandons the call: its reply, when it comes, is dropped (its handles closed).
#[derive(Debug)]
#[must_use = "a call's reply is dropped unless waited for"]
pub struct PendingCall<'c> {
    client: &'c Client,
    txid: u32,
    waited: bool,
}

impl PendingCall<'_> {
    /// The call's transaction id.
    pub fn txid(&self) -> u32 {
        self.txid
    }

    /// Waits for the reply and validates it as a `Resp`.
    pub fn wait<Resp: Decode<WinHandle>>(mut self) -> Result<Decoded<Resp, WinHandle>> {
        self.waited = true;
        let txid = self.txid;
        let inner = &self.client.inner;
        let reply = inner.wait(|state| state.take_reply(txid))?;
        inner.decode(reply)
    }
}

impl Drop for PendingCall<'_> {
    fn drop(&mut self) {
        if !self.waited {
            lock(&self.client.inner.state).abandon_call(self.txid);
        }
    }
}
