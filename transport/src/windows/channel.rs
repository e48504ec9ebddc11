//! The blocking channel over a message-mode named pipe, and a listener for channels
//! on a pipe name.

use std::ffi::{OsStr, OsString};
use std::io::{self, IoSlice};
use std::os::windows::io::{AsHandle, AsRawHandle, BorrowedHandle, OwnedHandle};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use bytes::BytesMut;
use handoff_codec::handle::windows::{CheckedRawHandle, WinHandle, check_raw_handle};
use windows_sys::Win32::Foundation::{
    ERROR_BROKEN_PIPE, ERROR_NO_DATA, ERROR_OPERATION_ABORTED, ERROR_PIPE_NOT_CONNECTED,
};

use super::limits::{Limits, MAX_HANDLES};
use super::pipe::{self, Pipe, Transfer, Wait};
use super::{Error, FrameError, Result};
use crate::endpoint::sealed::Sealed;
use crate::endpoint::{Blocking, RawChannel, Transport};
use crate::message::{self, TransportError};

/// The frame header: the byte count and the handle count, 32 bits each.
const HEADER: usize = 8;
/// The first read of a frame goes to a buffer on the stack this large: it holds the
/// header and every handle value a frame may have, so those are never split, and the
/// whole of a small message.
const HEAD_BUFFER: usize = 4096;
const _: () = assert!(HEAD_BUFFER >= HEADER + 4 * MAX_HANDLES);
/// How long shutting down waits for the end-of-stream message to be written (it
/// waits only when the pipe is full).
const END_WAIT_MS: u32 = 100;
/// The most unread messages a dropped channel takes out of the pipe to close their
/// handles.
const DRAIN_MAX: usize = 1024;

/// The process at the other end of the pipe.
#[derive(Debug)]
struct Peer {
    pid: u32,
    /// `PROCESS_DUP_HANDLE` on it, or the error `OpenProcess` gave.
    process: Result<OwnedHandle, io::Error>,
}

/// One end of a connected message-mode named pipe, moving messages (bytes plus
/// handles) one frame each (see the [framing](super#framing)). Calls wait for their
/// operation to complete.
///
/// Sending and receiving take `&self`, so one thread can send while another receives
/// (the pipe is overlapped, so they do not hold each other up). Give each channel
/// one reader: two threads receiving at once could each take part of one message.
///
/// Dropping a channel takes the messages still waiting in the pipe out of it (up to
/// 1024) and closes the handles they carried, which the peer had pushed into this
/// process.
#[derive(Debug)]
pub struct Channel {
    pipe: Pipe,
    peer: Peer,
    limits: Limits,
    /// The peer is gone: the pipe broke or the end-of-stream message came.
    peer_gone: AtomicBool,
    /// The end-of-stream message was written (or tried).
    end_sent: AtomicBool,
    /// Whether dropping the channel takes the unread messages out of the pipe (not
    /// after [`Channel::into_handle`]).
    drain_on_drop: bool,
}

/// Checks a message against the limits before any system call; returns its size.
fn check_send(parts: &[IoSlice<'_>], handles: usize, limits: &Limits) -> Result<usize> {
    let handle_limit = limits.max_handles().min(MAX_HANDLES);
    message::check_send(parts, limits.max_bytes(), handles, &[handle_limit])
        .map_err(Error::from_message)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    if let Some(b) = bytes.get(at..at + 4) {
        word.copy_from_slice(b);
    }
    u32::from_le_bytes(word)
}

/// The handles of a frame being received, taken one value at a time; dropping it
/// closes those taken.
struct Arrivals<'a> {
    channel: &'a Channel,
    handles: Vec<WinHandle>,
    /// Every value seen that passed the checked conversion.
    values: Vec<CheckedRawHandle>,
    /// The first reason to reject the message.
    error: Option<Error>,
}

impl<'a> Arrivals<'a> {
    fn new(channel: &'a Channel, count: usize) -> Self {
        Self {
            channel,
            handles: Vec::with_capacity(count),
            values: Vec::with_capacity(count),
            error: None,
        }
    }

