//! The async server, on tokio: [`Server`](crate::Server)'s requests, replies and
//! events, waiting on the reactor.

use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex};

use bytes::BytesMut;
use handoff_codec::{Decode, DecodeOptions, Decoded, Encode};
use handoff_wire::TransactionHeader;

use crate::client::lock;
use crate::message::{Closed, Link, Outgoing, Received, ServerState};
use crate::{AsyncChannel, Error, Incoming, Options, Result};

/// The async form of [`Server`](crate::Server): the same messages, rules and errors,
/// on an [`AsyncChannel`]. Dropping [`AsyncServer::recv`] before it completes takes no
/// request.
#[derive(Clone)]
pub struct AsyncServer {
    inner: Arc<Inner>,
}

struct Inner {
    channel: AsyncChannel,
    decode: DecodeOptions,
    out: tokio::sync::Mutex<Outgoing>,
    reader: tokio::sync::Mutex<(BytesMut, Vec<OwnedFd>)>,
    state: Mutex<ServerState>,
}

impl Link for Inner {
    fn decode_options(&self) -> DecodeOptions {
        self.decode
    }

    fn close(&self, reason: Closed) {
        lock(&self.state).close(reason);
        self.channel.shutdown();
    }
}

impl Inner {
    fn closed_error(&self) -> Option<Error> {
        lock(&self.state).closed.as_ref().map(Closed::error)
    }

    fn fail(&self, e: Error) -> Error {
        let e = self.closed_error().unwrap_or(e);
        self.close(Closed::from_error(&e));
        e
    }

    async fn send<T: Encode<OwnedFd>>(&self, header: TransactionHeader, body: T) -> Result<()> {
        if let Some(e) = self.closed_error() {
            return Err(e);
        }
        let mut out = self.out.lock().await;
        match self.channel.send_message(&mut out, header, body).await {
            Err(e @ Error::PeerClosed) => Err(self.fail(e)),
            other => other,
        }
    }
}

impl AsyncServer {
    /// A server on `channel` with the default [`Options`].
    pub fn new(channel: AsyncChannel) -> Self {
        Self::with_options(channel, Options::DEFAULT)
    }

    /// A server on `channel`; see [`Server::with_options`](crate::Server::with_options).
    pub fn with_options(channel: AsyncChannel, options: Options) -> Self {
        let limits = channel.limits();
        Self {
            inner: Arc::new(Inner {
                decode: options.decode_options(&limits),
                out: tokio::sync::Mutex::new(Outgoing::new(options.codec_limits(&limits))),
                reader: tokio::sync::Mutex::new((BytesMut::new(), Vec::new())),
                state: Mutex::new(ServerState::default()),
                channel,
            }),
        }
    }

    /// Waits for the next request; see [`Server::recv`](crate::Server::recv).
    pub async fn recv(&self) -> Result<AsyncRequest> {
        let mut reader = self.inner.reader.lock().await;
        if let Some(e) = self.inner.closed_error() {
            return Err(e);
        }
        let (buf, fds) = &mut *reader;
        let received = match self.inner.channel.recv(buf, fds).await {
            Ok(()) => Received::take(buf, fds).and_then(|msg| {
                lock(&self.inner.state).begin_request(msg.txid())?;
                Ok(msg)
            }),
            Err(e) => Err(e),
        };
        drop(reader);
        let msg = received.map_err(|e| self.inner.fail(e))?;
        let responder = (msg.txid() != 0).then(|| AsyncResponder {
            inner: self.inner.clone(),
            header: TransactionHeader::new(msg.txid(), msg.ordinal(), msg.header.dynamic_flags),
            done: false,
        });
        Ok(AsyncRequest {
            incoming: Incoming::new(msg, self.inner.clone()),
            responder,
        })
    }

    /// Sends an event; see [`Server::send_event`](crate::Server::send_event).
    pub async fn send_event<T: Encode<OwnedFd>>(&self, ordinal: u64, body: T) -> Result<()> {
        self.inner
            .send(TransactionHeader::new(0, ordinal, 0), body)
            .await
    }

    /// Closes the connection; see [`Server::close`](crate::Server::close).
    pub fn close(&self) {
        self.inner.close(Closed::Local("closed by this end".into()));
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.inner.closed_error().is_some()
    }
}

impl core::fmt::Debug for AsyncServer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AsyncServer")
            .field("channel", &self.inner.channel)
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// A request received by an [`AsyncServer`]; see [`Request`](crate::Request).
#[derive(Debug)]
pub struct AsyncRequest {
    incoming: Incoming,
    responder: Option<AsyncResponder>,
}

impl AsyncRequest {
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

    /// Validates the body as a `T` and hands out the responder of a two-way request;
    /// see [`Request::decode`](crate::Request::decode).
    pub fn decode<T: Decode<OwnedFd>>(
        self,
    ) -> Result<(Decoded<T, OwnedFd>, Option<AsyncResponder>)> {
        let decoded = self.incoming.decode()?;
        Ok((decoded, self.responder))
    }

    /// The message and the responder.
    pub fn into_parts(self) -> (Incoming, Option<AsyncResponder>) {
        (self.incoming, self.responder)
    }
}

/// Answers one two-way request received by an [`AsyncServer`]; see
/// [`Responder`](crate::Responder). Dropping it without replying, or dropping the
/// [`AsyncResponder::reply`] future before the reply is sent, closes the connection.
#[must_use = "dropping a responder without replying closes the connection"]
pub struct AsyncResponder {
    inner: Arc<Inner>,
    header: TransactionHeader,
    done: bool,
}

impl AsyncResponder {
    /// The request's transaction id.
    pub fn txid(&self) -> u32 {
        self.header.txid.get()
    }

    /// The request's ordinal.
    pub fn ordinal(&self) -> u64 {
        self.header.ordinal.get()
    }

    /// Sends the reply; see [`Responder::reply`](crate::Responder::reply).
    pub async fn reply<T: Encode<OwnedFd>>(mut self, body: T) -> Result<()> {
        let result = self.inner.send(self.header, body).await;
        self.done = true;
        lock(&self.inner.state).end_request(self.txid());
        result.map_err(|e| self.inner.fail(e))
    }
}

impl Drop for AsyncResponder {
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

impl core::fmt::Debug for AsyncResponder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AsyncResponder")
            .field("txid", &self.txid())
            .field("ordinal", &format_args!("{:#x}", self.ordinal()))
            .finish()
    }
}
