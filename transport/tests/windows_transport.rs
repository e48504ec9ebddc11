//! The Windows transport, for real (under Wine in CI): channels in one process with a
//! raw pipe end as a hostile peer that writes whatever frames a test wants, the
//! message layer, and messages that cross into a child process (this test binary,
//! started again) and back.
//!
//! Whether a handle was closed is checked by the handle count of its object (kept
//! alive by a second handle the test holds): unlike a handle value, which another test
//! thread may reuse as soon as it is closed, the count shows a close without a race.

#![cfg(windows)]

use std::ffi::OsString;
use std::io::{IoSlice, Read, Seek, SeekFrom, Write};
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::{AsHandle, AsRawHandle, BorrowedHandle, FromRawHandle, OwnedHandle};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::Duration;

use bytes::BytesMut;
use handoff::Fidl;
use handoff::handle::windows::{
    RawHandleError, StdStream, StdioError, WinHandle, WinHandleError, try_stderr, try_stdin,
    try_stdout,
};
use handoff::handle::{Handle, ObjectType, Rights};
use handoff_transport::windows::{
    Channel, Client, Error, FrameError, Limits, Listener, MAX_HANDLES, Server,
};
use windows_sys::Wdk::Foundation::{NtQueryObject, ObjectBasicInformation};
use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, GetLastError, HANDLE, INVALID_HANDLE_VALUE, WAIT_OBJECT_0,
};
use windows_sys::Win32::Storage::FileSystem::WriteFile;
use windows_sys::Win32::System::IO::{GetOverlappedResult, OVERLAPPED};
use windows_sys::Win32::System::Threading::{
    CREATE_UNICODE_ENVIRONMENT, CreateEventW, CreateProcessW, DETACHED_PROCESS, GetExitCodeProcess,
    INFINITE, PROCESS_INFORMATION, STARTF_USESTDHANDLES, STARTUPINFOW, SetEvent,
    WaitForSingleObject,
};
use windows_sys::Win32::System::WindowsProgramming::PUBLIC_OBJECT_BASIC_INFORMATION;

// ---------------------------------------------------------------------------------------
// Message types.

/// `BASIC | READ | WRITE`: a file that can be read and written.
const FILE_RW: u32 = 0xC00F;
/// `BASIC | READ`.
const FILE_READ: u32 = 0xC007;
/// A new event's rights.
const EVENT_DEFAULT: u32 = 0xD003;

const ECHO: u64 = 0x5702_e000_0000_0011;
const LOOK: u64 = 0x5702_e000_0000_0012;
const TWO: u64 = 0x5702_e000_0000_0013;

/// A file and an event.
#[derive(Debug, Fidl)]
#[fidl(resource)]
struct Kit {
    #[fidl(max_len = 64)]
    label: String,
    #[fidl(handle(object_type = 0x1000, rights = 0xC00F))]
    file: WinHandle,
    #[fidl(handle(object_type = 5, rights = 0xD003))]
    event: WinHandle,
}

/// A file declared read-only: a writable one is narrowed before it leaves.
#[derive(Debug, Fidl)]
#[fidl(resource)]
struct ReadOnly {
    #[fidl(handle(object_type = 0x1000, rights = 0xC007))]
    file: WinHandle,
}

/// Two events, and nothing else.
#[derive(Debug, Fidl)]
#[fidl(resource)]
struct Two {
    #[fidl(handle(object_type = 5, rights = 0xD003))]
    a: WinHandle,
    #[fidl(handle(object_type = 5, rights = 0xD003))]
    b: WinHandle,
}

/// A value type.
#[derive(Debug, Clone, PartialEq, Fidl)]
struct Note {
    #[fidl(max_len = 64)]
    text: String,
}

// ---------------------------------------------------------------------------------------
// Helpers.

fn last_error() -> u32 {
    // SAFETY: GetLastError only reads the thread's last-error value.
    unsafe { GetLastError() }
}

fn owned(raw: HANDLE) -> OwnedHandle {
    assert!(
        !raw.is_null() && raw != INVALID_HANDLE_VALUE,
        "create call failed: {}",
        last_error()
    );
    // SAFETY: `raw` was just returned by a create call of this test: an open handle
    // nothing else owns.
    unsafe { OwnedHandle::from_raw_handle(raw) }
}

fn event() -> WinHandle {
    // SAFETY: no security attributes or name; a manual-reset, unsignaled event.
    let raw = unsafe { CreateEventW(core::ptr::null(), 1, 0, core::ptr::null()) };
    WinHandle::new(owned(raw)).unwrap()
}