    fn fail(&mut self, e: Error) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Takes handle value number `index` of the frame, as 32 bits.
    fn take(&mut self, index: usize, raw: u32) {
        let value = match CheckedRawHandle::from_u32(raw) {
            Ok(value) => value,
            Err(source) => return self.fail(Error::BadHandleValue { index, source }),
        };
        if self.values.contains(&value) {
            return self.fail(Error::ForgedHandleValue {
                index,
                value,
                reason: "repeats an earlier handle value of the message",
            });
        }
        self.values.push(value);
        if self.channel.is_own_value(value) {
            return self.fail(Error::ForgedHandleValue {
                index,
                value,
                reason: "is the value of the channel's own pipe or peer-process handle",
            });
        }
        // SAFETY: `value` passed the checked conversion, appears once in this frame and
        // is neither of the channel's own handles. By the protocol of this transport
        // every value in a frame names a handle that the peer created in this process
        // for this frame (`WinHandle::send_to_process`) and that nothing here owns yet;
        // the frame is read once, so it is taken once. That rests on the peer, which
        // holds PROCESS_DUP_HANDLE on this process and so could already close or
        // replace any handle here: see "Trust" in the module docs.
        match unsafe { WinHandle::from_raw_checked(value.get()) } {
            Ok(handle) => self.handles.push(handle),
            // The value was owned, and is closed, by the failed conversion.
            Err(source) => self.fail(Error::HandleNotReceived { index, source }),
        }
    }
}

