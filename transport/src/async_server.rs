//! The async server, on tokio: [`Server`]'s requests, replies and events on an
//! [`AsyncChannel`], waiting on the reactor.

use std::os::fd::OwnedFd;

use handoff_codec::Encode;
use handoff_wire::TransactionHeader;

use crate::server::{Request, Responder, Server};
use crate::{AsyncChannel, Result};

impl Server<AsyncChannel> {
    /// Waits for the next request; see [`Server::recv`]. Dropping the future before it
    /// completes takes no request.
    pub async fn recv(&self) -> Result<Request<AsyncChannel>> {
        let received = self.inner.receive(|msg| self.admit(msg)).await;
        self.request(received)
    }

    /// Sends an event; see [`Server::send_event`].
    pub async fn send_event<T: Encode<OwnedFd>>(&self, ordinal: u64, body: T) -> Result<()> {
        self.inner
            .send(TransactionHeader::new(0, ordinal, 0), body)
            .await
    }
}

impl Responder<AsyncChannel> {
    /// Sends the reply; see [`Responder::reply`]. Dropping the future before the reply
    /// is sent closes the connection.
    pub async fn reply<T: Encode<OwnedFd>>(self, body: T) -> Result<()> {
        let result = self.inner.send(self.header, body).await;
        self.replied(result)
    }
}