/// An event, and a second handle to it that the test keeps to watch its count.
fn watched_event() -> (WinHandle, WinHandle) {
    let e = event();
    let keep = e.duplicate(Rights::SAME_RIGHTS).unwrap();
    (e, keep)
}

fn set(h: &impl AsRawHandle) {
    // SAFETY: `h` is open for the call.
    let ok = unsafe { SetEvent(h.as_raw_handle()) };
    assert_ne!(ok, 0, "SetEvent: {}", last_error());
}

fn is_set(h: &impl AsRawHandle) -> bool {
    // SAFETY: `h` is open for the call; a zero timeout only polls.
    unsafe { WaitForSingleObject(h.as_raw_handle(), 0) == WAIT_OBJECT_0 }
}

/// How many handles the object of `h` has, in every process.
fn handle_count(h: &impl AsHandle) -> u32 {
    let mut info = PUBLIC_OBJECT_BASIC_INFORMATION::default();
    let out: *mut PUBLIC_OBJECT_BASIC_INFORMATION = &mut info;
    // SAFETY: `h` is open for the call; `out` points to a writable structure of the
    // size given, which ObjectBasicInformation fills; the return length may be NULL.
    let status = unsafe {
        NtQueryObject(
            h.as_handle().as_raw_handle(),
            ObjectBasicInformation,
            out.cast(),
            size_of::<PUBLIC_OBJECT_BASIC_INFORMATION>() as u32,
            core::ptr::null_mut(),
        )
    };
    assert!(status >= 0, "NtQueryObject: {status:#x}");
    info.HandleCount
}

/// Whether this runs under Wine (its ntdll exports `wine_get_version`).
fn under_wine() -> bool {
    use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};
    let ntdll: Vec<u16> = "ntdll.dll".encode_utf16().chain(Some(0)).collect();
    // SAFETY: the name is NUL-terminated; ntdll is loaded in every process, and the
    // module handle is not owned (nothing to close).
    let module = unsafe { GetModuleHandleW(ntdll.as_ptr()) };
    // SAFETY: `module` is ntdll's handle (or NULL, which makes the call fail); the
    // symbol name is NUL-terminated.
    let symbol = unsafe { GetProcAddress(module, c"wine_get_version".as_ptr().cast()) };
    symbol.is_some()
}

fn unique(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("handoff-{tag}-{}-{n}", std::process::id())
}

/// A read-write temporary file holding `text`, and its path.
fn temp_file(text: &str) -> (std::fs::File, PathBuf) {
    let path = std::env::temp_dir().join(unique("file"));
    let mut file = std::fs::File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
    (file, path)
}

fn file_handle(file: std::fs::File) -> WinHandle {
    WinHandle::new(OwnedHandle::from(file)).unwrap()
}

fn read_all(handle: WinHandle) -> String {
    let mut file = std::fs::File::from(OwnedHandle::from(handle));
    file.rewind().unwrap();
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    text
}

/// A frame: byte count, handle count, the values, the bytes.
fn frame(bytes: &[u8], values: &[u32]) -> Vec<u8> {
    frame_declaring(bytes.len() as u32, values.len() as u32, values, bytes)
}

fn frame_declaring(n: u32, h: u32, values: &[u32], bytes: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&n.to_le_bytes());
    f.extend_from_slice(&h.to_le_bytes());
    for v in values {
        f.extend_from_slice(&v.to_le_bytes());
    }
    f.extend_from_slice(bytes);
    f
}

/// The raw end of a pipe whose other end is a [`Channel`]: it writes any frame, and
/// pushes handles into this process as a peer would.
struct RawEnd {
    pipe: OwnedHandle,
    this_process: OwnedHandle,
}

/// A channel, and a raw end connected to it.
fn raw_pair() -> (Channel, RawEnd) {
    let (channel, other) = Channel::pair().unwrap();
    let pipe = other.into_handle().unwrap();
    let this_process = current_process();
    (channel, RawEnd { pipe, this_process })
}

/// A real handle to this process, with PROCESS_DUP_HANDLE.
fn current_process() -> OwnedHandle {
    use windows_sys::Win32::System::Threading::{OpenProcess, PROCESS_DUP_HANDLE};
    // SAFETY: OpenProcess only looks the id up; the handle returned is ours.
    owned(unsafe { OpenProcess(PROCESS_DUP_HANDLE, 0, std::process::id()) })
}

impl RawEnd {
    /// Pushes `h` into this process, as a peer does, and returns its value.
    fn push(&self, h: WinHandle) -> u32 {
        h.send_to_process(self.this_process.as_handle())
            .unwrap()
            .to_u32()
    }

