//! The async client, on tokio: [`Client`](crate::Client)'s calls, one-way requests and
//! events, waiting on the reactor.

use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex};

use bytes::BytesMut;
use handoff_codec::{Decode, DecodeOptions, Decoded, Encode};
use handoff_wire::TransactionHeader;
use tokio::sync::Notify;

use crate::client::lock;
use crate::message::{ClientState, Closed, Link, Outgoing, Received};
use crate::{AsyncChannel, Error, Incoming, Options, Result};

/// The async form of [`Client`](crate::Client): the same messages, rules and errors,
/// on an [`AsyncChannel`]. Calls may run concurrently (from several tasks, or joined in
/// one); one of the waiting callers reads the socket at a time and hands each reply to
/// its caller.
///
/// Every future is cancel-safe in the sense that matters here: dropping a call before
/// its request went out sends nothing; dropping it after abandons the call (its reply
/// is dropped when it comes); dropping [`AsyncClient::recv_event`] takes no event.
#[derive(Clone)]
pub struct AsyncClient {
    inner: Arc<Inner>,
}

struct Inner {
    channel: AsyncChannel,
    decode: DecodeOptions,
    out: tokio::sync::Mutex<Outgoing>,
    state: Mutex<ClientState>,
    wake: Notify,
}

impl Link for Inner {
    fn decode_options(&self) -> DecodeOptions {
        self.decode
    }

    fn close(&self, reason: Closed) {
        lock(&self.state).close(reason);
        self.channel.shutdown();
        self.wake.notify_waiters();
    }
}

/// The reader's turn: holds the receive buffers, and on drop (the read done, or the
/// future dropped) gives them back and lets another waiter read.
struct Reading<'a> {
    inner: &'a Inner,
    buf: BytesMut,
    fds: Vec<OwnedFd>,
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.inner.state);
        state.reading = false;
        state.buffers = Some((
            core::mem::take(&mut self.buf),
            core::mem::take(&mut self.fds),
        ));
        drop(state);
        self.inner.wake.notify_waiters();
    }
}

impl Inner {
    fn closed_error(&self) -> Option<Error> {
        lock(&self.state).closed.as_ref().map(Closed::error)
    }

    async fn send<T: Encode<OwnedFd>>(&self, header: TransactionHeader, body: T) -> Result<()> {
        if let Some(e) = self.closed_error() {
            return Err(e);
        }
        let mut out = self.out.lock().await;
        match self.channel.send_message(&mut out, header, body).await {
            Err(e @ Error::PeerClosed) => {
                let e = self.closed_error().unwrap_or(e);
                self.close(Closed::from_error(&e));
                Err(e)
            }
            other => other,
        }
    }

    /// Waits until `take` finds what the caller waits for, reading the socket in turn
    /// with the other waiting callers.
    async fn wait<R>(
        &self,
        mut take: impl FnMut(&mut ClientState) -> Option<Result<R>>,
    ) -> Result<R> {
        loop {
            // Registered before looking, so a wake-up between the look and the wait is
            // not lost.
            let notified = self.wake.notified();
            let mut notified = core::pin::pin!(notified);
            notified.as_mut().enable();
            let buffers = {
                let mut state = lock(&self.state);
                if let Some(found) = take(&mut state) {
                    return found;
                }
                if state.reading {
                    None
                } else {
                    state.reading = true;
                    Some(state.buffers.take().unwrap_or_default())
                }
            };
            let Some((buf, fds)) = buffers else {
                notified.await;
                continue;
            };
            let mut reading = Reading {
                inner: self,
                buf,
                fds,
            };
            let Reading { buf, fds, .. } = &mut reading;
            let received = match self.channel.recv(buf, fds).await {
                Ok(()) => Received::take(buf, fds),
                Err(e) => Err(e),
            };
            let mut state = lock(&self.state);
            if let Err(e) = received.and_then(|msg| state.route(msg)) {
                let e = state.closed.as_ref().map(Closed::error).unwrap_or(e);
                state.close(Closed::from_error(&e));
                let _ = take(&mut state);
                drop(state);
                drop(reading);
                self.channel.shutdown();
                return Err(e);
            }
            drop(state);
            drop(reading);
        }
    }

