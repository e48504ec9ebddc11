//! The system calls on a named pipe: creating and opening one, learning its peer, and
//! overlapped reads and writes that a shutdown can interrupt.
//!
//! Every pipe here is opened with `FILE_FLAG_OVERLAPPED`. On a handle opened for
//! synchronous I/O Windows serializes every call on the file object, so a thread
//! waiting in `ReadFile` would hold up another thread's `WriteFile`; with overlapped
//! I/O a receive and sends run side by side. Each call still waits for its own
//! operation (on an event of the calling thread), so the API stays blocking.

use std::cell::RefCell;
use std::ffi::OsStr;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::{AsHandle, AsRawHandle, BorrowedHandle, FromRawHandle, OwnedHandle};
use std::sync::{Mutex, MutexGuard, PoisonError};

use handoff_codec::handle::windows::CheckedRawHandle;
use windows_sys::Win32::Foundation::{
    DUPLICATE_CLOSE_SOURCE, DuplicateHandle, ERROR_IO_PENDING, ERROR_MORE_DATA,
    ERROR_OPERATION_ABORTED, ERROR_PIPE_BUSY, ERROR_PIPE_CONNECTED, GENERIC_READ, GENERIC_WRITE,
    GetLastError, HANDLE, INVALID_HANDLE_VALUE, WAIT_TIMEOUT,
};
use windows_sys::Win32::Storage::FileSystem::{
    CreateFileW, FILE_FLAG_FIRST_PIPE_INSTANCE, FILE_FLAG_OVERLAPPED, OPEN_EXISTING,
    PIPE_ACCESS_DUPLEX, ReadFile, SECURITY_IDENTIFICATION, SECURITY_SQOS_PRESENT, WriteFile,
};
use windows_sys::Win32::System::IO::{CancelIoEx, GetOverlappedResult, OVERLAPPED};
use windows_sys::Win32::System::Pipes::{
    ConnectNamedPipe, CreateNamedPipeW, GetNamedPipeClientProcessId, GetNamedPipeInfo,
    GetNamedPipeServerProcessId, PIPE_READMODE_MESSAGE, PIPE_REJECT_REMOTE_CLIENTS,
    PIPE_SERVER_END, PIPE_TYPE_MESSAGE, PIPE_UNLIMITED_INSTANCES, PIPE_WAIT, PeekNamedPipe,
    SetNamedPipeHandleState, WaitNamedPipeW,
};
use windows_sys::Win32::System::Threading::{
    CreateEventW, OpenProcess, PROCESS_DUP_HANDLE, WaitForSingleObject,
};

/// The size each pipe instance asks for its buffers (advisory: a larger message
/// still goes through, its writer waits for the reader).
const BUFFER_SIZE: u32 = 64 * 1024;
/// How long `connect` waits for a busy pipe to offer an instance, each time.
const BUSY_WAIT_MS: u32 = 5_000;
/// How many times `connect` waits for a busy pipe.
const BUSY_RETRIES: u32 = 12;

fn last_error() -> u32 {
    // SAFETY: GetLastError only reads the calling thread's last-error value.
    unsafe { GetLastError() }
}

/// The `io::Error` of a Win32 error code.
pub(crate) fn os_error(code: u32) -> io::Error {
    io::Error::from_raw_os_error(code as i32)
}

/// Owns a handle a create call just returned, or reports its error.
fn owned(raw: HANDLE) -> io::Result<OwnedHandle> {
    if raw.is_null() || raw == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `raw` was just returned by a successful create or open call of this
    // module, so it is an open handle of this process that nothing else knows about.
    Ok(unsafe { OwnedHandle::from_raw_handle(raw) })
}

/// The NUL-terminated UTF-16 form of a pipe name.
pub(crate) fn wide(name: &OsStr) -> Vec<u16> {
    name.encode_wide().chain(Some(0)).collect()
}

/// A new instance of the named pipe `name` (NUL-terminated): duplex, overlapped,
/// message type and message read mode, local clients only, not inheritable. The
/// first instance of a listener takes the name (`FILE_FLAG_FIRST_PIPE_INSTANCE`: it
/// fails if anyone else holds it), so no other process can serve under it.
pub(crate) fn create_instance(
    name: &[u16],
    first: bool,
    max_instances: u32,
) -> io::Result<OwnedHandle> {
    let mut open_mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED;
    if first {
        open_mode |= FILE_FLAG_FIRST_PIPE_INSTANCE;
    }
    let max_instances = max_instances.clamp(1, PIPE_UNLIMITED_INSTANCES);
    // SAFETY: `name` is NUL-terminated and lives for the call; no security attributes
    // (the default descriptor, and a handle that is not inherited).
    let raw = unsafe {
        CreateNamedPipeW(
            name.as_ptr(),
            open_mode,
            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
            max_instances,
            BUFFER_SIZE,
            BUFFER_SIZE,
            BUSY_WAIT_MS,
            core::ptr::null(),
        )
    };
    owned(raw)
}

