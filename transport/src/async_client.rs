//! The async client, on tokio: [`Client`]'s calls, one-way requests and events on an
//! [`AsyncChannel`], waiting on the reactor.

use std::os::fd::OwnedFd;

use handoff_codec::{Decode, Decoded, Encode};
use handoff_wire::TransactionHeader;

use crate::client::{Client, ClientInner, PendingCall};
use crate::endpoint::{Transport, lock};
use crate::message::Incoming;
use crate::state::{ClientState, Turn};
use crate::{AsyncChannel, Error, Result};

/// The reader's turn: on drop (the read done, or the future dropped) lets another
/// waiter read.
struct Reading<'a>(&'a ClientInner<AsyncChannel>);

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        lock(&self.0.state).end_read();
        self.0.wake.notify_waiters();
    }
}

impl Client<AsyncChannel> {
    /// Sends a one-way request; see [`Client::send_one_way`].
    pub async fn send_one_way<T: Encode<OwnedFd>>(&self, ordinal: u64, body: T) -> Result<()> {
        self.inner
            .send(TransactionHeader::new(0, ordinal, 0), body)
            .await
    }

    /// Calls method `ordinal` and waits for the reply; see [`Client::call`].
    pub async fn call<Req: Encode<OwnedFd>, Resp: Decode<OwnedFd>>(
        &self,
        ordinal: u64,
        request: Req,
    ) -> Result<Decoded<Resp, OwnedFd>> {
        self.start_call(ordinal, request).await?.wait().await
    }

    /// Sends the request of a call; [`PendingCall::wait`] waits for its reply.
    pub async fn start_call<Req: Encode<OwnedFd>>(
        &self,
        ordinal: u64,
        request: Req,
    ) -> Result<PendingCall<'_, AsyncChannel>> {
        // Until the request is sent, dropping this future forgets the call.
        let mut call = self.begin_call(ordinal)?;
        self.inner.send(call.header(ordinal), request).await?;
        call.sent = true;
        Ok(call)
    }

    /// Waits for the next event; see [`Client::recv_event`].
    pub async fn recv_event(&self) -> Result<Incoming<OwnedFd, Error>> {
        let msg = self.wait(ClientState::take_event).await?;
        Ok(self.event(msg))
    }

    /// Waits until `take` finds what the caller waits for, reading the socket in turn
    /// with the other waiting callers.
    async fn wait<R>(
        &self,
        mut take: impl FnMut(&mut ClientState<OwnedFd, Error>) -> Option<Result<R>>,
    ) -> Result<R> {
        let inner = &*self.inner;
        loop {
            // Registered before looking, so a wake-up between the look and the wait is
            // not lost.
            let notified = inner.wake.notified();
            let mut notified = core::pin::pin!(notified);
            notified.as_mut().enable();
            let turn = lock(&inner.state).turn(&mut take);
            match turn {
                Turn::Done(found) => return found,
                Turn::Read => {}
                Turn::Wait => {
                    notified.await;
                    continue;
                }
            }
            let reading = Reading(inner);
            let received = inner.receive(|_| Ok(())).await;
            let filed = lock(&inner.state).file(received, &mut take);
            drop(reading);
            if let Err(e) = filed {
                inner.channel.shutdown();
                return Err(e);
            }
        }
    }
}

impl PendingCall<'_, AsyncChannel> {
    /// Waits for the reply and validates it as a `Resp`. Dropping the future abandons
    /// the call.
    pub async fn wait<Resp: Decode<OwnedFd>>(mut self) -> Result<Decoded<Resp, OwnedFd>> {
        let (client, txid) = (self.client, self.txid());
        let reply = client.wait(|state| state.take_reply(txid)).await;
        // The call is settled (its entry gone) whatever the outcome.
        self.waited = true;
        client.inner.decode(reply?)
    }
}
