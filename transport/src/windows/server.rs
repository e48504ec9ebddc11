//! The blocking server: requests received with a responder that answers with the
//! request's transaction id, and events.

use std::sync::{Arc, Mutex};

use bytes::BytesMut;
use handoff_codec::handle::windows::WinHandle;
use handoff_codec::{Decode, DecodeOptions, Decoded, Encode};
use handoff_wire::TransactionHeader;

use super::client::lock;
use super::message::{Closed, Link, Outgoing, Received, ServerState};
use super::{Channel, Error, Incoming, Options, Result};

/// The serving end of a connection: receives requests ([`Server::recv`]), answers the
/// two-way ones through their [`Responder`], and sends events
/// ([`Server::send_event`]).
///
/// Every message carries the 16-byte transactional header; a reply carries the txid
/// and the ordinal of its request. Anything wrong with a received message (a bad
/// header, a body that is not the expected type, a two-way request reusing the txid of
/// one not answered yet, handles over the limits) is terminal, as in FIDL: the connection
/// is shut down, the message's handles closed, and every later call fails with
/// [`Error::Closed`] (or [`Error::PeerClosed`] once the peer is gone).
///
/// The server is `Sync` and cheap to clone: one thread may receive while others reply.
#[derive(Clone)]
pub struct Server {
    inner: Arc<ServerInner>,
}

struct ServerInner {
    channel: Channel,
    decode: DecodeOptions,
    out: Mutex<Outgoing>,
    /// The receive buffers, reused for every message; held by the one receiving.
    reader: Mutex<(BytesMut, Vec<WinHandle>)>,
    state: Mutex<ServerState>,
}

impl Link for ServerInner {
    fn decode_options(&self) -> DecodeOptions {
        self.decode
    }

    fn close(&self, reason: Closed) {
        lock(&self.state).close(reason);
        self.channel.shutdown();
    }
}

impl ServerInner {
    fn closed_error(&self) -> Option<Error> {
        lock(&self.state).closed.as_ref().map(Closed::error)
    }

    /// Closes the connection for `e`, unless it was closed already; returns the error
    /// to report (the first reason).
    fn fail(&self, e: Error) -> Error {
        let e = self.closed_error().unwrap_or(e);
        self.close(Closed::from_error(&e));
        e
    }

    fn send<T: Encode<WinHandle>>(&self, header: TransactionHeader, body: T) -> Result<()> {
        if let Some(e) = self.closed_error() {
            return Err(e);
        }
        match self
            .channel
            .send_message(&mut lock(&self.out), header, body)
        {
            Err(e @ Error::PeerClosed) => Err(self.fail(e)),
            other => other,
        }
    }
}

impl Server {
    /// A server on `channel` with the default [`Options`].
    pub fn new(channel: Channel) -> Self {
        Self::with_options(channel, Options::DEFAULT)
    }

    /// A server on `channel`. Messages are bounded by the channel's
    /// [`Limits`](super::Limits), both ways.
    pub fn with_options(channel: Channel, options: Options) -> Self {
        let limits = channel.limits();
        Self {
            inner: Arc::new(ServerInner {
                decode: options.decode_options(&limits),
                out: Mutex::new(Outgoing::new(options.codec_limits(&limits))),
                reader: Mutex::new((BytesMut::new(), Vec::new())),
                state: Mutex::new(ServerState::default()),
                channel,
            }),
        }
    }

    /// Waits for the next request. Its header is validated here; its body is decoded
    /// with [`Request::decode`] once its ordinal says what it is.
    pub fn recv(&self) -> Result<Request> {
        let mut reader = lock(&self.inner.reader);
        if let Some(e) = self.inner.closed_error() {
            return Err(e);
        }
        let (buf, handles) = &mut *reader;
        let received = self
            .inner
            .channel
            .recv(buf, handles)
            .and_then(|()| Received::take(buf, handles))
            .and_then(|msg| {
                lock(&self.inner.state).begin_request(msg.txid())?;
                Ok(msg)
            });
        drop(reader);
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

    /// Sends an event (txid 0) of `ordinal` with `body`.
    ///
    /// Before sending, each handle is checked against the object type its slot declares and
    /// narrowed to the declared rights ([`Error::WrongHandleType`],
    /// [`Error::HandleRights`]); none is left here on return: each one was pushed into
    /// the peer, or closed.
    pub fn send_event<T: Encode<WinHandle>>(&self, ordinal: u64, body: T) -> Result<()> {
        self.inner.send(TransactionHeader::new(0, ordinal, 0), body)
    }

    /// Closes the connection: the peer reads the end of the stream, and every later
    /// call fails with [`Error::Closed`].
    pub fn close(&self) {
        self.inner.close(Closed::Local("closed by this end".into()));
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.inner.closed_error().is_some()
    }
}

impl core::fmt::Debug for Server {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Server")
            .field("channel", &self.inner.channel)
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// A received request: its message, and for a two-way request (nonzero txid) the
/// [`Responder`] that answers it.
#[derive(Debug)]
pub struct Request {
    incoming: Incoming,
    responder: Option<Responder>,
}

impl Request {
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
    pub fn incoming(&self) -> &Incoming {
        &self.incoming
    }

    /// Validates the body as a `T` (see [`Incoming::decode`]) and hands out the
    /// responder of a two-way request. A malformed body closes the connection.
    pub fn decode<T: Decode<WinHandle>>(
        self,
    ) -> Result<(Decoded<T, WinHandle>, Option<Responder>)> {
        // On error the connection is closed first, so dropping the responder then
        // changes nothing.
        let decoded = self.incoming.decode()?;
        Ok((decoded, self.responder))
    }

    /// The message and the responder.
    pub fn into_parts(self) -> (Incoming, Option<Responder>) {
        (self.incoming, self.responder)
    }
}

/// Answers one two-way request: [`Responder::reply`] sends a message with the request's
/// txid, ordinal and dynamic flags.
///
/// The caller waits for the reply, so a request must be answered: dropping the
/// responder without replying closes the connection (the caller's call then fails
/// instead of waiting forever), and so does a reply that cannot be sent.
#[must_use = "dropping a responder without replying closes the connection"]
pub struct Responder {
    inner: Arc<ServerInner>,
    header: TransactionHeader,
    done: bool,
}

impl Responder {
    /// The request's transaction id.
    pub fn txid(&self) -> u32 {
        self.header.txid.get()
    }

    /// The request's ordinal.
    pub fn ordinal(&self) -> u64 {
        self.header.ordinal.get()
    }

    /// Sends the reply. Its handles get the dispositions of their slots, as in
    /// [`Server::send_event`]; if it cannot be encoded or sent, the connection is
    /// closed.
    pub fn reply<T: Encode<WinHandle>>(mut self, body: T) -> Result<()> {
        self.done = true;
        let result = self.inner.send(self.header, body);
        lock(&self.inner.state).end_request(self.txid());
        result.map_err(|e| self.inner.fail(e))
    }
}

impl Drop for Responder {
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

impl core::fmt::Debug for Responder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Responder")
            .field("txid", &self.txid())
            .field("ordinal", &format_args!("{:#x}", self.ordinal()))
            .finish()
    }
}
