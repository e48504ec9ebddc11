//! What the message-layer tests share: the message types, fd counting, and a raw peer
//! that writes whatever bytes and fds a test wants.

#![allow(dead_code)]

use std::os::fd::OwnedFd;
use std::sync::{Mutex, MutexGuard};

use bytes::BytesMut;
use handoff::wire::TransactionHeader;
use handoff::{Fidl, MessageBuf};
use rustix::io::FdFlags;

/// `FILE` (0x1000) with `BASIC | WRITE`.
pub const FILE_WRITE: u32 = 0xC00B;
/// `BASIC | READ`.
pub const BASIC_READ: u32 = 0xC007;
/// `BASIC | WRITE`.
pub const BASIC_WRITE: u32 = 0xC00B;

/// Method ordinals.
pub const STORE: u64 = 0x5702_e000_0000_0001;
pub const ECHO: u64 = 0x5702_e000_0000_0002;
pub const NOTE: u64 = 0x5702_e000_0000_0003;
pub const PIPE_READ_END: u64 = 0x5702_e000_0000_0004;

/// A request that hands over a file to write to, a pipe's write end and a sealed
/// memfd, each with the object type and rights its slot declares.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Store {
    #[fidl(max_len = 64)]
    pub label: String,
    #[fidl(handle(object_type = 0x1000, rights = 0xC00B))]
    pub file: OwnedFd,
    #[fidl(handle(object_type = 0x1002, rights = 0xC00B))]
    pub pipe: OwnedFd,
    #[fidl(handle(object_type = 3, rights = 0xC007))]
    pub blob: OwnedFd,
}

/// Any number of fds of any kind.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Fds {
    pub tag: u32,
    #[fidl(elem(handle(object_type = 0, rights = 0x8000_0000)))]
    pub fds: Vec<OwnedFd>,
}

/// A pipe's read end, declared as such.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct PipeReadEnd {
    #[fidl(handle(object_type = 0x1002, rights = 0xC007))]
    pub end: OwnedFd,
}

/// A value type: it never carries fds.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Text {
    #[fidl(max_len = 256)]
    pub text: String,
    pub n: u32,
}

/// A value table: unknown members are allowed, but not with fds.
#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct Settings {
    #[fidl(ordinal = 1)]
    pub level: Option<u32>,
}

/// Tests run on threads of one process and fd counts are per process: one at a time.
static FD_TABLE: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    FD_TABLE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Open fds of this process.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// `n` fds to send: duplicates of a pipe's read end.
pub fn some_fds(n: usize) -> Vec<OwnedFd> {
    let (r, _w) = rustix::pipe::pipe().unwrap();
    (0..n)
        .map(|_| rustix::io::fcntl_dupfd_cloexec(&r, 0).unwrap())
        .collect()
}

pub fn assert_cloexec(fd: &OwnedFd) {
    assert!(
        rustix::io::fcntl_getfd(fd)
            .unwrap()
            .contains(FdFlags::CLOEXEC),
        "every received fd has FD_CLOEXEC"
    );
}

/// A memfd holding `contents`, sealable.
pub fn memfd(contents: &[u8]) -> OwnedFd {
    let fd = rustix::fs::memfd_create(
        "handoff-test",
        rustix::fs::MemfdFlags::CLOEXEC | rustix::fs::MemfdFlags::ALLOW_SEALING,
    )
    .unwrap();
    rustix::io::write(&fd, contents).unwrap();
    fd
}

/// An unnamed temporary file, open read-write.
pub fn tmpfile() -> OwnedFd {
    rustix::fs::open(
        std::env::temp_dir(),
        rustix::fs::OFlags::TMPFILE | rustix::fs::OFlags::RDWR | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
    )
    .unwrap()
}

/// The bytes and fds of a well-formed transactional message.
pub fn encode<T: handoff::codec::Encode<OwnedFd>>(
    txid: u32,
    ordinal: u64,
    body: T,
) -> (BytesMut, Vec<OwnedFd>) {
    let mut buf = MessageBuf::<OwnedFd>::new();
    buf.encode_transactional(TransactionHeader::new(txid, ordinal, 0), body)
        .unwrap();
    buf.take()
}

/// The txid of a raw message.
pub fn txid_of(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes[..4].try_into().unwrap())
}

/// The ordinal of a raw message.
pub fn ordinal_of(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[8..16].try_into().unwrap())
}

/// Reads all of a pipe until its write ends are closed.
pub fn read_to_end(fd: &OwnedFd) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chunk = [0u8; 256];
    loop {
        let n = rustix::io::read(fd, &mut chunk).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&chunk[..n]);
    }
}
