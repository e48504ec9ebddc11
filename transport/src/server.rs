//! The server, over any channel: requests received with a responder that answers with
//! the request's transaction id, and events. The blocking methods are here; the async
//! ones (on an `AsyncChannel`) are in `async_server.rs`.

use std::sync::Arc;

use handoff_codec::{Decode, Decoded, Encode};
use handoff_wire::TransactionHeader;

use crate::endpoint::{Endpoint, Kit, RawChannel, Transport, lock};
use crate::message::{Closed, Incoming, Link, Options, Received};
use crate::state::ServerState;

/// A server's shared part.
pub(crate) type ServerInner<C> = Endpoint<C, ServerState<<C as Transport>::Error>>;

/// The serving end of a connection: receives requests ([`Server::recv`]), answers the
/// two-way ones through their [`Responder`], and sends events
/// ([`Server::send_event`]), over the channel `C`.
///
/// Every message carries the 16-byte transactional header; a reply carries the txid
/// and the ordinal of its request. Anything wrong with a received message (a bad
/// header, a body that is not the expected type, a two-way request reusing the txid of
/// one not answered yet, handles over the limits) is terminal, as in FIDL: the
/// connection is shut down, the message's handles closed, and every later call fails
/// with the platform's `Error::Closed` (or `Error::PeerClosed` once the peer is gone).
///
/// The server is `Sync` and cheap to clone: one thread (or task) may receive while
/// others reply. On an `AsyncChannel` (the `AsyncServer`), dropping `recv` before it
/// completes takes no request.
pub struct Server<C: Transport> {
    pub(crate) inner: Arc<ServerInner<C>>,
}

impl<C: Transport> Clone for Server<C> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<C: Transport> Server<C> {
    /// A server on `channel` with the default [`Options`].
    pub fn new(channel: C) -> Self {
        Self::with_options(channel, Options::DEFAULT)
    }

    /// A server on `channel`. Messages are bounded by the channel's limits, both ways.
    pub fn with_options(channel: C, options: Options) -> Self {
        Self {
            inner: Arc::new(Endpoint::new(channel, &options, ServerState::default())),
        }
    }

    /// Closes the connection: the peer reads the end of the stream, and every later
    /// call fails with the platform's `Error::Closed`.
    pub fn close(&self) {
        self.inner.close_here();
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.inner.closed_error().is_some()
    }

    /// Registers a request just received (its header was checked): a two-way one must
    /// not reuse the txid of one in flight.
    pub(crate) fn admit(&self, msg: &Received<C::Handle>) -> Result<(), C::Error> {
        lock(&self.inner.state).begin_request(msg.txid())
    }

    /// The request for what was received (once the receive buffers are released): an
    /// error closes the connection.
    pub(crate) fn request(
        &self,
        received: Result<Received<C::Handle>, C::Error>,
    ) -> Result<Request<C>, C::Error> {
        let msg = received.map_err(|e| self.inner.fail(e))?;
        let responder = (msg.txid() != 0).then(|| Responder {
            inner: self.inner.clone(),
            header: TransactionHeader::new(msg.txid(), msg.ordinal(), msg.header.dynamic_flags),
            done: false,
        });
        Ok(Request {
            incoming: Incoming::new(msg, self.inner.clone()),
            responder,
        })
    }
}

impl<C: RawChannel> Server<C> {
    /// Waits for the next request. Its header is validated here; its body is decoded
    /// with [`Request::decode`] once its ordinal says what it is.
    pub fn recv(&self) -> Result<Request<C>, C::Error> {
        let received = self.inner.receive(|msg| self.admit(msg));
        self.request(received)
    }

    /// Sends an event (txid 0) of `ordinal` with `body`.
    ///
    /// Before sending, each handle is checked against the object type its slot
    /// declares and narrowed to the declared rights (`Error::WrongHandleType`,
    /// `Error::HandleRights`); none is left here on return: each one was sent (the
    /// peer has it), or closed.
    pub fn send_event<T: Encode<C::Handle>>(&self, ordinal: u64, body: T) -> Result<(), C::Error> {
        self.inner.send(TransactionHeader::new(0, ordinal, 0), body)
    }
}

impl<C: Transport> core::fmt::Debug for Server<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.inner.debug("Server", f)
    }
}