    /// Writes `data` as one pipe message.
    fn write(&self, data: &[u8]) {
        // SAFETY: no security attributes or name; a manual-reset event.
        let event = owned(unsafe { CreateEventW(core::ptr::null(), 1, 0, core::ptr::null()) });
        let mut ov = OVERLAPPED {
            hEvent: event.as_raw_handle(),
            ..OVERLAPPED::default()
        };
        let ov_ptr: *mut OVERLAPPED = &mut ov;
        // SAFETY: the pipe is open; `data` and `ov` outlive the operation, which the
        // GetOverlappedResult below waits for.
        unsafe {
            WriteFile(
                self.pipe.as_raw_handle(),
                data.as_ptr(),
                data.len() as u32,
                core::ptr::null_mut(),
                ov_ptr,
            )
        };
        let mut n = 0;
        // SAFETY: as above; waits for the write to complete.
        let ok = unsafe { GetOverlappedResult(self.pipe.as_raw_handle(), ov_ptr, &mut n, 1) };
        assert_ne!(ok, 0, "WriteFile: {}", last_error());
        assert_eq!(n as usize, data.len());
    }
}

fn recv(ch: &Channel) -> Result<(BytesMut, Vec<WinHandle>), Error> {
    let (mut buf, mut handles) = (BytesMut::new(), Vec::new());
    ch.recv(&mut buf, &mut handles)?;
    Ok((buf, handles))
}

/// The channel is still in step: the next frame is read whole.
fn still_in_step(ch: &Channel, raw: &RawEnd) {
    raw.write(&frame(b"next", &[]));
    let (buf, handles) = recv(ch).unwrap();
    assert_eq!((&buf[..], handles.len()), (&b"next"[..], 0));
}

// ---------------------------------------------------------------------------------------
// The channel.

