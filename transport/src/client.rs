//! The client, over any channel: calls matched to their replies by transaction id,
//! one-way requests, and events. The blocking methods are here; the async ones (on an
//! `AsyncChannel`) are in `async_client.rs`.

use std::sync::{Arc, PoisonError};

use handoff_codec::{Decode, Decoded, Encode};
use handoff_wire::TransactionHeader;

use crate::endpoint::{Endpoint, Kit, RawChannel, Transport, lock};
use crate::message::{Incoming, Options, Received};
use crate::state::{ClientState, Turn};

/// A client's shared part.
pub(crate) type ClientInner<C> =
    Endpoint<C, ClientState<<C as Transport>::Handle, <C as Transport>::Error>>;

/// The calling end of a connection: sends requests, two-way ([`Client::call`]) or
/// one-way ([`Client::send_one_way`]), and receives replies and events, over the
/// channel `C`.
///
/// Every message carries the 16-byte transactional header. A call takes a fresh
/// transaction id (nonzero, never one still in flight), and its reply is the message
/// that comes back with that txid, which must carry the call's ordinal. Calls may be
/// made from several threads (or tasks) at once (the client is `Sync`, and cheap to
/// clone): one of the waiting callers reads the channel at a time and hands each reply
/// to its caller, so replies may come in any order. Events (txid 0) that arrive
/// meanwhile are queued for [`Client::recv_event`].
///
/// Anything wrong with a received message (a bad header, a reply to no call, a reply
/// with another ordinal, a body that is not the expected type, handles over the
/// limits) is terminal, as in FIDL: the connection is shut down, the message's handles
/// closed, and every later call fails with the platform's `Error::Closed` (or
/// `Error::PeerClosed` once the peer is gone).
///
/// On an `AsyncChannel` (the `AsyncClient`), every future is cancel-safe in the sense
/// that matters here: dropping a call before its request went out sends nothing;
/// dropping it after abandons the call (its reply is dropped when it comes); dropping
/// `recv_event` takes no event.
pub struct Client<C: Transport> {
    pub(crate) inner: Arc<ClientInner<C>>,
}

impl<C: Transport> Clone for Client<C> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<C: Transport> Client<C> {
    /// A client on `channel` with the default [`Options`].
    pub fn new(channel: C) -> Self {
        Self::with_options(channel, Options::DEFAULT)
    }

    /// A client on `channel`. Messages are bounded by the channel's limits, both ways.
    pub fn with_options(channel: C, options: Options) -> Self {
        let state = ClientState::new(options.max_queued);
        Self {
            inner: Arc::new(Endpoint::new(channel, &options, state)),
        }
    }

    /// Closes the connection: the peer reads the end of the stream, and every call in
    /// flight and every later one fails with the platform's `Error::Closed`.
    pub fn close(&self) {
        self.inner.close_here();
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.inner.closed_error().is_some()
    }

    /// Reserves a transaction id for a call of `ordinal`; the call is forgotten if it
    /// is dropped before its request is marked sent.
    pub(crate) fn begin_call(&self, ordinal: u64) -> Result<PendingCall<'_, C>, C::Error> {
        let txid = lock(&self.inner.state).begin_call(ordinal)?;
        Ok(PendingCall {
            client: self,
            txid,
            sent: false,
            waited: false,
        })
    }

    /// An event the client received.
    pub(crate) fn event(&self, msg: Received<C::Handle>) -> Incoming<C::Handle, C::Error> {
        Incoming::new(msg, self.inner.clone())
    }
}

impl<C: RawChannel> Client<C> {
    /// Sends a one-way request (txid 0) of `ordinal` with `body`.
    ///
    /// Before sending, each handle is checked against the object type its slot
    /// declares and narrowed to the declared rights (`Error::WrongHandleType`,
    /// `Error::HandleRights`); none is left here on return: each one was sent (the
    /// peer has it), or closed.
    pub fn send_one_way<T: Encode<C::Handle>>(
        &self,
        ordinal: u64,
        body: T,
    ) -> Result<(), C::Error> {
        self.inner.send(TransactionHeader::new(0, ordinal, 0), body)
    }

