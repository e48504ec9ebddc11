//! The Windows transport: messages — bytes plus [`WinHandle`]s — between processes
//! over message-mode named pipes, with the same API as the Unix transport (the same
//! names, the same message layer, fds replaced by handles), so code written against
//! one ports to the other by its imports.
//!
//! ```
//! # #[cfg(windows)]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::io::{Read, Seek, Write};
//! use std::os::windows::io::OwnedHandle;
//!
//! use bytes::BytesMut;
//! use handoff_codec::handle::windows::WinHandle;
//! use handoff_transport::windows::{Channel, Error};
//!
//! let (a, b) = Channel::pair()?;
//! let path = std::env::temp_dir().join(format!("handoff-doc-{}", std::process::id()));
//! let mut file = std::fs::File::options()
//!     .read(true).write(true).create(true).truncate(true).open(&path)?;
//! file.write_all(b"hi")?;
//! let handle = WinHandle::new(OwnedHandle::from(file))?;
//! a.send(b"a message and a file", vec![handle])?;
//!
//! let (mut buf, mut handles) = (BytesMut::new(), Vec::new());
//! b.recv(&mut buf, &mut handles)?;
//! assert_eq!(&buf[..], b"a message and a file");
//! assert_eq!(handles.len(), 1);
//!
//! // The received handle is the file.
//! let mut file = std::fs::File::from(OwnedHandle::from(handles.pop().unwrap()));
//! file.rewind()?;
//! let mut text = String::new();
//! file.read_to_string(&mut text)?;
//! assert_eq!(text, "hi");
//! # drop(file);
//! # std::fs::remove_file(&path)?;
//!
//! drop(a);
//! assert!(matches!(b.recv(&mut buf, &mut handles), Err(Error::PeerClosed)));
//! # Ok(())
//! # }
//! # #[cfg(not(windows))]
//! # fn main() {}
//! ```
//!
//! # Handles cross by `DuplicateHandle`
//!
//! A handle value means nothing outside its process, so a handle never travels as
//! what it is here. To send a message, the sender pushes each of its handles into the
//! peer process (`DuplicateHandle` with `DUPLICATE_CLOSE_SOURCE`: the sender's handle
//! is gone afterwards, even when the call fails) and writes the values the handles
//! got there next to the bytes. The receiver accepts each value only through the
//! checked conversion ([`CheckedRawHandle::from_u32`], then
//! `WinHandle::from_raw_checked`), so NULL, `INVALID_HANDLE_VALUE`, the pseudo handles
//! and values that are not multiples of 4 are rejected with a typed error. Each end
//! learns the other's process id from the pipe (`GetNamedPipeClientProcessId` /
//! `GetNamedPipeServerProcessId`) and opens it with `PROCESS_DUP_HANDLE` when the
//! channel is made.
//!
//! # Framing
//!
//! A message-mode pipe keeps the boundaries of what was written: one `WriteFile` is
//! one pipe message, read as one. Each message is one pipe message, a frame:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | `n`: the number of bytes of the message (little-endian) |
//! | 4 | 4 | `h`: the number of handles (little-endian, at most [`MAX_HANDLES`]) |
//! | 8 | 4 × `h` | each handle's value in the receiver's handle table (32 bits, sign-extended on 64-bit Windows) |
//! | 8 + 4`h` | `n` | the message |
//!
//! The frame's size must be exactly `8 + 4h + n`. An empty pipe message is the end of
//! the stream (a channel that is shut down writes one; no frame is empty). Handle
//! values cannot drift from their message, since a frame is written and read whole.
//!
//! # What a receiver can rely on
//!
//! Whatever the peer does, a call to [`Channel::recv`] either returns one whole
//! message, its bytes and exactly its handles, or returns an [`Error`] having closed
//! every handle that came with the rejected message. In detail:
//!
//! * each value is checked before anything is done with it: a value that fails the
//!   checked conversion is [`Error::BadHandleValue`]; one that passes but names no
//!   open handle (the handle did not arrive) is [`Error::HandleNotReceived`]; one that
//!   repeats an earlier value of the frame, or is the value of the channel's own pipe
//!   or peer-process handle, is [`Error::ForgedHandleValue`] and is left alone. In
//!   each case every other handle of the message is closed;
//! * a frame whose counts disagree with its size, or that declares more than
//!   [`MAX_HANDLES`] handles, is [`Error::BadFrame`]; more handles than
//!   [`Limits::max_handles`] is [`Error::TooManyHandlesReceived`]; more bytes than
//!   [`Limits::max_bytes`] is [`Error::MessageTooLarge`], and the bytes are read
//!   into a fixed scratch buffer and thrown away, never into the caller's buffer; a
//!   frame of no bytes is [`Error::EmptyMessage`]. Each time the rest of the pipe
//!   message is read and thrown away, so the next read starts at a frame;
//! * received handles are not inheritable (the Windows form of `FD_CLOEXEC`);
//! * a channel that is dropped takes the messages still in the pipe out of it and
//!   closes their handles, which the peer had pushed into this process.
//!
//! A sender gets [`Error::TooManyHandles`], [`Error::MessageTooLarge`] or
//! [`Error::EmptyMessage`] before any system call, [`Error::HandleNotSent`] when a
//! handle cannot be pushed into the peer (every handle of the message is then closed,
//! here and, for those already pushed, in the peer), and [`Error::PeerClosed`] when
//! the peer is gone; the handles pushed for a frame that could not be written are
//! closed in the peer too.
//!
//! # Trust
//!
//! Pushing handles means that each end holds `PROCESS_DUP_HANDLE` on the other, which
//! lets it duplicate, close or replace any handle of the other process: the two ends
//! must trust each other that far (for a broker that must not trust its clients, the
//! broker should pull handles out of them instead,
//! `WinHandle::receive_from_process`). This transport's checks do not make a hostile
//! peer harmless; they make every malformed or mistaken frame (a bad value, a value
//! sent twice, a frame cut short, a handle that failed to arrive) a typed error that
//! leaks and double-closes nothing. A value in a frame is taken as a handle the peer
//! pushed for that frame: that is the promise `WinHandle::from_raw_checked` needs.
//!
//! # Blocking
//!
//! Every pipe is opened for overlapped I/O, so one thread can wait for a message
//! while others send; each call waits for its own operation. [`Client`] and
//! [`Server`] are the blocking message layer, as on Unix; there is no async channel
//! on Windows yet.
//!
//! [`CheckedRawHandle::from_u32`]: handoff_codec::handle::windows::CheckedRawHandle::from_u32

mod channel;
mod error;
mod limits;
mod pipe;

pub use crate::generic::Options;
pub use channel::{Channel, Listener};
pub use error::{Error, FrameError, Result};
pub use handoff_codec::handle::windows::WinHandle;
pub use limits::{Limits, MAX_HANDLES};

use crate::generic;

/// The calling end of a connection over a [`Channel`]; see [`generic::Client`].
pub type Client = generic::Client<Channel>;
/// A call of a [`Client`] whose request was sent; see [`generic::PendingCall`].
pub type PendingCall<'c> = generic::PendingCall<'c, Channel>;
/// The serving end of a connection over a [`Channel`]; see [`generic::Server`].
pub type Server = generic::Server<Channel>;
/// A request received by a [`Server`]; see [`generic::Request`].
pub type Request = generic::Request<Channel>;
/// Answers a two-way request received by a [`Server`]; see [`generic::Responder`].
pub type Responder = generic::Responder<Channel>;
/// A received event or request, its handles with it; see [`generic::Incoming`].
pub type Incoming = generic::Incoming<WinHandle, Error>;