/// Opens the client end of the pipe `name` (NUL-terminated), waiting while every
/// instance is busy. The server may only identify the client, not impersonate it
/// (`SECURITY_IDENTIFICATION`). The handle is overlapped, in message read mode.
pub(crate) fn open_client(name: &[u16]) -> io::Result<OwnedHandle> {
    let mut retries = 0;
    let handle = loop {
        // SAFETY: `name` is NUL-terminated and lives for the call; no security
        // attributes and no template.
        let raw = unsafe {
            CreateFileW(
                name.as_ptr(),
                GENERIC_READ | GENERIC_WRITE,
                0,
                core::ptr::null(),
                OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION,
                core::ptr::null_mut(),
            )
        };
        match owned(raw) {
            Ok(h) => break h,
            Err(e)
                if e.raw_os_error() == Some(ERROR_PIPE_BUSY as i32) && retries < BUSY_RETRIES =>
            {
                retries += 1;
                // SAFETY: `name` is NUL-terminated; the call only waits. Its failure
                // (a timeout) is answered by the next attempt.
                unsafe { WaitNamedPipeW(name.as_ptr(), BUSY_WAIT_MS) };
            }
            Err(e) => return Err(e),
        }
    };
    set_message_mode(handle.as_handle())?;
    Ok(handle)
}

