//! The bookkeeping of transaction ids that every client and server (blocking or async,
//! on any platform) share: calls in flight and their replies, queued events, requests
//! not answered yet, and whether the connection is closed.

use std::collections::{HashMap, HashSet, VecDeque};
use std::marker::PhantomData;

use crate::message::{Closed, MessageError, Received, TransportError, TransportHandle};

/// The state of one call in flight.
#[derive(Debug)]
enum Call<H> {
    /// Sent, no reply yet.
    Waiting { ordinal: u64 },
    /// The reply is here, for the caller to take.
    Replied(Received<H>),
    /// The caller gave up: the reply will be dropped when it comes (its txid stays
    /// reserved until then).
    Abandoned { ordinal: u64 },
}

/// What a waiting caller does next (see [`ClientState::turn`]).
pub(crate) enum Turn<R, E> {
    /// It has what it waited for (or the error that closed the connection).
    Done(Result<R, E>),
    /// Another caller is reading the channel: wait until it is done.
    Wait,
    /// Read the channel, then say so ([`ClientState::end_read`]) and file what came
    /// ([`ClientState::file`]).
    Read,
}

/// The client side's bookkeeping: transaction ids in flight, replies and events that
/// arrived for someone else, whether a caller is reading the channel, and whether the
/// connection is closed.
#[derive(Debug)]
pub(crate) struct ClientState<H, E> {
    next_txid: u32,
    calls: HashMap<u32, Call<H>>,
    events: VecDeque<Received<H>>,
    max_queued: usize,
    /// Whether a caller is in `recv` on the channel (it alone reads).
    reading: bool,
    closed: Option<Closed>,
    error: PhantomData<fn() -> E>,
}

/// Transaction ids are drawn from `1..=MAX_TXID`, counting up and wrapping; 0 means a
/// one-way message or an event.
const MAX_TXID: u32 = 0x7FFF_FFFF;

/// Fails with the error that closed the connection, if it is closed.
fn check_open<E: TransportError>(closed: Option<&Closed>) -> Result<(), E> {
    closed.map_or(Ok(()), |closed| Err(closed.error()))
}

/// What clients and servers have in common: they can be closed.
pub(crate) trait Connection: Send {
    /// Why the connection is closed, if it is.
    fn closed(&self) -> Option<&Closed>;

    /// Records that the connection is closed (keeping the first reason), and drops
    /// whatever was held for later.
    fn close(&mut self, reason: Closed);
}

impl<H: TransportHandle, E: TransportError> ClientState<H, E> {
    pub(crate) fn new(max_queued: usize) -> Self {
        Self {
            next_txid: 1,
            calls: HashMap::new(),
            events: VecDeque::new(),
            max_queued,
            reading: false,
            closed: None,
            error: PhantomData,
        }
    }

