//! What the message layer runs on: the channel traits ([`Transport`], [`RawChannel`]),
//! the locks and wake-ups of blocking and async endpoints ([`Kit`]), and [`Endpoint`],
//! the state that a client or a server shares with its requests, responders and
//! incoming messages.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use bytes::BytesMut;
use handoff_codec::{Decode, DecodeOptions, Decoded, Encode};
use handoff_wire::TransactionHeader;

use crate::message::{Closed, Link, Options, Outgoing, Received, TransportError, TransportHandle};
use crate::state::Connection;

/// Locks `m`, going on if another thread panicked while holding it (every state here
/// stays consistent between statements).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) mod sealed {
    /// Only this crate's channels carry messages.
    pub trait Sealed {}
}

/// A channel that carries messages, each one bytes plus handles: what the message
/// layer ([`Client`](crate::generic::Client), [`Server`](crate::generic::Server)) runs
/// on. Implemented by this crate's channels (sealed): the Unix `Channel` and
/// `AsyncChannel` (handles are `OwnedFd`s) and the Windows `Channel` (`WinHandle`s).
pub trait Transport: sealed::Sealed + Send + Sync + core::fmt::Debug + 'static {
    /// The handles that travel with the bytes.
    type Handle: TransportHandle;
    /// The platform's error.
    type Error: TransportError;
    /// How an endpoint on this channel waits: blocking (the channel is a
    /// [`RawChannel`]) or on tokio's reactor.
    type Kit: Kit;

    /// The most bytes one message may have, both ways.
    fn max_bytes(&self) -> usize;

    /// The most handles one message may carry, both ways.
    fn max_handles(&self) -> usize;

    /// Shuts the channel down both ways: the peer reads the end of the stream, and
    /// calls here (from any thread, those in progress included) fail with the
    /// platform's `PeerClosed`.
    fn shutdown(&self);
}

/// A [`Transport`] whose calls block the calling thread.
pub trait RawChannel: Transport<Kit = Blocking> {
    /// Sends `bytes` and `handles` as one message. The channel may take the handles
    /// out of `handles`; those it leaves are the caller's to close (the peer has its
    /// own copies once the message is sent).
    fn send_raw(&self, bytes: &[u8], handles: &mut Vec<Self::Handle>) -> Result<(), Self::Error>;

    /// Waits for the next message and receives it into `buf` and `handles` (cleared
    /// first; left empty on error, every handle of a rejected message closed).
    fn recv_raw(
        &self,
        buf: &mut BytesMut,
        handles: &mut Vec<Self::Handle>,
    ) -> Result<(), Self::Error>;
}

/// The locks and wake-ups of an endpoint: [`Blocking`] (std's) or tokio's.
pub trait Kit: Send + Sync + 'static {
    /// A lock held across a send or a receive.
    type Lock<T: Send>: Send + Sync;
    /// What callers wait on while another one reads.
    type Wake: Send + Sync;

    /// What the names of endpoints of this kit start with ("Async" for `AsyncClient`).
    const PREFIX: &'static str;

    /// A lock holding `value`.
    fn lock<T: Send>(value: T) -> Self::Lock<T>;

    /// A new wake-up.
    fn wake() -> Self::Wake;

    /// Wakes every waiting caller.
    fn wake_all(wake: &Self::Wake);
}

/// Endpoints that wait in the kernel: std's `Mutex` and `Condvar`.
#[derive(Debug)]
pub enum Blocking {}

impl Kit for Blocking {
    type Lock<T: Send> = Mutex<T>;
    type Wake = Condvar;

    const PREFIX: &'static str = "";

    fn lock<T: Send>(value: T) -> Mutex<T> {
        Mutex::new(value)
    }

    fn wake() -> Condvar {
        Condvar::new()
    }

    fn wake_all(wake: &Condvar) {
        wake.notify_all();
    }
}

/// Endpoints that wait on tokio's reactor: tokio's `Mutex` and `Notify`.
#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
#[derive(Debug)]
pub enum Tokio {}

#[cfg(all(feature = "tokio", any(target_os = "linux", target_os = "android")))]
impl Kit for Tokio {
    type Lock<T: Send> = tokio::sync::Mutex<T>;
    type Wake = tokio::sync::Notify;

    const PREFIX: &'static str = "Async";

    fn lock<T: Send>(value: T) -> tokio::sync::Mutex<T> {
        tokio::sync::Mutex::new(value)
    }

    fn wake() -> tokio::sync::Notify {
        tokio::sync::Notify::new()
    }

    fn wake_all(wake: &tokio::sync::Notify) {
        wake.notify_waiters();
    }
}

/// A lock of `C`'s kit.
pub(crate) type KitLock<C, T> = <<C as Transport>::Kit as Kit>::Lock<T>;