#[test]
fn a_file_and_an_event_cross_a_channel() {
    let (a, b) = Channel::pair().unwrap();
    assert_eq!(a.peer_pid(), std::process::id());
    let (file, path) = temp_file("handoff");
    let (e, keep) = watched_event();
    assert_eq!(handle_count(&keep), 2);
    a.send(b"two handles", vec![file_handle(file), e]).unwrap();
    assert_eq!(handle_count(&keep), 2, "moved, not copied");
    let (buf, mut handles) = recv(&b).unwrap();
    assert_eq!(&buf[..], b"two handles");
    assert_eq!(handles.len(), 2);
    let e = handles.pop().unwrap();
    let file = handles.pop().unwrap();
    assert_eq!(e.object_type(), ObjectType::EVENT);
    assert_eq!(file.object_type(), ObjectType::FILE);
    assert_eq!(e.rights(), Rights(EVENT_DEFAULT));
    set(&e);
    assert!(is_set(&keep), "one event");
    drop(e);
    assert_eq!(handle_count(&keep), 1);
    assert_eq!(read_all(file), "handoff");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_large_message_and_many_handles_arrive_whole() {
    let (a, b) = Channel::pair().unwrap();
    let bytes: Vec<u8> = (0..60_000u32).map(|i| (i % 251) as u8).collect();
    let events: Vec<_> = (0..MAX_HANDLES.min(64)).map(|_| watched_event()).collect();
    let (sent, keeps): (Vec<_>, Vec<_>) = events.into_iter().unzip();
    a.send(&bytes, sent).unwrap();
    a.send(b"after", vec![]).unwrap();
    let (buf, handles) = recv(&b).unwrap();
    assert_eq!(&buf[..], &bytes[..]);
    assert_eq!(handles.len(), 64);
    for (h, keep) in handles.iter().zip(&keeps) {
        set(h);
        assert!(is_set(keep), "in order");
    }
    let (buf, _) = recv(&b).unwrap();
    assert_eq!(&buf[..], b"after");
}

#[test]
fn a_receive_does_not_hold_up_a_send_on_the_same_channel() {
    let (a, b) = Channel::pair().unwrap();
    let b = std::sync::Arc::new(b);
    let reader = {
        let b = b.clone();
        thread::spawn(move || recv(&b).map(|(buf, _)| buf.to_vec()))
    };
    thread::sleep(Duration::from_millis(100));
    // With synchronous I/O this send would wait for the receive above.
    b.send(b"from b", vec![]).unwrap();
    assert_eq!(&recv(&a).unwrap().0[..], b"from b");
    a.send(b"from a", vec![]).unwrap();
    assert_eq!(reader.join().unwrap().unwrap(), b"from a");
}

#[test]
fn values_that_are_not_handles_cannot_be_sent_or_owned() {
    // An owned handle cannot even be built from them.
    for (raw, expected) in [
        (0, RawHandleError::Null),
        (-1, RawHandleError::InvalidHandleValue),
        (-2, RawHandleError::PseudoHandle(-2)),
        (6, RawHandleError::NotMultipleOf4(6)),
    ] {
        // SAFETY: each value fails the check, so nothing is owned.
        let err = unsafe { WinHandle::from_raw_checked(raw) }.unwrap_err();
        assert!(
            matches!(err, WinHandleError::Raw(e) if e == expected),
            "{raw}: {err}"
        );
    }
    // SAFETY: -1 is the current-process pseudo handle, which std lets an OwnedHandle
    // hold; closing it does nothing.
    let pseudo = unsafe { OwnedHandle::from_raw_handle(INVALID_HANDLE_VALUE) };
    assert!(WinHandle::try_from(pseudo).is_err());

    // A borrowed handle can hold them: the channel checks before copying anything.
    let (a, b) = Channel::pair().unwrap();
    let e = event();
    let misaligned = e.as_raw_handle().addr() + 1;
    for (raw, expected) in [
        (-1isize as usize, RawHandleError::InvalidHandleValue),
        (-2isize as usize, RawHandleError::PseudoHandle(-2)),
        (
            misaligned,
            RawHandleError::NotMultipleOf4(misaligned as isize),
        ),
    ] {
        // SAFETY: -1 and -2 are pseudo handles, valid for the life of the process and
        // thread; `misaligned` names `e`'s handle (the kernel ignores the low bits),
        // which is open for this borrow. Nothing closes them through a borrow.
        let bad = unsafe { BorrowedHandle::borrow_raw(core::ptr::without_provenance_mut(raw)) };
        let err = a
            .send_borrowed(&[IoSlice::new(b"x")], &[e.as_handle(), bad])
            .unwrap_err();
        assert!(
            matches!(err, Error::BadHandleValue { index: 1, source } if source == expected),
            "{raw:#x}: {err}"
        );
    }
    assert_eq!(handle_count(&e), 1, "nothing was copied");
    // A good borrowed handle is copied; the caller keeps its own.
    a.send_borrowed(&[IoSlice::new(b"copy")], &[e.as_handle()])
        .unwrap();
    let (buf, handles) = recv(&b).unwrap();
    assert_eq!(&buf[..], b"copy", "the refused messages were never sent");
    assert_eq!(handle_count(&e), 2);
    drop(handles);
    assert_eq!(handle_count(&e), 1);
}

#[test]
fn forged_wire_values_are_rejected_and_every_other_handle_closed() {
    let (ch, raw) = raw_pair();
    for (bad, expected) in [
        (0u32, RawHandleError::Null),
        (0xFFFF_FFFF, RawHandleError::InvalidHandleValue),
        (0xFFFF_FFFE, RawHandleError::PseudoHandle(-2)),
        (6, RawHandleError::NotMultipleOf4(6)),
        (0xFFFF_FFF0, RawHandleError::Negative(-16)),
    ] {
        let (before, keep_before) = watched_event();
        let (after, keep_after) = watched_event();
        let values = [raw.push(before), bad, raw.push(after)];
        assert_eq!(handle_count(&keep_before), 2);
        raw.write(&frame(b"forged", &values));
        let err = recv(&ch).unwrap_err();
        assert!(
            matches!(err, Error::BadHandleValue { index: 1, source } if source == expected),
            "{bad:#x}: {err}"
        );
        assert_eq!(handle_count(&keep_before), 1, "{bad:#x}: closed");
        assert_eq!(handle_count(&keep_after), 1, "{bad:#x}: closed");
        still_in_step(&ch, &raw);
    }
}

#[test]
fn a_handle_that_did_not_arrive_rejects_the_message() {
    let (ch, raw) = raw_pair();
    let (e, keep) = watched_event();
    // A value that passes the check but names no handle of this process.
    raw.write(&frame(b"x", &[raw.push(e), 0x7FFF_FFFC]));
    let err = recv(&ch).unwrap_err();
    assert!(
        matches!(err, Error::HandleNotReceived { index: 1, .. }),
        "{err}"
    );
    assert_eq!(handle_count(&keep), 1);
    still_in_step(&ch, &raw);
}

#[test]
fn repeated_values_and_the_channels_own_handles_are_left_alone() {
    let (ch, raw) = raw_pair();
    let (e, keep) = watched_event();
    let v = raw.push(e);
    raw.write(&frame(b"x", &[v, v]));
    let err = recv(&ch).unwrap_err();
    assert!(
        matches!(err, Error::ForgedHandleValue { index: 1, value, .. } if value.to_u32() == v),
        "{err}"
    );
    assert_eq!(handle_count(&keep), 1, "closed once");
    // The value of the channel's own pipe: not taken, so not closed.
    let own = ch.as_handle().as_raw_handle().addr() as u32;
    raw.write(&frame(b"x", &[own]));
    let err = recv(&ch).unwrap_err();
    assert!(
        matches!(err, Error::ForgedHandleValue { index: 0, .. }),
        "{err}"
    );
    still_in_step(&ch, &raw);
}

#[test]
fn malformed_frames_close_their_handles_and_keep_the_channel_in_step() {
    let (ch, raw) = raw_pair();
    raw.write(&[1, 2, 3]);
    let err = recv(&ch).unwrap_err();
    assert!(
        matches!(err, Error::BadFrame(FrameError::TooShort { size: 3 })),
        "{err}"
    );
    still_in_step(&ch, &raw);

    raw.write(&frame_declaring(100, 0, &[], &[7; 10]));
    let err = recv(&ch).unwrap_err();
    assert!(
        matches!(
            err,
            Error::BadFrame(FrameError::SizeMismatch {
                declared: 108,
                actual: 18
            })
        ),
        "{err}"
    );
    still_in_step(&ch, &raw);

    raw.write(&frame_declaring(1, 1000, &[], &[0; 4000]));
    let err = recv(&ch).unwrap_err();
    assert!(
        matches!(
            err,
            Error::BadFrame(FrameError::TooManyHandleValues { count: 1000 })
        ),
        "{err}"
    );
    still_in_step(&ch, &raw);

    // Longer than declared, past the first read: the rest is thrown away.
    let (e, keep) = watched_event();
    raw.write(&frame_declaring(10, 1, &[raw.push(e)], &[9; 20_000]));
    let err = recv(&ch).unwrap_err();
    assert!(
        matches!(
            err,
            Error::BadFrame(FrameError::SizeMismatch { declared: 22, .. })
        ),
        "{err}"
    );
    assert_eq!(handle_count(&keep), 1);
    still_in_step(&ch, &raw);

    // Cut short inside the handle values: the value that is there is closed.
    let (e, keep) = watched_event();
    raw.write(&frame_declaring(1, 2, &[raw.push(e)], &[]));
    let err = recv(&ch).unwrap_err();
    assert!(
        matches!(err, Error::BadFrame(FrameError::SizeMismatch { .. })),
        "{err}"
    );
    assert_eq!(handle_count(&keep), 1);
    still_in_step(&ch, &raw);

    // No bytes, a handle.
    let (e, keep) = watched_event();
    raw.write(&frame(&[], &[raw.push(e)]));
    let err = recv(&ch).unwrap_err();
    assert!(matches!(err, Error::EmptyMessage), "{err}");
    assert_eq!(handle_count(&keep), 1);
    still_in_step(&ch, &raw);
}

#[test]
fn receive_limits_close_what_they_reject() {
    let (a, b) = Channel::pair().unwrap();
    let b = b.with_limits(Limits::new(100, 2).unwrap());
    let events: Vec<_> = (0..3).map(|_| watched_event()).collect();
    let (sent, keeps): (Vec<_>, Vec<_>) = events.into_iter().unzip();
    a.send(b"three", sent).unwrap();
    let err = recv(&b).unwrap_err();
    assert!(
        matches!(err, Error::TooManyHandlesReceived { count: 3, limit: 2 }),
        "{err}"
    );
    assert!(keeps.iter().all(|k| handle_count(k) == 1));

    let (e, keep) = watched_event();
    a.send(&[1; 5000], vec![e]).unwrap();
    let err = recv(&b).unwrap_err();
    assert!(
        matches!(
            err,
            Error::MessageTooLarge {
                size: 5000,
                limit: 100
            }
        ),
        "{err}"
    );
    assert_eq!(handle_count(&keep), 1);
    a.send(b"fits", vec![]).unwrap();
    assert_eq!(&recv(&b).unwrap().0[..], b"fits");
    assert!(Limits::new(1, MAX_HANDLES + 1).is_err());
    assert!(Limits::new(0, 1).is_err());
}

#[test]
fn a_send_refused_closes_every_handle_here_and_in_the_peer() {
    let (a, b) = Channel::pair().unwrap();
    // Before any system call.
    assert!(matches!(a.send(b"", vec![]), Err(Error::EmptyMessage)));
    let events: Vec<_> = (0..65).map(|_| watched_event()).collect();
    let (sent, keeps): (Vec<_>, Vec<_>) = events.into_iter().unzip();
    let err = a.send(b"x", sent).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooManyHandles {
                count: 65,
                limit: 64
            }
        ),
        "{err}"
    );
    assert!(keeps.iter().all(|k| handle_count(k) == 1));

    // The second handle cannot be transferred: the first, already pushed into the
    // peer, is closed there; the third is closed here.
    let (first, keep1) = watched_event();
    let (second, keep2) = watched_event();
    let (third, keep3) = watched_event();
    let second = second.reduce_rights(Rights::WAIT).unwrap();
    let err = a.send(b"x", vec![first, second, third]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::HandleNotSent {
                index: 1,
                source: WinHandleError::MissingRights { .. }
            }
        ),
        "{err}"
    );
    for keep in [&keep1, &keep2, &keep3] {
        assert_eq!(handle_count(keep), 1);
    }
    a.send(b"next", vec![]).unwrap();
    assert_eq!(&recv(&b).unwrap().0[..], b"next", "nothing was sent");
}