    /// Calls method `ordinal` with `request` and waits for the reply, which is
    /// validated as a `Resp` (zero-copy: it is read in place through
    /// [`Decoded::view`]).
    ///
    /// The request is sent as [`Client::send_one_way`] sends; the reply must carry the
    /// same ordinal (`Error::UnexpectedOrdinal` otherwise).
    pub fn call<Req: Encode<C::Handle>, Resp: Decode<C::Handle>>(
        &self,
        ordinal: u64,
        request: Req,
    ) -> Result<Decoded<Resp, C::Handle>, C::Error> {
        self.start_call(ordinal, request)?.wait()
    }

    /// Sends the request of a call and returns at once: [`PendingCall::wait`] waits for
    /// its reply. Several calls may be in flight, and their replies come in any order.
    pub fn start_call<Req: Encode<C::Handle>>(
        &self,
        ordinal: u64,
        request: Req,
    ) -> Result<PendingCall<'_, C>, C::Error> {
        let mut call = self.begin_call(ordinal)?;
        self.inner.send(call.header(ordinal), request)?;
        call.sent = true;
        Ok(call)
    }

    /// Waits for the next event (a message with txid 0). Its body is decoded with
    /// [`Incoming::decode`] once its ordinal says what it is.
    pub fn recv_event(&self) -> Result<Incoming<C::Handle, C::Error>, C::Error> {
        let msg = self.wait(ClientState::take_event)?;
        Ok(self.event(msg))
    }

    /// Waits until `take` finds what the caller waits for, reading the channel in turn
    /// with the other waiting callers.
    fn wait<R>(
        &self,
        mut take: impl FnMut(&mut ClientState<C::Handle, C::Error>) -> Option<Result<R, C::Error>>,
    ) -> Result<R, C::Error> {
        let inner = &*self.inner;
        let mut state = lock(&inner.state);
        loop {
            match state.turn(&mut take) {
                Turn::Done(found) => return found,
                Turn::Read => {}
                Turn::Wait => {
                    state = inner
                        .wake
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                    continue;
                }
            }
            // Nobody else reads: this caller does, without holding the lock.
            drop(state);
            let received = inner.receive(|_| Ok(()));
            state = lock(&inner.state);
            state.end_read();
            let filed = state.file(received, &mut take);
            inner.wake.notify_all();
            if let Err(e) = filed {
                drop(state);
                inner.channel.shutdown();
                return Err(e);
            }
        }
    }
}

impl<C: Transport> core::fmt::Debug for Client<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.inner.debug("Client", f)
    }
}

/// A call whose request was sent; [`PendingCall::wait`] waits for the reply. Dropping
/// it (or, async, the `wait` future) abandons the call: its reply, when it comes, is
/// dropped (its handles closed).
#[must_use = "a call's reply is dropped unless waited for"]
pub struct PendingCall<'c, C: Transport> {
    pub(crate) client: &'c Client<C>,
    txid: u32,
    pub(crate) sent: bool,
    pub(crate) waited: bool,
}

impl<C: Transport> PendingCall<'_, C> {
    /// The call's transaction id.
    pub fn txid(&self) -> u32 {
        self.txid
    }

    /// The header of the call's request.
    pub(crate) fn header(&self, ordinal: u64) -> TransactionHeader {
        TransactionHeader::new(self.txid, ordinal, 0)
    }
}

impl<C: RawChannel> PendingCall<'_, C> {
    /// Waits for the reply and validates it as a `Resp`.
    pub fn wait<Resp: Decode<C::Handle>>(mut self) -> Result<Decoded<Resp, C::Handle>, C::Error> {
        self.waited = true;
        let (client, txid) = (self.client, self.txid);
        let reply = client.wait(|state| state.take_reply(txid))?;
        client.inner.decode(reply)
    }
}

impl<C: Transport> Drop for PendingCall<'_, C> {
    fn drop(&mut self) {
        if self.waited {
            return;
        }
        let mut state = lock(&self.client.inner.state);
        if self.sent {
            state.abandon_call(self.txid);
        } else {
            state.cancel_call(self.txid);
        }
    }
}

impl<C: Transport> core::fmt::Debug for PendingCall<'_, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct(&format!("{}PendingCall", C::Kit::PREFIX))
            .field("client", self.client)
            .field("txid", &self.txid)
            .field("sent", &self.sent)
            .field("waited", &self.waited)
            .finish()
    }
}