/// What a client or a server (`S` is its bookkeeping) shares with what it hands out
/// (pending calls, requests, responders, incoming messages): the channel, the encode
/// buffer, the state and the wake-up.
pub(crate) struct Endpoint<C: Transport, S> {
    pub(crate) channel: C,
    pub(crate) decode: DecodeOptions,
    pub(crate) out: KitLock<C, Outgoing<C::Handle>>,
    pub(crate) state: Mutex<S>,
    /// Callers waiting for another to read (on a client).
    pub(crate) wake: <C::Kit as Kit>::Wake,
    /// The receive buffers, reused for every message, held by the one receiving.
    pub(crate) reader: KitLock<C, (BytesMut, Vec<C::Handle>)>,
}

impl<C: Transport, S: Connection> Endpoint<C, S> {
    /// An endpoint on `channel`, whose limits bound every message both ways.
    pub(crate) fn new(channel: C, options: &Options, state: S) -> Self {
        let (max_bytes, max_handles) = (channel.max_bytes(), channel.max_handles());
        Self {
            decode: options.decode_options(max_bytes, max_handles),
            out: C::Kit::lock(Outgoing::new(options.codec_limits(max_bytes, max_handles))),
            state: Mutex::new(state),
            wake: C::Kit::wake(),
            reader: C::Kit::lock((BytesMut::new(), Vec::new())),
            channel,
        }
    }

    /// The error that closed the connection, if it is closed.
    pub(crate) fn closed_error(&self) -> Option<C::Error> {
        lock(&self.state).closed().map(Closed::error)
    }

    /// Fails if the connection is closed.
    pub(crate) fn check_open(&self) -> Result<(), C::Error> {
        self.closed_error().map_or(Ok(()), Err)
    }

    /// Closes the connection for `e`, unless it was closed already; returns the error
    /// to report (the first reason).
    pub(crate) fn fail(&self, e: C::Error) -> C::Error {
        let e = self.closed_error().unwrap_or(e);
        self.close(Closed::from_error(&e));
        e
    }

    /// How a send went: a peer that is gone closes the connection (the channel may
    /// have been shut down by this end: then that is the reason reported).
    pub(crate) fn sent(&self, result: Result<(), C::Error>) -> Result<(), C::Error> {
        match result {
            Err(e) if e.is_peer_closed() => Err(self.fail(e)),
            other => other,
        }
    }

    /// Decodes a message; a malformed one closes the connection.
    pub(crate) fn decode<T: Decode<C::Handle>>(
        &self,
        msg: Received<C::Handle>,
    ) -> Result<Decoded<T, C::Handle>, C::Error> {
        msg.decode(&self.decode)
            .inspect_err(|e| self.close(Closed::from_error(e)))
    }

    /// Closes the connection at this end's request.
    pub(crate) fn close_here(&self) {
        self.close(Closed::Local("closed by this end".into()));
    }

    /// Formats the endpoint as `name` (with the kit's prefix) for `Debug`.
    pub(crate) fn debug(&self, name: &str, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct(&format!("{}{name}", C::Kit::PREFIX))
            .field("channel", &self.channel)
            .field("closed", &self.closed_error().is_some())
            .finish()
    }
}

impl<C: Transport, S: Connection> Link for Endpoint<C, S> {
    fn decode_options(&self) -> DecodeOptions {
        self.decode
    }

    fn close(&self, reason: Closed) {
        lock(&self.state).close(reason);
        self.channel.shutdown();
        C::Kit::wake_all(&self.wake);
    }
}

impl<C: RawChannel, S: Connection> Endpoint<C, S> {
    /// Encodes `body` after `header`, applies its dispositions and sends it (unless the
    /// connection is closed).
    pub(crate) fn send<T: Encode<C::Handle>>(
        &self,
        header: TransactionHeader,
        body: T,
    ) -> Result<(), C::Error> {
        self.check_open()?;
        let result = send_message(&self.channel, &mut lock(&self.out), header, body);
        self.sent(result)
    }

    /// Waits for the next message (unless the connection is closed) and checks its
    /// header; `admit` looks at it before the next one can be received.
    pub(crate) fn receive(
        &self,
        admit: impl FnOnce(&Received<C::Handle>) -> Result<(), C::Error>,
    ) -> Result<Received<C::Handle>, C::Error> {
        let mut reader = lock(&self.reader);
        self.check_open()?;
        let (buf, handles) = &mut *reader;
        let received = self.channel.recv_raw(buf, handles);
        let msg = Received::take(received, buf, handles)?;
        admit(&msg)?;
        Ok(msg)
    }
}

/// Encodes `body` after `header` into `out`, applies its dispositions and sends it on
/// `channel`. `out` is left empty (its handles sent or closed) whatever happens.
fn send_message<C: RawChannel, T: Encode<C::Handle>>(
    channel: &C,
    out: &mut Outgoing<C::Handle>,
    header: TransactionHeader,
    body: T,
) -> Result<(), C::Error> {
    out.encode(header, body)?;
    let (bytes, handles) = out.parts();
    let result = channel.send_raw(bytes, handles);
    out.clear();
    result
}