#[test]
fn a_dropped_channel_closes_the_handles_of_unread_messages() {
    let (a, b) = Channel::pair().unwrap();
    let (e1, keep1) = watched_event();
    let (e2, keep2) = watched_event();
    a.send(b"one", vec![e1]).unwrap();
    a.send(b"two", vec![e2]).unwrap();
    assert_eq!(handle_count(&keep1), 2);
    drop(b);
    assert_eq!(handle_count(&keep1), 1);
    assert_eq!(handle_count(&keep2), 1);
    // The peer is gone: the send fails, and its handle, pushed before the write
    // failed, is closed again.
    let (e3, keep3) = watched_event();
    assert!(matches!(a.send(b"three", vec![e3]), Err(Error::PeerClosed)));
    assert_eq!(handle_count(&keep3), 1);

    // A frame behind an end-of-stream message is taken out too.
    let (ch, raw) = raw_pair();
    let (e4, keep4) = watched_event();
    raw.write(&[]);
    raw.write(&frame(b"late", &[raw.push(e4)]));
    assert_eq!(handle_count(&keep4), 2);
    drop(ch);
    assert_eq!(handle_count(&keep4), 1);
}

#[test]
fn channels_from_handles_and_listeners() {
    // Not a pipe, or a byte-mode pipe: refused.
    let (file, path) = temp_file("");
    let err = Channel::from_handle(OwnedHandle::from(file)).unwrap_err();
    assert!(matches!(err, Error::NotMessagePipe), "{err}");
    std::fs::remove_file(path).unwrap();
    let (reader, _writer) = std::io::pipe().unwrap();
    let err = Channel::from_handle(OwnedHandle::from(reader)).unwrap_err();
    assert!(matches!(err, Error::NotMessagePipe), "{err}");

    // A channel's handle makes a channel again.
    let (a, b) = Channel::pair().unwrap();
    let b = Channel::from_handle(b.into_handle().unwrap()).unwrap();
    let (e, keep) = watched_event();
    a.send(b"again", vec![e]).unwrap();
    let (buf, handles) = recv(&b).unwrap();
    assert_eq!((&buf[..], handles.len()), (&b"again"[..], 1));
    drop(handles);
    assert_eq!(handle_count(&keep), 1);

    // A listener takes one connection after another.
    let listener = Listener::bind(unique("listener")).unwrap();
    let path = PathBuf::from(listener.path());
    // Wine does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE; Windows does.
    if !under_wine() {
        assert!(Listener::bind(&path).is_err(), "the name is taken");
    }
    let clients = thread::spawn(move || {
        (0..2)
            .map(|i| {
                let c = Channel::connect(&path).unwrap();
                c.send(format!("client {i}").as_bytes(), vec![]).unwrap();
                c
            })
            .collect::<Vec<_>>()
    });
    for i in 0..2 {
        let server = listener.accept().unwrap();
        assert_eq!(server.peer_pid(), std::process::id());
        assert_eq!(recv(&server).unwrap().0, format!("client {i}").as_bytes());
    }
    drop(clients.join().unwrap());
}