/// Puts the pipe handle in message read mode.
pub(crate) fn set_message_mode(pipe: BorrowedHandle<'_>) -> io::Result<()> {
    let mode = PIPE_READMODE_MESSAGE;
    // SAFETY: `pipe` is open for the call; `mode` is a local the call reads; the
    // collection parameters are NULL (they apply to remote byte pipes only).
    let ok = unsafe {
        SetNamedPipeHandleState(
            pipe.as_raw_handle(),
            &mode,
            core::ptr::null(),
            core::ptr::null(),
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// What kind of pipe end `pipe` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PipeInfo {
    /// Whether it is the server end.
    pub(crate) server_end: bool,
    /// Whether the pipe is of message type.
    pub(crate) message_type: bool,
}

/// Asks what kind of pipe end `handle` is; fails for anything but a named pipe.
pub(crate) fn pipe_info(handle: BorrowedHandle<'_>) -> io::Result<PipeInfo> {
    let mut flags = 0;
    // SAFETY: `handle` is open for the call; `flags` is a writable local and the other
    // outputs are NULL (not wanted).
    let ok = unsafe {
        GetNamedPipeInfo(
            handle.as_raw_handle(),
            &mut flags,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(PipeInfo {
        server_end: flags & PIPE_SERVER_END != 0,
        message_type: flags & PIPE_TYPE_MESSAGE != 0,
    })
}

/// The process id of the other end of a connected pipe.
pub(crate) fn peer_pid(pipe: BorrowedHandle<'_>, server_end: bool) -> io::Result<u32> {
    let mut pid = 0;
    let ok = if server_end {
        // SAFETY: `pipe` is open for the call and `pid` a writable local.
        unsafe { GetNamedPipeClientProcessId(pipe.as_raw_handle(), &mut pid) }
    } else {
        // SAFETY: as above.
        unsafe { GetNamedPipeServerProcessId(pipe.as_raw_handle(), &mut pid) }
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(pid)
}

/// Opens process `pid` with `PROCESS_DUP_HANDLE` (not inheritable).
pub(crate) fn open_process(pid: u32) -> io::Result<OwnedHandle> {
    // SAFETY: OpenProcess only looks the id up; the handle it returns is ours.
    owned(unsafe { OpenProcess(PROCESS_DUP_HANDLE, 0, pid) })
}

/// Closes handle `value` in `process`: a handle this end pushed there that the
/// process has not been told about (the frame that named it was never written).
pub(crate) fn close_in_process(process: BorrowedHandle<'_>, value: CheckedRawHandle) {
    // SAFETY: `process` is open for the call. `value` names a handle that this end
    // created in that process's table and that nothing there knows about (its frame
    // was not sent), so closing it there (no target, DUPLICATE_CLOSE_SOURCE) takes it
    // from nobody; if `process` is this one, the handle was created for a message of
    // this channel and is owned by nothing here yet. A failure leaves it open there.
    unsafe {
        DuplicateHandle(
            process.as_raw_handle(),
            value.as_raw_handle(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            0,
            0,
            DUPLICATE_CLOSE_SOURCE,
        )
    };
}

/// The result of a read: how many bytes, and whether the pipe message goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Transfer {
    pub(crate) bytes: usize,
    /// `ERROR_MORE_DATA`: the buffer was filled and the message has more bytes.
    pub(crate) more: bool,
}

/// Whether an operation may be cut short by [`Pipe::shut_down`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// A wait for something that may never come (a new message, room in the pipe, a
    /// client): shutting down cancels it, and it is refused once shut down.
    Interruptible,
    /// The rest of a message whose first part has been read: it is there (or being
    /// written), and leaving it half read would make its tail look like the next
    /// frame, so it is read to the end whatever happens.
    ToCompletion,
}

/// The operations a shutdown must cancel, and whether it happened.
#[derive(Debug, Default)]
struct Waits {
    shut: bool,
    /// The addresses of the `OVERLAPPED`s of interruptible operations in progress.
    pending: Vec<usize>,
}

/// One pipe handle (overlapped, message mode) and its interruptible waits.
#[derive(Debug)]
pub(crate) struct Pipe {
    handle: OwnedHandle,
    waits: Mutex<Waits>,
}

fn lock(m: &Mutex<Waits>) -> MutexGuard<'_, Waits> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

thread_local! {
    /// Each thread's event for waiting on its own overlapped operations.
    static EVENT: RefCell<Option<OwnedHandle>> = const { RefCell::new(None) };
}

fn new_event() -> io::Result<OwnedHandle> {
    // SAFETY: no security attributes or name; a manual-reset, unsignaled event.
    owned(unsafe { CreateEventW(core::ptr::null(), 1, 0, core::ptr::null()) })
}

/// The event an operation waits on.
enum Event {
    /// The calling thread's, created on first use. It lives until the thread ends, so
    /// the raw value stays valid for any call the thread makes.
    Thread(HANDLE),
    /// One of its own, when the thread's is gone (a channel dropped while the thread's
    /// locals are destroyed).
    Own(OwnedHandle),
}

impl Event {
    fn get() -> io::Result<Self> {
        let thread = EVENT.try_with(|cell| {
            let mut cell = cell.borrow_mut();
            if let Some(event) = cell.as_ref() {
                return Ok(event.as_raw_handle());
            }
            let event = new_event()?;
            let raw = event.as_raw_handle();
            *cell = Some(event);
            Ok(raw)
        });
        match thread {
            Ok(event) => event.map(Self::Thread),
            Err(_) => new_event().map(Self::Own),
        }
    }

    fn raw(&self) -> HANDLE {
        match self {
            Self::Thread(raw) => *raw,
            Self::Own(event) => event.as_raw_handle(),
        }
    }
}

/// The outcome of an overlapped operation: the bytes transferred (even on failure),
/// and the error code if it failed.
type Outcome = (usize, Result<(), u32>);

impl Pipe {
    pub(crate) fn new(handle: OwnedHandle) -> Self {
        Self {
            handle,
            waits: Mutex::new(Waits::default()),
        }
    }

    pub(crate) fn handle(&self) -> BorrowedHandle<'_> {
        self.handle.as_handle()
    }

    /// Whether [`Pipe::shut_down`] was called.
    pub(crate) fn is_shut(&self) -> bool {
        lock(&self.waits).shut
    }

    /// Refuses interruptible operations from now on and cancels those in progress
    /// (from any thread); they fail with `ERROR_OPERATION_ABORTED`.
    pub(crate) fn shut_down(&self) {
        let mut waits = lock(&self.waits);
        waits.shut = true;
        for &address in &waits.pending {
            let ov: *const OVERLAPPED = core::ptr::without_provenance(address);
            // SAFETY: the pipe handle is open. CancelIoEx only compares `ov` with the
            // OVERLAPPED addresses of the operations in progress on the handle (it
            // does not read through it); each address here belongs to an operation
            // whose thread cannot return (and free it) before removing it from this
            // list under this lock. Failure (ERROR_NOT_FOUND: not issued yet, or done)
            // is fine: the thread checks `shut` under the lock after issuing.
            unsafe { CancelIoEx(self.handle.as_raw_handle(), ov) };
        }
    }

    /// Runs one overlapped operation started by `start` and waits for it. `bound_ms`
    /// cancels it if it has not completed by then.
    fn run(
        &self,
        wait: Wait,
        bound_ms: Option<u32>,
        start: impl FnOnce(HANDLE, *mut OVERLAPPED) -> i32,
    ) -> Outcome {
        let event = match Event::get() {
            Ok(event) => event,
            Err(e) => return (0, Err(e.raw_os_error().unwrap_or(0) as u32)),
        };
        let mut overlapped = OVERLAPPED {
            hEvent: event.raw(),
            ..OVERLAPPED::default()
        };
        let ov: *mut OVERLAPPED = &mut overlapped;
        let pipe = self.handle.as_raw_handle();
        let interruptible = wait == Wait::Interruptible;
        if interruptible {
            let mut waits = lock(&self.waits);
            if waits.shut {
                return (0, Err(ERROR_OPERATION_ABORTED));
            }
            waits.pending.push(ov.addr());
        }
        let started = start(pipe, ov);
        let error = if started != 0 { 0 } else { last_error() };
        let outcome = if started == 0 && error != ERROR_IO_PENDING && error != ERROR_MORE_DATA {
            // Nothing was queued.
            (0, Err(error))
        } else {
            if error == ERROR_IO_PENDING {
                if interruptible && lock(&self.waits).shut {
                    // SAFETY: the handle is open and `ov` is the OVERLAPPED of this
                    // operation, alive until it completes below.
                    unsafe { CancelIoEx(pipe, ov) };
                }
                if let Some(ms) = bound_ms {
                    // SAFETY: `event` is open until this function returns.
                    if unsafe { WaitForSingleObject(event.raw(), ms) } == WAIT_TIMEOUT {
                        // SAFETY: as above.
                        unsafe { CancelIoEx(pipe, ov) };
                    }
                }
            }
            let mut transferred = 0u32;
            // SAFETY: the handle is open; `ov` is the OVERLAPPED of the operation just
            // issued, which stays alive (on this stack frame) until this call, which
            // waits for the operation to complete, returns; `transferred` is a local.
            let ok = unsafe { GetOverlappedResult(pipe, ov, &mut transferred, 1) };
            let result = if ok != 0 { Ok(()) } else { Err(last_error()) };
            (transferred as usize, result)
        };
        if interruptible {
            lock(&self.waits).pending.retain(|&a| a != ov.addr());
        }
        outcome
    }

    /// Reads (the next part of) a pipe message into `buf`.
    pub(crate) fn read(&self, buf: &mut [u8], wait: Wait) -> Result<Transfer, u32> {
        let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
        let ptr = buf.as_mut_ptr();
        let (bytes, result) = self.run(wait, None, |pipe, ov| {
            // SAFETY: `ptr` is valid for writes of `len` bytes (at most `buf.len()`),
            // and `buf` stays borrowed until `run` has waited for the operation to
            // complete; `ov` is the operation's OVERLAPPED, alive as long. The byte
            // count is read from the OVERLAPPED afterwards (NULL here, as overlapped
            // I/O requires).
            unsafe { ReadFile(pipe, ptr, len, core::ptr::null_mut(), ov) }
        });
        match result {
            Ok(()) => Ok(Transfer { bytes, more: false }),
            Err(ERROR_MORE_DATA) => Ok(Transfer { bytes, more: true }),
            Err(code) => Err(code),
        }
    }

    /// Writes `data` as one pipe message. Returns the bytes transferred even on
    /// failure, so that the caller knows whether any part of it left.
    pub(crate) fn write(&self, data: &[u8], wait: Wait, bound_ms: Option<u32>) -> Outcome {
        let Ok(len) = u32::try_from(data.len()) else {
            return (
                0,
                Err(windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER),
            );
        };
        let ptr = data.as_ptr();
        self.run(wait, bound_ms, |pipe, ov| {
            // SAFETY: `ptr` is valid for reads of `len` bytes, and `data` stays
            // borrowed until `run` has waited for the operation to complete; `ov` is
            // the operation's OVERLAPPED, alive as long.
            unsafe { WriteFile(pipe, ptr, len, core::ptr::null_mut(), ov) }
        })
    }

    /// Waits for a client to connect to this (server) instance.
    pub(crate) fn connect(&self) -> Result<(), u32> {
        let (_, result) = self.run(Wait::Interruptible, None, |pipe, ov| {
            // SAFETY: `ov` is the operation's OVERLAPPED, alive until `run` has waited
            // for it to complete.
            unsafe { ConnectNamedPipe(pipe, ov) }
        });
        match result {
            // A client that connected between the creation of the instance and this
            // call is reported as an error, and is a connection like any other.
            Err(ERROR_PIPE_CONNECTED) => Ok(()),
            other => other,
        }
    }

    /// How many bytes are waiting in the pipe (in all messages), without waiting.
    pub(crate) fn available(&self) -> Result<u32, u32> {
        let mut total = 0u32;
        // SAFETY: the handle is open; no buffer (nothing is copied); `total` is a
        // writable local and the other outputs are NULL.
        let ok = unsafe {
            PeekNamedPipe(
                self.handle.as_raw_handle(),
                core::ptr::null_mut(),
                0,
                core::ptr::null_mut(),
                &mut total,
                core::ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(last_error());
        }
        Ok(total)
    }
}