impl Channel {
    /// Two connected channels in this process (a fresh pipe with a random name and a
    /// single instance), with the default [`Limits`]. Each end checks that the other
    /// is this process, so no other process can have slipped in.
    pub fn pair() -> Result<(Self, Self)> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let random = {
            use std::hash::{BuildHasher, RandomState};
            RandomState::new().hash_one(n)
        };
        let name = format!(
            r"\\.\pipe\handoff-pair-{}-{n}-{random:016x}",
            std::process::id()
        );
        let name = pipe::wide(OsStr::new(&name));
        let server = Pipe::new(pipe::create_instance(&name, true, 1)?);
        let client = Pipe::new(pipe::open_client(&name)?);
        server
            .connect()
            .map_err(|code| Error::Io(pipe::os_error(code)))?;
        let a = Self::from_pipe(server, true)?;
        let b = Self::from_pipe(client, false)?;
        let me = std::process::id();
        if a.peer.pid != me || b.peer.pid != me {
            return Err(Error::Io(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "another process connected to the pipe of a channel pair",
            )));
        }
        Ok((a, b))
    }

    /// A channel over a connected pipe end: learns the peer's process id and opens the
    /// peer with `PROCESS_DUP_HANDLE` (if that fails, the channel still carries
    /// messages without handles; see [`Error::PeerProcessUnavailable`]).
    fn from_pipe(pipe: Pipe, server_end: bool) -> Result<Self> {
        let pid = pipe::peer_pid(pipe.handle(), server_end)?;
        let process = pipe::open_process(pid);
        Ok(Self {
            pipe,
            peer: Peer { pid, process },
            limits: Limits::DEFAULT,
            peer_gone: AtomicBool::new(false),
            end_sent: AtomicBool::new(false),
            drain_on_drop: true,
        })
    }

    /// A channel over a connected end of a message-type named pipe (for instance one
    /// inherited from a parent process). Puts the handle in message read mode; any
    /// other kind of handle is [`Error::NotMessagePipe`] (and is closed).
    ///
    /// The handle should have been opened for overlapped I/O (`FILE_FLAG_OVERLAPPED`),
    /// as every pipe this module makes is: on a synchronous handle a receive waiting
    /// for a message holds up every send.
    pub fn from_handle(handle: OwnedHandle) -> Result<Self> {
        let info = pipe::pipe_info(handle.as_handle()).map_err(|_| Error::NotMessagePipe)?;
        if !info.message_type {
            return Err(Error::NotMessagePipe);
        }
        pipe::set_message_mode(handle.as_handle())?;
        Self::from_pipe(Pipe::new(handle), info.server_end)
    }

    /// Connects to a [`Listener`] on the pipe `name` (`\\.\pipe\NAME`; a name without
    /// a backslash is taken as `NAME` under `\\.\pipe\`). Waits (a minute at most)
    /// while every instance of the pipe is busy.
    pub fn connect(name: impl AsRef<Path>) -> Result<Self> {
        let name = pipe::wide(&pipe_path(name.as_ref().as_os_str()));
        Self::from_pipe(Pipe::new(pipe::open_client(&name)?), false)
    }

    /// The limits in force for this end.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Sets the limits for this end (each end has its own).
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// This channel with `limits`.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The process id of the peer, as the pipe reported it when the channel was made.
    pub fn peer_pid(&self) -> u32 {
        self.peer.pid
    }

    /// Whether `value` is the value of one of this channel's own handles.
    fn is_own_value(&self, value: CheckedRawHandle) -> bool {
        let raw = value.get();
        let of = |h: BorrowedHandle<'_>| h.as_raw_handle().addr() as isize == raw;
        of(self.pipe.handle()) || self.peer.process.as_ref().is_ok_and(|p| of(p.as_handle()))
    }

    /// Sends `bytes` and `handles` as one message. The handles are moved in: each one
    /// is pushed into the peer process (`DuplicateHandle` with
    /// `DUPLICATE_CLOSE_SOURCE`), so none is left here whether the message was sent or
    /// not, as `zx_channel_write` consumes its handles.
    ///
    /// Errors: [`Error::EmptyMessage`], [`Error::MessageTooLarge`] and
    /// [`Error::TooManyHandles`] before any system call;
    /// [`Error::PeerProcessUnavailable`] and [`Error::HandleNotSent`] when a handle
    /// cannot be pushed (those already pushed are closed in the peer);
    /// [`Error::PeerClosed`] when the peer is gone; [`Error::Io`] otherwise.
    pub fn send(&self, bytes: &[u8], handles: Vec<WinHandle>) -> Result<()> {
        self.send_vectored(&[IoSlice::new(bytes)], handles)
    }

    /// Sends the concatenation of `parts` (a header and a body, say) and `handles` as
    /// one message, as [`Channel::send`] does.
    pub fn send_vectored(&self, parts: &[IoSlice<'_>], handles: Vec<WinHandle>) -> Result<()> {
        let size = check_send(parts, handles.len(), &self.limits)?;
        self.send_frame(parts, size, handles)
    }

    /// Sends `parts` and copies of `handles` as one message; the caller keeps its
    /// handles. A borrowed handle can hold a value that is no handle to send
    /// (`INVALID_HANDLE_VALUE`, which is also the current-process pseudo handle, or
    /// another pseudo handle): each value goes through the checked conversion first,
    /// and one that fails is [`Error::BadHandleValue`], before anything is copied.
    pub fn send_borrowed(
        &self,
        parts: &[IoSlice<'_>],
        handles: &[BorrowedHandle<'_>],
    ) -> Result<()> {
        let size = check_send(parts, handles.len(), &self.limits)?;
        for (index, handle) in handles.iter().enumerate() {
            check_raw_handle(handle.as_raw_handle().addr() as isize)
                .map_err(|source| Error::BadHandleValue { index, source })?;
        }
        let mut copies = Vec::with_capacity(handles.len());
        for (index, handle) in handles.iter().enumerate() {
            let copy = handle.try_clone_to_owned()?;
            copies.push(
                WinHandle::new(copy).map_err(|source| Error::HandleNotSent { index, source })?,
            );
        }
        self.send_frame(parts, size, copies)
    }

    /// The peer process handle, for pushing handles.
    fn peer_process(&self) -> Result<BorrowedHandle<'_>> {
        match &self.peer.process {
            Ok(process) => Ok(process.as_handle()),
            Err(e) => Err(Error::PeerProcessUnavailable {
                pid: self.peer.pid,
                source: match e.raw_os_error() {
                    Some(code) => io::Error::from_raw_os_error(code),
                    None => io::Error::new(e.kind(), e.to_string()),
                },
            }),
        }
    }

    /// Pushes `handles` into the peer and writes the frame (a message that passed
    /// [`check_send`], of `size` bytes).
    fn send_frame(
        &self,
        parts: &[IoSlice<'_>],
        size: usize,
        handles: Vec<WinHandle>,
    ) -> Result<()> {
        if self.peer_gone.load(Ordering::Acquire) || self.pipe.is_shut() {
            return Err(Error::PeerClosed);
        }
        let process = if handles.is_empty() {
            None
        } else {
            Some(self.peer_process()?)
        };
        let count = handles.len();
        let mut frame = Vec::with_capacity(HEADER + 4 * count + size);
        // check_send bounded both counts (max_bytes fits in 32 bits, handles in 253).
        frame.extend_from_slice(&u32::try_from(size).unwrap_or(u32::MAX).to_le_bytes());
        frame.extend_from_slice(&u32::try_from(count).unwrap_or(u32::MAX).to_le_bytes());
        let mut pushed = Vec::with_capacity(count);
        if let Some(process) = process {
            let mut handles = handles.into_iter().enumerate();
            for (index, handle) in handles.by_ref() {
                match handle.send_to_process(process) {
                    Ok(value) => {
                        frame.extend_from_slice(&value.to_u32().to_le_bytes());
                        pushed.push(value);
                    }
                    Err(source) => {
                        // The handles not reached yet are closed with the iterator.
                        drop(handles);
                        self.retract(process, &pushed);
                        return Err(Error::HandleNotSent { index, source });
                    }
                }
            }
        }
        for part in parts {
            frame.extend_from_slice(part);
        }
        let (sent, result) = self.pipe.write(&frame, Wait::Interruptible, None);
        match result {
            Ok(()) if sent == frame.len() => Ok(()),
            Ok(()) => Err(Error::PartialSend {
                sent,
                size: frame.len(),
            }),
            Err(code) => {
                if sent == 0 {
                    // Nothing of the frame left: the peer never learns these values.
                    if let Some(process) = process {
                        self.retract(process, &pushed);
                    }
                }
                Err(self.io_error(code))
            }
        }
    }

    /// Closes in the peer the handles pushed for a frame that was not sent.
    fn retract(&self, process: BorrowedHandle<'_>, pushed: &[CheckedRawHandle]) {
        for &value in pushed {
            pipe::close_in_process(process, value);
        }
    }

    /// The error for a failed pipe operation.
    fn io_error(&self, code: u32) -> Error {
        match code {
            ERROR_BROKEN_PIPE | ERROR_PIPE_NOT_CONNECTED | ERROR_NO_DATA => {
                self.peer_gone.store(true, Ordering::Release);
                Error::PeerClosed
            }
            ERROR_OPERATION_ABORTED if self.pipe.is_shut() => Error::PeerClosed,
            code => Error::Io(pipe::os_error(code)),
        }
    }

    /// Waits for the next message and receives it: `buf` is cleared and then holds
    /// exactly the message's bytes (never more than [`Limits::max_bytes`]), `handles`
    /// is cleared (closing what it held) and then holds the message's handles, in
    /// order, each one non-inheritable.
    ///
    /// On error both are left empty, and every handle that came with a rejected
    /// message has been closed: [`Error::PeerClosed`] at the end of the stream;
    /// [`Error::BadFrame`], [`Error::BadHandleValue`], [`Error::HandleNotReceived`],
    /// [`Error::ForgedHandleValue`], [`Error::TooManyHandlesReceived`],
    /// [`Error::MessageTooLarge`] and [`Error::EmptyMessage`] for a rejected message
    /// (the channel stays usable).
    pub fn recv(&self, buf: &mut BytesMut, handles: &mut Vec<WinHandle>) -> Result<()> {
        buf.clear();
        handles.clear();
        if self.peer_gone.load(Ordering::Acquire) {
            return Err(Error::PeerClosed);
        }
        let result = self.recv_frame(buf, handles, Wait::Interruptible);
        if result.is_err() {
            buf.clear();
            handles.clear();
        }
        result
    }

    /// Reads one frame. Whatever happens, the pipe message is read to its end, so the
    /// next read starts at a frame.
    fn recv_frame(
        &self,
        buf: &mut BytesMut,
        handles: &mut Vec<WinHandle>,
        wait: Wait,
    ) -> Result<()> {
        let mut head = [0u8; HEAD_BUFFER];
        let first = self
            .pipe
            .read(&mut head, wait)
            .map_err(|code| self.io_error(code))?;
        if first.bytes == 0 && !first.more {
            // An empty pipe message: the peer shut the channel down.
            self.peer_gone.store(true, Ordering::Release);
            return Err(Error::PeerClosed);
        }
        let mut more = first.more;
        let result = self.take_frame(
            &head[..first.bytes.min(HEAD_BUFFER)],
            &mut more,
            buf,
            handles,
        );
        if more {
            self.discard_rest();
        }
        result
    }

    /// Checks the frame whose first `head.len()` bytes were read (`more` if the pipe
    /// message goes on; cleared once it is read to the end), takes its handles and
    /// reads its bytes into `buf`.
    fn take_frame(
        &self,
        head: &[u8],
        more: &mut bool,
        buf: &mut BytesMut,
        handles: &mut Vec<WinHandle>,
    ) -> Result<()> {
        let got = head.len();
        if got < HEADER {
            return Err(Error::BadFrame(FrameError::TooShort { size: got }));
        }
        let byte_count = u32_at(head, 0);
        let handle_count = u32_at(head, 4);
        let count = handle_count as usize;
        if count > MAX_HANDLES {
            return Err(Error::BadFrame(FrameError::TooManyHandleValues {
                count: handle_count,
            }));
        }
        let values_end = HEADER + 4 * count;
        let declared = values_end as u64 + u64::from(byte_count);
        // The head buffer holds every value a frame may have: a value missing from it
        // means the message ended early. Every complete value present is taken (and so
        // closed if the message is rejected).
        let present = ((got - HEADER) / 4).min(count);
        let mut arrivals = Arrivals::new(self, count);
        for index in 0..present {
            arrivals.take(index, u32_at(head, HEADER + 4 * index));
        }
        let mismatch = |actual: usize| {
            Error::BadFrame(FrameError::SizeMismatch {
                declared,
                actual: actual as u64,
            })
        };
        if present < count
            || (!*more && got as u64 != declared)
            || (*more && got as u64 >= declared)
        {
            return Err(mismatch(got));
        }
        if let Some(e) = arrivals.error.take() {
            return Err(e);
        }
        if count > self.limits.max_handles() {
            return Err(Error::TooManyHandlesReceived {
                count,
                limit: self.limits.max_handles(),
            });
        }
        let size = byte_count as usize;
        if size > self.limits.max_bytes() {
            return Err(Error::MessageTooLarge {
                size,
                limit: self.limits.max_bytes(),
            });
        }
        if size == 0 {
            return Err(Error::EmptyMessage);
        }
        buf.reserve(size);
        buf.extend_from_slice(&head[values_end..]);
        if *more {
            let have = buf.len();
            buf.resize(size, 0);
            let rest = self.pipe.read(&mut buf[have..], Wait::ToCompletion);
            let Transfer { bytes, more: still } = rest.map_err(|code| {
                *more = false;
                self.io_error(code)
            })?;
            *more = still;
            if still || have + bytes != size {
                return Err(mismatch(values_end + have + bytes));
            }
        }
        *handles = core::mem::take(&mut arrivals.handles);
        Ok(())
    }

    /// Reads the rest of a pipe message and throws it away.
    fn discard_rest(&self) {
        let mut scratch = [0u8; HEAD_BUFFER];
        while let Ok(Transfer { more: true, .. }) = self.pipe.read(&mut scratch, Wait::ToCompletion)
        {
        }
    }

    /// The pipe handle (a duplicate of this channel's, which is then closed; both
    /// name one pipe, which stays connected). Messages waiting in the pipe stay there
    /// for the new owner.
    pub fn into_handle(mut self) -> Result<OwnedHandle> {
        let handle = self.pipe.handle().try_clone_to_owned()?;
        self.drain_on_drop = false;
        Ok(handle)
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        if !self.drain_on_drop {
            return;
        }
        // Messages nobody will read carry handles the peer pushed into this process:
        // take them, to close them. Only what is already in the pipe is read, so this
        // does not wait.
        let (mut buf, mut handles) = (BytesMut::new(), Vec::new());
        // Whatever a frame turns out to be (an end-of-stream message included), the
        // next one is read while the pipe has bytes: a read error leaves none.
        for _ in 0..DRAIN_MAX {
            if !matches!(self.pipe.available(), Ok(n) if n > 0) {
                break;
            }
            let _ = self.recv_frame(&mut buf, &mut handles, Wait::ToCompletion);
            handles.clear();
        }
    }
}

impl Sealed for Channel {}

impl Transport for Channel {
    type Handle = WinHandle;
    type Error = Error;
    type Kit = Blocking;

    fn max_bytes(&self) -> usize {
        self.limits.max_bytes()
    }

    fn max_handles(&self) -> usize {
        self.limits.max_handles()
    }

    /// Shuts the channel down: calls in progress here (from any thread) and later ones
    /// fail with [`Error::PeerClosed`], and the peer reads the end of the stream (an
    /// empty pipe message), unless the pipe is full and stays so for 100 ms.
    fn shutdown(&self) {
        self.pipe.shut_down();
        if !self.peer_gone.load(Ordering::Acquire) && !self.end_sent.swap(true, Ordering::AcqRel) {
            // Best effort: if it cannot be written, the peer learns of the end when the
            // handle is closed.
            let _ = self.pipe.write(&[], Wait::ToCompletion, Some(END_WAIT_MS));
        }
    }
}

impl RawChannel for Channel {
    /// Takes every handle out of `handles`: each one is pushed into the peer, or
    /// closed.
    fn send_raw(&self, bytes: &[u8], handles: &mut Vec<WinHandle>) -> Result<()> {
        let handles = core::mem::take(handles);
        let parts = [IoSlice::new(bytes)];
        let size = check_send(&parts, handles.len(), &self.limits)?;
        self.send_frame(&parts, size, handles)
    }

    fn recv_raw(&self, buf: &mut BytesMut, handles: &mut Vec<WinHandle>) -> Result<()> {
        self.recv(buf, handles)
    }
}

impl AsHandle for Channel {
    fn as_handle(&self) -> BorrowedHandle<'_> {
        self.pipe.handle()
    }
}

impl TryFrom<OwnedHandle> for Channel {
    type Error = Error;

    /// See [`Channel::from_handle`].
    fn try_from(handle: OwnedHandle) -> Result<Self> {
        Self::from_handle(handle)
    }
}

/// `\\.\pipe\` + `name`, unless `name` is a path already.
fn pipe_path(name: &OsStr) -> OsString {
    let is_path = name.to_str().is_none_or(|s| s.contains('\\'));
    if is_path {
        return name.to_owned();
    }
    let mut path = OsString::from(r"\\.\pipe\");
    path.push(name);
    path
}

/// A named pipe that accepts connections; each accepted connection is a [`Channel`].
/// It always keeps one instance of the pipe waiting, so a client finds the name
/// between two calls to [`Listener::accept`]. The name is gone once the listener and
/// every channel it made are dropped.
#[derive(Debug)]
pub struct Listener {
    name: Vec<u16>,
    path: OsString,
    /// The instance waiting for the next client.
    next: Mutex<Option<OwnedHandle>>,
}

impl Listener {
    /// Creates the first instance of the pipe `name` (`\\.\pipe\NAME`; a name without
    /// a backslash is taken as `NAME` under `\\.\pipe\`). Fails if the name is taken,
    /// even by another process (`FILE_FLAG_FIRST_PIPE_INSTANCE`). Only local clients
    /// can connect (`PIPE_REJECT_REMOTE_CLIENTS`).
    pub fn bind(name: impl AsRef<Path>) -> Result<Self> {
        let path = pipe_path(name.as_ref().as_os_str());
        let name = pipe::wide(&path);
        let first = pipe::create_instance(&name, true, u32::MAX)?;
        Ok(Self {
            name,
            path,
            next: Mutex::new(Some(first)),
        })
    }

    /// The full path of the pipe (`\\.\pipe\...`), for [`Channel::connect`].
    pub fn path(&self) -> &OsStr {
        &self.path
    }

    /// Waits for the next connection.
    pub fn accept(&self) -> Result<Channel> {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let instance = match next.take() {
            Some(instance) => instance,
            None => pipe::create_instance(&self.name, false, u32::MAX)?,
        };
        let pipe = Pipe::new(instance);
        pipe.connect()
            .map_err(|code| Error::Io(pipe::os_error(code)))?;
        // A failure here is retried by the next accept.
        *next = pipe::create_instance(&self.name, false, u32::MAX).ok();
        drop(next);
        Channel::from_pipe(pipe, true)
    }
}