    /// Reserves a transaction id for a call of `ordinal`: the next one not in flight.
    pub(crate) fn begin_call(&mut self, ordinal: u64) -> Result<u32, E> {
        check_open(self.closed.as_ref())?;
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
            // After the close no reply comes: the txid is free at once.
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
    pub(crate) fn take_reply(&mut self, txid: u32) -> Option<Result<Received<H>, E>> {
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
    pub(crate) fn take_event(&mut self) -> Option<Result<Received<H>, E>> {
        if let Some(event) = self.events.pop_front() {
            return Some(Ok(event));
        }
        self.closed.as_ref().map(|closed| Err(closed.error()))
    }

    /// What a caller waiting for what `take` finds does next: returns what it found,
    /// or waits while another caller reads, or (nobody reading) reads the channel
    /// itself.
    pub(crate) fn turn<R>(
        &mut self,
        take: &mut impl FnMut(&mut Self) -> Option<Result<R, E>>,
    ) -> Turn<R, E> {
        if let Some(found) = take(self) {
            return Turn::Done(found);
        }
        if self.reading {
            return Turn::Wait;
        }
        self.reading = true;
        Turn::Read
    }

    /// The reader is done: another caller may read.
    pub(crate) fn end_read(&mut self) {
        self.reading = false;
    }

    /// Files what the reader received (see [`ClientState::route`]). An error is
    /// terminal: the connection is closed, `take` is called once more to let it forget
    /// what its caller waited for, and the error to report is returned (the first
    /// reason, if this end closed the connection first, which is what made the read
    /// fail). The caller then shuts the channel down.
    pub(crate) fn file<R>(
        &mut self,
        received: Result<Received<H>, E>,
        take: &mut impl FnMut(&mut Self) -> Option<Result<R, E>>,
    ) -> Result<(), E> {
        let Err(e) = received.and_then(|msg| self.route(msg)) else {
            return Ok(());
        };
        let e = self.closed.as_ref().map(Closed::error).unwrap_or(e);
        self.close(Closed::from_error(&e));
        let _ = take(self);
        Err(e)
    }

    /// Files a message the reader received: a reply goes to its call, an event (txid
    /// 0) to the queue. Any error is terminal, and `msg` (its handles) is dropped.
    fn route(&mut self, msg: Received<H>) -> Result<(), E> {
        let txid = msg.txid();
        if txid == 0 {
            if self.events.len() >= self.max_queued {
                return Err(E::from_message(MessageError::QueueFull {
                    limit: self.max_queued,
                }));
            }
            self.events.push_back(msg);
            return Ok(());
        }
        let expected = match self.calls.get(&txid) {
            Some(Call::Waiting { ordinal } | Call::Abandoned { ordinal }) => *ordinal,
            Some(Call::Replied(_)) | None => {
                return Err(E::from_message(MessageError::UnexpectedTxid { txid }));
            }
        };
        if msg.ordinal() != expected {
            return Err(E::from_message(MessageError::UnexpectedOrdinal {
                txid,
                expected,
                found: msg.ordinal(),
            }));
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
}

impl<H: TransportHandle, E: TransportError> Connection for ClientState<H, E> {
    fn closed(&self) -> Option<&Closed> {
        self.closed.as_ref()
    }

    /// Drops every queued message too. Calls in flight learn it when they look.
    fn close(&mut self, reason: Closed) {
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
#[derive(Debug)]
pub(crate) struct ServerState<E> {
    in_flight: HashSet<u32>,
    closed: Option<Closed>,
    error: PhantomData<fn() -> E>,
}

impl<E: TransportError> Default for ServerState<E> {
    fn default() -> Self {
        Self {
            in_flight: HashSet::new(),
            closed: None,
            error: PhantomData,
        }
    }
}

impl<E: TransportError> ServerState<E> {
    /// Registers a received request: a two-way one (nonzero txid) must not reuse the
    /// txid of one still in flight. An error is terminal.
    pub(crate) fn begin_request(&mut self, txid: u32) -> Result<(), E> {
        check_open(self.closed.as_ref())?;
        if txid != 0 && !self.in_flight.insert(txid) {
            return Err(E::from_message(MessageError::DuplicateTxid { txid }));
        }
        Ok(())
    }

    /// The request `txid` was answered (or will never be).
    pub(crate) fn end_request(&mut self, txid: u32) {
        self.in_flight.remove(&txid);
    }
}

impl<E: TransportError> Connection for ServerState<E> {
    fn closed(&self) -> Option<&Closed> {
        self.closed.as_ref()
    }

    fn close(&mut self, reason: Closed) {
        if self.closed.is_none() {
            self.closed = Some(reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use handoff_wire::TransactionHeader;

    use super::*;

    // The platform's handle and error types: the rules are the same everywhere.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    use {crate::Error, std::os::fd::OwnedFd as H};
    #[cfg(windows)]
    use {crate::windows::Error, crate::windows::WinHandle as H};

    fn reply(txid: u32, ordinal: u64) -> Received<H> {
        Received {
            header: TransactionHeader::new(txid, ordinal, 0),
            body: BytesMut::new(),
            handles: Vec::new(),
        }
    }

    #[test]
    fn txids_skip_zero_and_those_in_flight() {
        let mut state = ClientState::<H, Error>::new(4);
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
        let mut state = ClientState::<H, Error>::new(4);
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
        let mut state = ClientState::<H, Error>::new(1);
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
        let mut state = ServerState::<Error>::default();
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