/// A received request: its message, and for a two-way request (nonzero txid) the
/// [`Responder`] that answers it.
pub struct Request<C: Transport> {
    incoming: Incoming<C::Handle, C::Error>,
    responder: Option<Responder<C>>,
}

impl<C: Transport> Request<C> {
    /// The method ordinal.
    pub fn ordinal(&self) -> u64 {
        self.incoming.ordinal()
    }

    /// The transaction id: 0 for a one-way request.
    pub fn txid(&self) -> u32 {
        self.incoming.txid()
    }

    /// Whether the request expects a reply.
    pub fn is_two_way(&self) -> bool {
        self.responder.is_some()
    }

    /// The message itself.
    pub fn incoming(&self) -> &Incoming<C::Handle, C::Error> {
        &self.incoming
    }

    /// Validates the body as a `T` (see [`Incoming::decode`]) and hands out the
    /// responder of a two-way request. A malformed body closes the connection.
    #[allow(clippy::type_complexity)] // The channel's handle and error types, spelt out.
    pub fn decode<T: Decode<C::Handle>>(
        self,
    ) -> Result<(Decoded<T, C::Handle>, Option<Responder<C>>), C::Error> {
        // On error the connection is closed first, so dropping the responder then
        // changes nothing.
        let decoded = self.incoming.decode()?;
        Ok((decoded, self.responder))
    }

    /// The message and the responder.
    #[allow(clippy::type_complexity)] // The channel's handle and error types, spelt out.
    pub fn into_parts(self) -> (Incoming<C::Handle, C::Error>, Option<Responder<C>>) {
        (self.incoming, self.responder)
    }
}

impl<C: Transport> core::fmt::Debug for Request<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct(&format!("{}Request", C::Kit::PREFIX))
            .field("incoming", &self.incoming)
            .field("responder", &self.responder)
            .finish()
    }
}

/// Answers one two-way request: [`Responder::reply`] sends a message with the request's
/// txid, ordinal and dynamic flags.
///
/// The caller waits for the reply, so a request must be answered: dropping the
/// responder without replying closes the connection (the caller's call then fails
/// instead of waiting forever), and so does a reply that cannot be sent. On an
/// `AsyncChannel`, so does dropping the `reply` future before the reply is sent.
#[must_use = "dropping a responder without replying closes the connection"]
pub struct Responder<C: Transport> {
    pub(crate) inner: Arc<ServerInner<C>>,
    pub(crate) header: TransactionHeader,
    pub(crate) done: bool,
}

impl<C: Transport> Responder<C> {
    /// The request's transaction id.
    pub fn txid(&self) -> u32 {
        self.header.txid.get()
    }

    /// The request's ordinal.
    pub fn ordinal(&self) -> u64 {
        self.header.ordinal.get()
    }

    /// The reply went out (`result`), or could not: the request is answered either
    /// way, and a reply that failed closes the connection.
    pub(crate) fn replied(mut self, result: Result<(), C::Error>) -> Result<(), C::Error> {
        self.done = true;
        lock(&self.inner.state).end_request(self.txid());
        result.map_err(|e| self.inner.fail(e))
    }
}

impl<C: RawChannel> Responder<C> {
    /// Sends the reply. Its handles get the dispositions of their slots, as in
    /// [`Server::send_event`]; if it cannot be encoded or sent, the connection is
    /// closed.
    pub fn reply<T: Encode<C::Handle>>(mut self, body: T) -> Result<(), C::Error> {
        self.done = true;
        let result = self.inner.send(self.header, body);
        self.replied(result)
    }
}

impl<C: Transport> Drop for Responder<C> {
    fn drop(&mut self) {
        if !self.done {
            lock(&self.inner.state).end_request(self.txid());
            let reason = format!(
                "the request with txid {} (ordinal {:#x}) was dropped without a reply",
                self.txid(),
                self.ordinal()
            );
            self.inner.close(Closed::Local(reason.into()));
        }
    }
}

impl<C: Transport> core::fmt::Debug for Responder<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct(&format!("{}Responder", C::Kit::PREFIX))
            .field("txid", &self.txid())
            .field("ordinal", &format_args!("{:#x}", self.ordinal()))
            .finish()
    }
}