    fn decode<T: Decode<OwnedFd>>(&self, reply: Received) -> Result<Decoded<T, OwnedFd>> {
        reply
            .decode(&self.decode)
            .inspect_err(|e| self.close(Closed::from_error(e)))
    }
}

impl AsyncClient {
    /// A client on `channel` with the default [`Options`].
    pub fn new(channel: AsyncChannel) -> Self {
        Self::with_options(channel, Options::DEFAULT)
    }

    /// A client on `channel`; see [`Client::with_options`](crate::Client::with_options).
    pub fn with_options(channel: AsyncChannel, options: Options) -> Self {
        let limits = channel.limits();
        Self {
            inner: Arc::new(Inner {
                decode: options.decode_options(&limits),
                out: tokio::sync::Mutex::new(Outgoing::new(options.codec_limits(&limits))),
                state: Mutex::new(ClientState::new(options.max_queued)),
                wake: Notify::new(),
                channel,
            }),
        }
    }

    /// Sends a one-way request; see [`Client::send_one_way`](crate::Client::send_one_way).
    pub async fn send_one_way<T: Encode<OwnedFd>>(&self, ordinal: u64, body: T) -> Result<()> {
        self.inner
            .send(TransactionHeader::new(0, ordinal, 0), body)
            .await
    }

    /// Calls method `ordinal` and waits for the reply; see
    /// [`Client::call`](crate::Client::call).
    pub async fn call<Req: Encode<OwnedFd>, Resp: Decode<OwnedFd>>(
        &self,
        ordinal: u64,
        request: Req,
    ) -> Result<Decoded<Resp, OwnedFd>> {
        self.start_call(ordinal, request).await?.wait().await
    }

    /// Sends the request of a call; [`AsyncPendingCall::wait`] waits for its reply.
    pub async fn start_call<Req: Encode<OwnedFd>>(
        &self,
        ordinal: u64,
        request: Req,
    ) -> Result<AsyncPendingCall<'_>> {
        let txid = lock(&self.inner.state).begin_call(ordinal)?;
        // Until the request is sent, dropping this future forgets the call.
        let mut call = AsyncPendingCall {
            client: self,
            txid,
            sent: false,
            waited: false,
        };
        self.inner
            .send(TransactionHeader::new(txid, ordinal, 0), request)
            .await?;
        call.sent = true;
        Ok(call)
    }

    /// Waits for the next event; see [`Client::recv_event`](crate::Client::recv_event).
    pub async fn recv_event(&self) -> Result<Incoming> {
        let msg = self.inner.wait(ClientState::take_event).await?;
        Ok(Incoming::new(msg, self.inner.clone()))
    }

    /// Closes the connection; see [`Client::close`](crate::Client::close).
    pub fn close(&self) {
        self.inner.close(Closed::Local("closed by this end".into()));
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.inner.closed_error().is_some()
    }
}

impl core::fmt::Debug for AsyncClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AsyncClient")
            .field("channel", &self.inner.channel)
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// A call whose request was sent, on an [`AsyncClient`]. Dropping it (or the
/// [`AsyncPendingCall::wait`] future) abandons the call.
#[derive(Debug)]
#[must_use = "a call's reply is dropped unless waited for"]
pub struct AsyncPendingCall<'c> {
    client: &'c AsyncClient,
    txid: u32,
    sent: bool,
    waited: bool,
}

impl AsyncPendingCall<'_> {
    /// The call's transaction id.
    pub fn txid(&self) -> u32 {
        self.txid
    }

    /// Waits for the reply and validates it as a `Resp`.
    pub async fn wait<Resp: Decode<OwnedFd>>(mut self) -> Result<Decoded<Resp, OwnedFd>> {
        let txid = self.txid;
        let inner = &self.client.inner;
        let reply = inner.wait(|state| state.take_reply(txid)).await;
        // The call is settled (its entry gone) whatever the outcome.
        self.waited = true;
        inner.decode(reply?)
    }
}

impl Drop for AsyncPendingCall<'_> {
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