// ---------------------------------------------------------------------------------------
// The message layer.

#[test]
fn a_call_moves_a_file_and_an_event_with_rights_narrowed() {
    let (a, b) = Channel::pair().unwrap();
    let (client, server) = (Client::new(a), Server::new(b));
    let served = thread::spawn(move || {
        let request = server.recv().unwrap();
        assert_eq!(request.ordinal(), LOOK);
        assert_eq!(request.incoming().handle_count(), 1);
        let (msg, responder) = request.decode::<ReadOnly>().unwrap();
        let file = msg.into_natural().file;
        assert_eq!(file.rights(), Rights(FILE_READ));
        let mut file = std::fs::File::from(OwnedHandle::from(file));
        let err = file.write_all(b"more").unwrap_err();
        assert_eq!(
            err.raw_os_error(),
            Some(ERROR_ACCESS_DENIED as i32),
            "{err}"
        );
        let mut text = String::new();
        file.rewind().unwrap();
        file.read_to_string(&mut text).unwrap();
        responder.unwrap().reply(Note { text }).unwrap();
        server
    });
    let (file, path) = temp_file("read me");
    let reply = client
        .call::<_, Note>(
            LOOK,
            ReadOnly {
                file: file_handle(file),
            },
        )
        .unwrap();
    assert_eq!(reply.view().text(), "read me");
    drop(served.join().unwrap());
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_malformed_body_closes_every_handle_and_the_connection() {
    let (a, b) = Channel::pair().unwrap();
    let (client, server) = (Client::new(a), Server::new(b));
    let (e1, keep1) = watched_event();
    let (e2, keep2) = watched_event();
    client.send_one_way(TWO, Two { a: e1, b: e2 }).unwrap();
    let request = server.recv().unwrap();
    assert_eq!(request.incoming().handle_count(), 2);
    // Two handle slots, each a presence marker.
    assert_eq!(request.incoming().body(), [0xFF; 8]);
    // Decoded as the wrong type: a Kit has a string where Two has its first handle.
    let err = request.decode::<Kit>().unwrap_err();
    assert!(matches!(err, Error::Malformed(_)), "{err}");
    assert_eq!(handle_count(&keep1), 1);
    assert_eq!(handle_count(&keep2), 1);
    assert!(matches!(server.recv(), Err(Error::Closed { .. })));
    // The client learns of the end although the server object is still alive.
    let err = client.recv_event().unwrap_err();
    assert!(matches!(err, Error::PeerClosed), "{err}");
}

#[test]
fn closing_a_client_wakes_its_waiters_and_ends_the_peers_stream() {
    let (a, b) = Channel::pair().unwrap();
    let (client, server) = (Client::new(a), Server::new(b));
    let waiter = {
        let client = client.clone();
        thread::spawn(move || client.recv_event().map(|_| ()))
    };
    thread::sleep(Duration::from_millis(100));
    client.close();
    let err = waiter.join().unwrap().unwrap_err();
    assert!(matches!(err, Error::Closed { .. }), "{err}");
    let err = server.recv().unwrap_err();
    assert!(matches!(err, Error::PeerClosed), "{err}");
    assert!(matches!(
        client.send_one_way(
            ECHO,
            Note {
                text: "late".into()
            }
        ),
        Err(Error::Closed { .. })
    ));
}

// ---------------------------------------------------------------------------------------
// Across processes.

const CHILD_PIPE: &str = "HANDOFF_TEST_CHILD_PIPE";
const CHILD_STDIO: &str = "HANDOFF_TEST_CHILD_STDIO";
/// The exit code of a child whose checks passed.
const CHILD_PASSED: u32 = 42;

/// This test binary, started again to run only the ignored test `name`.
fn child(name: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        name,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    cmd
}

/// The parent sends a file and an event to a child, which writes to the file, signals
/// the event and sends both back; then the child sends a message the parent cannot
/// decode, which closes the handles it carried (the child watches their counts) and
/// the connection.
#[test]
fn handles_go_to_a_child_process_and_back() {
    let listener = Listener::bind(unique("child")).unwrap();
    let mut child = child("child_side")
        .env(CHILD_PIPE, listener.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Accept on another thread, so that a child that never connects fails the test
    // instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || tx.send(listener.accept()));
    let channel = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(channel) => channel.unwrap(),
        Err(_) => {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "the child did not connect: {}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    };
    assert_eq!(channel.peer_pid(), child.id());
    let client = Client::new(channel);

    let (file, path) = temp_file("parent;");
    let (e, keep) = watched_event();
    let reply = client
        .call::<_, Kit>(
            ECHO,
            Kit {
                label: "to the child".into(),
                file: file_handle(file),
                event: e,
            },
        )
        .unwrap();
    assert_eq!(reply.view().label(), "back from the child");
    let kit = reply.into_natural();
    assert!(is_set(&keep), "the child signaled the event");
    assert_eq!(kit.event.object_type(), ObjectType::EVENT);
    assert_eq!(handle_count(&keep), 2, "the child's copy was sent back");
    drop(kit.event);
    assert_eq!(handle_count(&keep), 1);
    assert_eq!(read_all(kit.file), "parent;child;");

    // The child's malformed event.
    let event = client.recv_event().unwrap();
    assert_eq!((event.ordinal(), event.handle_count()), (TWO, 2));
    let err = event.decode::<Kit>().unwrap_err();
    assert!(matches!(err, Error::Malformed(_)), "{err}");

    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "child: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
#[ignore = "the child side of handles_go_to_a_child_process_and_back"]
fn child_side() {
    let Some(path) = std::env::var_os(CHILD_PIPE) else {
        return;
    };
    let server = Server::new(Channel::connect(PathBuf::from(path)).unwrap());
    let request = server.recv().unwrap();
    assert_eq!(request.ordinal(), ECHO);
    let (msg, responder) = request.decode::<Kit>().unwrap();
    let kit = msg.into_natural();
    assert_eq!(kit.label, "to the child");
    assert_eq!(kit.file.object_type(), ObjectType::FILE);
    assert_eq!(kit.file.rights(), Rights(FILE_RW));
    assert_eq!(kit.event.rights(), Rights(EVENT_DEFAULT));
    set(&kit.event);
    let mut file = std::fs::File::from(OwnedHandle::from(kit.file));
    file.seek(SeekFrom::End(0)).unwrap();
    file.write_all(b"child;").unwrap();
    let back = Kit {
        label: "back from the child".into(),
        file: file_handle(file),
        event: kit.event,
    };
    responder.unwrap().reply(back).unwrap();

    // A message the parent cannot decode, with two handles whose counts this side
    // watches: the parent closes both, then the connection.
    let (a, keep_a) = watched_event();
    let (b, keep_b) = watched_event();
    server.send_event(TWO, Two { a, b }).unwrap();
    let err = server.recv().unwrap_err();
    assert!(matches!(err, Error::PeerClosed), "{err}");
    assert_eq!(handle_count(&keep_a), 1, "the parent closed its copy");
    assert_eq!(handle_count(&keep_b), 1, "the parent closed its copy");
}

/// A child whose standard handles are all NULL (`STARTF_USESTDHANDLES` with none, and
/// no console): the accessors report each one absent.
#[test]
fn a_child_without_standard_handles_sees_them_absent() {
    let exe = std::env::current_exe().unwrap();
    let mut command_line: Vec<u16> = OsString::from(format!(
        "\"{}\" --exact child_without_stdio --ignored --test-threads=1",
        exe.display()
    ))
    .encode_wide()
    .chain(Some(0))
    .collect();
    let mut environment: Vec<u16> = Vec::new();
    for (key, value) in std::env::vars_os().chain([(CHILD_STDIO.into(), "1".into())]) {
        let mut entry = key;
        entry.push("=");
        entry.push(value);
        environment.extend(entry.encode_wide());
        environment.push(0);
    }
    environment.push(0);
    let startup = STARTUPINFOW {
        cb: size_of::<STARTUPINFOW>() as u32,
        dwFlags: STARTF_USESTDHANDLES,
        hStdInput: core::ptr::null_mut(),
        hStdOutput: core::ptr::null_mut(),
        hStdError: core::ptr::null_mut(),
        ..Default::default()
    };
    let mut info = PROCESS_INFORMATION::default();
    // SAFETY: the command line is a writable NUL-terminated buffer, the environment a
    // double-NUL-terminated UTF-16 block (CREATE_UNICODE_ENVIRONMENT), `startup` and
    // `info` locals of the right types; no handles are inherited.
    let ok = unsafe {
        CreateProcessW(
            core::ptr::null(),
            command_line.as_mut_ptr(),
            core::ptr::null(),
            core::ptr::null(),
            0,
            DETACHED_PROCESS | CREATE_UNICODE_ENVIRONMENT,
            environment.as_ptr().cast(),
            core::ptr::null(),
            &startup,
            &mut info,
        )
    };
    assert_ne!(ok, 0, "CreateProcessW: {}", last_error());
    let process = owned(info.hProcess);
    drop(owned(info.hThread));
    // SAFETY: `process` is open for the call.
    let waited = unsafe { WaitForSingleObject(process.as_raw_handle(), INFINITE) };
    assert_eq!(waited, WAIT_OBJECT_0);
    let mut code = 0;
    // SAFETY: `process` is open; `code` is a writable local.
    let ok = unsafe { GetExitCodeProcess(process.as_raw_handle(), &mut code) };
    assert_ne!(ok, 0);
    assert_eq!(
        code, CHILD_PASSED,
        "the child's checks failed (101) or did not run (0)"
    );
}

#[test]
#[ignore = "the child side of a_child_without_standard_handles_sees_them_absent"]
fn child_without_stdio() {
    if std::env::var_os(CHILD_STDIO).is_none() {
        return;
    }
    assert!(matches!(
        try_stdin(),
        Err(StdioError::Absent(StdStream::Stdin))
    ));
    assert!(matches!(
        try_stdout(),
        Err(StdioError::Absent(StdStream::Stdout))
    ));
    assert!(matches!(
        try_stderr(),
        Err(StdioError::Absent(StdStream::Stderr))
    ));
    // Not 0, which a child that skipped the checks would give.
    std::process::exit(CHILD_PASSED as i32);
}
