//! Unix file descriptors as handles: `impl Handle for OwnedFd`.
//!
//! An fd has no object type or rights field the way a Zircon handle does, so both are
//! read from the fd itself, through system calls, each time they are asked for:
//!
//! ```
//! # #[cfg(not(miri))] { // real system calls, which Miri does not model
//! use std::os::fd::{AsFd, OwnedFd};
//! use handoff_codec::handle::fd::{object_type_of, rights_of};
//! use handoff_codec::handle::{Handle, ObjectType, Rights};
//!
//! let (read_end, write_end): (OwnedFd, OwnedFd) = rustix::pipe::pipe().unwrap();
//! assert_eq!(object_type_of(read_end.as_fd()), ObjectType::PIPE);
//! assert_eq!(rights_of(read_end.as_fd()), Rights::BASIC | Rights::READ);
//! assert_eq!(write_end.rights(), Rights::BASIC | Rights::WRITE);
//!
//! // The kernel cannot take WRITE away from a pipe end: a typed error, and the fd
//! // (moved in) is closed.
//! let err = write_end.reduce_rights(Rights::BASIC).unwrap_err();
//! assert_eq!(err.object_type, ObjectType::PIPE);
//! # }
//! ```
//!
//! # Object types
//!
//! [`object_type_of`] makes one `fstat` call, which settles directories, pipes and
//! FIFOs, sockets, and character and block devices. Two cases need a second look, on
//! Linux a `readlink` of `/proc/self/fd/N` (no allocation; the link text is read into
//! a stack buffer and only its prefix is looked at):
//!
//! * an fd whose `fstat` mode has no file type bits is an anonymous inode:
//!   `anon_inode:[eventfd]` is an [`ObjectType::EVENT`], `anon_inode:[timerfd]` a
//!   [`ObjectType::TIMER`], `anon_inode:[pidfd]` an [`ObjectType::PIDFD`], and any
//!   other kind (epoll, signalfd, inotify, ...) [`ObjectType::UNKNOWN`];
//! * an unlinked regular file (no names left) on a file system without a backing
//!   device (device major number 0: tmpfs and hugetlbfs, but also btrfs, NFS, overlayfs,
//!   FUSE) may be a memfd: if its link starts with `/memfd:` it is an
//!   [`ObjectType::VMO`], otherwise a [`ObjectType::FILE`]. Every other regular file is
//!   a [`ObjectType::FILE`] without a second call.
//!
//! So a regular file on a disk file system, a pipe or a socket costs one system call,
//! a memfd or an eventfd two. Without `/proc` (or off Linux), anonymous inodes are
//! [`ObjectType::UNKNOWN`] and memfds are [`ObjectType::FILE`].
//!
//! # Rights
//!
//! [`rights_of`] reports:
//!
//! * [`Rights::READ`] and [`Rights::WRITE`] from the fd's access mode (`F_GETFL`:
//!   `O_RDONLY`, `O_WRONLY`, `O_RDWR`), less [`Rights::WRITE`] when the file carries a
//!   write seal (`F_SEAL_WRITE` or `F_SEAL_FUTURE_WRITE`, memfds). This costs one
//!   `fcntl`, and a second (`F_GET_SEALS`) for an fd open for writing;
//! * [`Rights::BASIC`] (`TRANSFER | DUPLICATE | WAIT | INSPECT`), which every fd has by
//!   definition: any fd can be sent over `SCM_RIGHTS`, duplicated with `dup`, waited on
//!   with `poll` and inspected with `fstat`. The one exception is an `O_PATH` fd, which
//!   `poll` does not accept: it has `TRANSFER | DUPLICATE | INSPECT` and no `WAIT`.
//!
//! The kernel keeps no per-fd counterpart of the other Zircon rights (`EXECUTE`,
//! `MAP`, `GET_PROPERTY`, `SET_PROPERTY`, `ENUMERATE`, `DESTROY`, the policy and
//! signal rights): whether `mmap` works, for instance, follows from the access mode
//! and the file system. They are never reported, so a schema that requires one of them
//! cannot be met by an fd; declare only `BASIC`, `READ` and `WRITE` for fd handles (or
//! `SAME_RIGHTS`).
//!
//! # Rights reduction
//!
//! [`Handle::reduce_rights`] narrows for real where the kernel can:
//!
//! * a memfd losing [`Rights::WRITE`] is sealed with `F_SEAL_WRITE | F_SEAL_GROW |
//!   F_SEAL_SHRINK`. A seal belongs to the memory object, not to the fd: every fd to the
//!   memfd, the sender's too, can no longer write or resize it, which is what lets the
//!   receiver trust that the contents stay put. Where sealing is not allowed (the memfd
//!   was created without `MFD_ALLOW_SEALING`, carries `F_SEAL_SEAL`, or has a writable
//!   shared mapping), the memfd is reopened read-only as below;
//! * a regular file or memfd losing [`Rights::READ`] or [`Rights::WRITE`] is reopened
//!   through `/proc/self/fd/N` with the narrower access mode (`O_RDONLY` or `O_WRONLY`,
//!   and `O_CLOEXEC`), or as an `O_PATH` fd when it keeps neither; a directory losing
//!   [`Rights::READ`] is reopened as an `O_PATH` fd. The reopened fd is checked to
//!   refer to the same inode (device and inode numbers), keeps the flags that limit or
//!   shape I/O (`O_APPEND`, `O_NONBLOCK`, `O_SYNC`, `O_DIRECT`) and the file offset, but
//!   is a new open file description: from then on its offset moves on its own. The old
//!   fd is closed;
//! * removing [`Rights::READ`] or [`Rights::WRITE`] from any other object (a socket, a
//!   pipe end, an eventfd, a device, ...) is refused with a [`RightsError`] that says
//!   so: the kernel has no way to narrow those fds.
//!
//! Rights outside `READ | WRITE` that the fd has by definition ([`Rights::BASIC`]) are
//! dropped silently: the reduction succeeds, but [`Handle::rights`] of the result still
//! reports them, since the kernel cannot take them away. Asking for a right the fd does
//! not have (a superset) is an error. [`Rights::SAME_RIGHTS`] returns the fd as it is.
//! On every error the fd, which was moved in, is closed.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

#[cfg(any(target_os = "linux", target_os = "android"))]
use rustix::fs::SealFlags;
use rustix::fs::{FileType, OFlags};

use super::{Handle, ObjectType, Rights, RightsError};

/// The rights every fd has by definition (see the [module docs](self)).
const FD_BASIC: Rights = Rights::BASIC;

/// What an `O_PATH` fd has: it cannot be polled, so no [`Rights::WAIT`].
const PATH_BASIC: Rights = Rights(Rights::TRANSFER.0 | Rights::DUPLICATE.0 | Rights::INSPECT.0);

/// The kind of object `fd` refers to, read from the fd (see the [module docs](self) for
/// how, and what it costs). [`ObjectType::UNKNOWN`] if it cannot tell.
pub fn object_type_of(fd: BorrowedFd<'_>) -> ObjectType {
    match rustix::fs::fstat(fd) {
        Ok(st) => classify(fd, &st),
        Err(_) => ObjectType::UNKNOWN,
    }
}

/// The object type from an `fstat` result, looking at `/proc` where `fstat` is not enough.
fn classify(fd: BorrowedFd<'_>, st: &rustix::fs::Stat) -> ObjectType {
    match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory => ObjectType::DIRECTORY,
        FileType::Fifo => ObjectType::PIPE,
        FileType::Socket => ObjectType::SOCKET,
        FileType::CharacterDevice => ObjectType::CHAR_DEVICE,
        FileType::BlockDevice => ObjectType::BLOCK_DEVICE,
        FileType::RegularFile => {
            // A memfd has no name (no links) and lives on a kernel-internal file system
            // with no backing device (major number 0): any other file is settled here,
            // without a second system call.
            if rustix::fs::major(st.st_dev) != 0 || st.st_nlink != 0 {
                return ObjectType::FILE;
            }
            match proc_link_kind(fd) {
                Some(LinkKind::Memfd) => ObjectType::VMO,
                _ => ObjectType::FILE,
            }
        }
        // No file type bits: an anonymous inode (eventfd, timerfd, pidfd, epoll, ...).
        FileType::Unknown => match proc_link_kind(fd) {
            Some(LinkKind::Event) => ObjectType::EVENT,
            Some(LinkKind::Timer) => ObjectType::TIMER,
            Some(LinkKind::Pidfd) => ObjectType::PIDFD,
            _ => ObjectType::UNKNOWN,
        },
        // An fd cannot be open on a symlink except through O_PATH | O_NOFOLLOW.
        FileType::Symlink => ObjectType::UNKNOWN,
    }
}

/// The rights `fd` carries, read from its access mode and seals (see the
/// [module docs](self)). [`Rights::NONE`] if the kernel will not say.
pub fn rights_of(fd: BorrowedFd<'_>) -> Rights {
    let Ok(flags) = rustix::fs::fcntl_getfl(fd) else {
        return Rights::NONE;
    };
    let io = access_rights(flags);
    if is_path_fd(flags) {
        return PATH_BASIC | io;
    }
    let mut rights = FD_BASIC | io;
    // F_GET_SEALS fails (EINVAL) on files that cannot be sealed; that is "no seals".
    if io.contains(Rights::WRITE) && write_sealed(fd) {
        rights = Rights(rights.0 & !Rights::WRITE.0);
    }
    rights
}

/// READ and WRITE from the access mode of `F_GETFL` flags.
fn access_rights(flags: OFlags) -> Rights {
    if is_path_fd(flags) {
        return Rights::NONE;
    }
    let mode = flags & OFlags::ACCMODE;
    if mode == OFlags::WRONLY {
        Rights::WRITE
    } else if mode == OFlags::RDWR {
        Rights::IO
    } else {
        Rights::READ
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn is_path_fd(flags: OFlags) -> bool {
    flags.contains(OFlags::PATH)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn is_path_fd(_flags: OFlags) -> bool {
    false
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn write_sealed(fd: BorrowedFd<'_>) -> bool {
    rustix::fs::fcntl_get_seals(fd)
        .is_ok_and(|s| s.intersects(SealFlags::WRITE | SealFlags::FUTURE_WRITE))
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn write_sealed(_fd: BorrowedFd<'_>) -> bool {
    false
}

/// What the `/proc/self/fd/N` link of an fd says it is, for the kinds handoff names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
enum LinkKind {
    Memfd,
    Event,
    Timer,
    Pidfd,
    Other,
}

/// `/proc/self/fd/N` as a NUL-terminated path in a stack buffer.
#[cfg(any(target_os = "linux", target_os = "android"))]
struct ProcFdPath {
    buf: [u8; 40],
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl ProcFdPath {
    const PREFIX: &'static [u8] = b"/proc/self/fd/";

    fn new(fd: BorrowedFd<'_>) -> Self {
        use std::os::fd::AsRawFd;
        let mut buf = [0u8; 40];
        buf[..Self::PREFIX.len()].copy_from_slice(Self::PREFIX);
        // An fd number is a non-negative c_int: at most 10 decimal digits.
        let mut n = fd.as_raw_fd().unsigned_abs();
        let mut digits = [0u8; 10];
        let mut len = 0;
        loop {
            digits[len] = b'0' + (n % 10) as u8;
            len += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for (i, d) in digits[..len].iter().rev().enumerate() {
            buf[Self::PREFIX.len() + i] = *d;
        }
        // The byte after the digits is still 0: the terminator.
        Self { buf }
    }

    fn as_c_str(&self) -> &core::ffi::CStr {
        // The buffer holds the prefix, at most 10 digits and at least 16 zero bytes, so
        // there is always a NUL.
        core::ffi::CStr::from_bytes_until_nul(&self.buf).unwrap_or(c"/proc/self/fd/")
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn proc_link_kind(fd: BorrowedFd<'_>) -> Option<LinkKind> {
    use core::mem::MaybeUninit;
    let path = ProcFdPath::new(fd);
    let mut space = [MaybeUninit::<u8>::uninit(); 48];
    // `readlinkat_raw` truncates long links; only the prefix matters here.
    let (link, _) =
        rustix::fs::readlinkat_raw(rustix::fs::CWD, path.as_c_str(), &mut space).ok()?;
    Some(if link.starts_with(b"/memfd:") {
        LinkKind::Memfd
    } else if link == b"anon_inode:[eventfd]" {
        LinkKind::Event
    } else if link == b"anon_inode:[timerfd]" {
        LinkKind::Timer
    } else if link == b"anon_inode:[pidfd]" {
        LinkKind::Pidfd
    } else {
        LinkKind::Other
    })
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn proc_link_kind(_fd: BorrowedFd<'_>) -> Option<LinkKind> {
    None
}

impl Handle for OwnedFd {
    /// See [`object_type_of`].
    fn object_type(&self) -> ObjectType {
        object_type_of(self.as_fd())
    }

    /// See [`rights_of`].
    fn rights(&self) -> Rights {
        rights_of(self.as_fd())
    }

    /// Narrows the fd's access for real where the kernel can, as the
    /// [module docs](self) describe; on error the fd is closed.
    fn reduce_rights(self, rights: Rights) -> Result<Self, RightsError> {
        if rights == Rights::SAME_RIGHTS {
            return Ok(self);
        }
        let fail = |object_type: ObjectType, reason: &'static str| RightsError {
            object_type,
            wanted: rights,
            reason,
        };
        let st = rustix::fs::fstat(&self)
            .map_err(|_| fail(ObjectType::UNKNOWN, "fstat failed on the fd"))?;
        let object_type = classify(self.as_fd(), &st);
        let has = rights_of(self.as_fd());
        if !has.contains(rights) {
            return Err(fail(
                object_type,
                "rights can only be reduced, and the fd lacks some of them",
            ));
        }
        let has_io = has & Rights::IO;
        let want_io = rights & Rights::IO;
        if has_io == want_io {
            // Only rights the fd has by definition are being dropped: nothing to do.
            return Ok(self);
        }
        narrow(self, object_type, &st, has_io, want_io).map_err(|reason| fail(object_type, reason))
    }
}

/// Takes READ and/or WRITE away from `fd` (whose READ|WRITE are `has`), so that
/// exactly `want` of them remain.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn narrow(
    fd: OwnedFd,
    object_type: ObjectType,
    st: &rustix::fs::Stat,
    has: Rights,
    want: Rights,
) -> Result<OwnedFd, &'static str> {
    let drop_write = has.contains(Rights::WRITE) && !want.contains(Rights::WRITE);
    let drop_read = has.contains(Rights::READ) && !want.contains(Rights::READ);
    match object_type {
        ObjectType::VMO if drop_write && !drop_read => {
            let seals = SealFlags::WRITE | SealFlags::GROW | SealFlags::SHRINK;
            if rustix::fs::fcntl_add_seals(&fd, seals).is_ok() {
                return Ok(fd);
            }
            reopen(fd, st, want)
        }
        ObjectType::VMO | ObjectType::FILE => reopen(fd, st, want),
        ObjectType::DIRECTORY if drop_read && want == Rights::NONE => reopen(fd, st, want),
        _ if drop_write => Err("the kernel cannot take WRITE away from this kind of fd"),
        _ => Err("the kernel cannot take READ away from this kind of fd"),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn narrow(
    _fd: OwnedFd,
    _object_type: ObjectType,
    _st: &rustix::fs::Stat,
    _has: Rights,
    _want: Rights,
) -> Result<OwnedFd, &'static str> {
    Err("narrowing an fd's access needs Linux's /proc/self/fd reopening")
}

/// Opens `/proc/self/fd/N` again with the access mode for `want` (READ, WRITE, or
/// neither: `O_PATH`), checks that the new fd is the same inode, carries the offset and
/// the I/O flags over, and closes the old fd.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn reopen(fd: OwnedFd, st: &rustix::fs::Stat, want: Rights) -> Result<OwnedFd, &'static str> {
    let old_flags = rustix::fs::fcntl_getfl(&fd).map_err(|_| "fcntl(F_GETFL) failed on the fd")?;
    let flags = if want == Rights::NONE {
        OFlags::PATH | OFlags::CLOEXEC
    } else {
        let access = if want == Rights::READ {
            OFlags::RDONLY
        } else if want == Rights::WRITE {
            OFlags::WRONLY
        } else {
            OFlags::RDWR
        };
        let kept = old_flags & (OFlags::APPEND | OFlags::NONBLOCK | OFlags::SYNC | OFlags::DIRECT);
        access | kept | OFlags::CLOEXEC | OFlags::NOCTTY
    };
    let path = ProcFdPath::new(fd.as_fd());
    let new = rustix::fs::open(path.as_c_str(), flags, rustix::fs::Mode::empty())
        .map_err(|_| "reopening the fd through /proc/self/fd failed")?;
    let new_st = rustix::fs::fstat(&new).map_err(|_| "fstat failed on the reopened fd")?;
    if (new_st.st_dev, new_st.st_ino) != (st.st_dev, st.st_ino) {
        return Err("reopening through /proc/self/fd gave a different file");
    }
    if want != Rights::NONE {
        use rustix::fs::SeekFrom;
        let offset = rustix::fs::seek(&fd, SeekFrom::Current(0))
            .map_err(|_| "reading the fd's offset failed")?;
        rustix::fs::seek(&new, SeekFrom::Start(offset))
            .map_err(|_| "setting the reopened fd's offset failed")?;
    }
    drop(fd);
    Ok(new)
}

// These tests make real system calls (memfd, eventfd, /proc), which Miri does not model;
// this module has no unsafe code for Miri to check.
#[cfg(all(test, not(miri), any(target_os = "linux", target_os = "android")))]
mod tests {
    use super::*;
    use rustix::io::Errno;
    use std::os::fd::AsRawFd;

    fn o_flags(fd: &OwnedFd) -> OFlags {
        rustix::fs::fcntl_getfl(fd).unwrap()
    }

    /// An unnamed temporary file in /tmp, open read-write.
    fn tmpfile() -> OwnedFd {
        rustix::fs::open(
            "/tmp",
            OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap()
    }

    /// A named file in the temp dir with `contents`, opened with `flags`, and its path
    /// (removed when the guard drops).
    struct NamedFile(std::path::PathBuf);

    impl NamedFile {
        fn new(tag: &str, contents: &[u8]) -> Self {
            let path =
                std::env::temp_dir().join(format!("handoff-fd-test-{}-{tag}", std::process::id()));
            std::fs::write(&path, contents).unwrap();
            Self(path)
        }

        fn open(&self, flags: OFlags) -> OwnedFd {
            rustix::fs::open(&self.0, flags | OFlags::CLOEXEC, rustix::fs::Mode::empty()).unwrap()
        }
    }

    impl Drop for NamedFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn memfd(sealable: bool) -> OwnedFd {
        let mut flags = rustix::fs::MemfdFlags::CLOEXEC;
        if sealable {
            flags |= rustix::fs::MemfdFlags::ALLOW_SEALING;
        }
        let fd = rustix::fs::memfd_create("handoff-test", flags).unwrap();
        rustix::io::write(&fd, b"hello memfd").unwrap();
        fd
    }

    fn read_at_start(fd: &OwnedFd) -> Result<Vec<u8>, Errno> {
        let mut buf = [0u8; 64];
        let n = rustix::io::pread(fd, &mut buf, 0)?;
        Ok(buf[..n].to_vec())
    }

    fn basic_and(io: Rights) -> Rights {
        Rights::BASIC | io
    }

    #[test]
    fn regular_files() {
        let fd = tmpfile();
        assert_eq!(fd.object_type(), ObjectType::FILE);
        assert_eq!(fd.rights(), basic_and(Rights::IO));

        let named = NamedFile::new("types", b"abc");
        let ro = named.open(OFlags::RDONLY);
        assert_eq!(object_type_of(ro.as_fd()), ObjectType::FILE);
        assert_eq!(rights_of(ro.as_fd()), basic_and(Rights::READ));
        let wo = named.open(OFlags::WRONLY);
        assert_eq!(rights_of(wo.as_fd()), basic_and(Rights::WRITE));
        let rw = named.open(OFlags::RDWR);
        assert_eq!(rights_of(rw.as_fd()), basic_and(Rights::IO));
    }

    #[test]
    fn directory() {
        let fd = rustix::fs::open(
            "/tmp",
            OFlags::RDONLY | OFlags::DIRECTORY,
            rustix::fs::Mode::empty(),
        )
        .unwrap();
        assert_eq!(fd.object_type(), ObjectType::DIRECTORY);
        assert_eq!(fd.rights(), basic_and(Rights::READ));
    }

    #[test]
    fn pipe_ends() {
        let (r, w) = rustix::pipe::pipe().unwrap();
        assert_eq!(r.object_type(), ObjectType::PIPE);
        assert_eq!(w.object_type(), ObjectType::PIPE);
        assert_eq!(r.rights(), basic_and(Rights::READ));
        assert_eq!(w.rights(), basic_and(Rights::WRITE));
    }

    #[test]
    fn socketpair() {
        use rustix::net::{AddressFamily, SocketFlags, SocketType};
        let (a, _b) = rustix::net::socketpair(
            AddressFamily::UNIX,
            SocketType::SEQPACKET,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        assert_eq!(a.object_type(), ObjectType::SOCKET);
        assert_eq!(a.rights(), basic_and(Rights::IO));
    }

    #[test]
    fn memfd_is_a_vmo() {
        let fd = memfd(true);
        assert_eq!(fd.object_type(), ObjectType::VMO);
        assert_eq!(fd.rights(), basic_and(Rights::IO));
        rustix::fs::fcntl_add_seals(&fd, SealFlags::WRITE).unwrap();
        assert_eq!(
            fd.rights(),
            basic_and(Rights::READ),
            "a write seal removes WRITE"
        );
    }

    #[test]
    fn future_write_seal_removes_write() {
        let fd = memfd(true);
        rustix::fs::fcntl_add_seals(&fd, SealFlags::FUTURE_WRITE).unwrap();
        assert_eq!(fd.rights(), basic_and(Rights::READ));
        assert_eq!(rustix::io::write(&fd, b"x"), Err(Errno::PERM));
    }

    #[test]
    fn eventfd_timerfd_pidfd() {
        let ev = rustix::event::eventfd(0, rustix::event::EventfdFlags::CLOEXEC).unwrap();
        assert_eq!(ev.object_type(), ObjectType::EVENT);
        assert_eq!(ev.rights(), basic_and(Rights::IO));

        let timer = rustix::time::timerfd_create(
            rustix::time::TimerfdClockId::Monotonic,
            rustix::time::TimerfdFlags::CLOEXEC,
        )
        .unwrap();
        assert_eq!(timer.object_type(), ObjectType::TIMER);
        // timerfd_create opens its fd O_RDWR, even though write(2) on it fails.
        assert_eq!(timer.rights(), basic_and(Rights::IO));

        let pidfd = rustix::process::pidfd_open(
            rustix::process::getpid(),
            rustix::process::PidfdFlags::empty(),
        )
        .unwrap();
        assert_eq!(pidfd.object_type(), ObjectType::PIDFD);
    }

    #[test]
    fn other_anonymous_inodes_are_unknown() {
        let ep = rustix::event::epoll::create(rustix::event::epoll::CreateFlags::CLOEXEC).unwrap();
        assert_eq!(ep.object_type(), ObjectType::UNKNOWN);
    }

    #[test]
    fn char_device() {
        let null = rustix::fs::open(
            "/dev/null",
            OFlags::RDWR | OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .unwrap();
        assert_eq!(null.object_type(), ObjectType::CHAR_DEVICE);
        assert_eq!(null.rights(), basic_and(Rights::IO));
    }

    #[test]
    fn path_fd_has_no_io_and_no_wait() {
        let fd = rustix::fs::open(
            "/tmp",
            OFlags::PATH | OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .unwrap();
        assert_eq!(fd.object_type(), ObjectType::DIRECTORY);
        assert_eq!(fd.rights(), PATH_BASIC);
        assert!(!fd.rights().contains(Rights::WAIT));
    }

    #[test]
    fn proc_path_is_well_formed() {
        let fd = tmpfile();
        let path = ProcFdPath::new(fd.as_fd());
        assert_eq!(
            path.as_c_str().to_str().unwrap(),
            format!("/proc/self/fd/{}", fd.as_raw_fd())
        );
    }

    #[test]
    fn file_rdwr_to_read_reopens_read_only() {
        let named = NamedFile::new("to-read", b"0123456789");
        let fd = named.open(OFlags::RDWR);
        rustix::fs::seek(&fd, rustix::fs::SeekFrom::Start(4)).unwrap();
        let ino = rustix::fs::fstat(&fd).unwrap().st_ino;
        let fd = fd.reduce_rights(basic_and(Rights::READ)).unwrap();
        assert_eq!(o_flags(&fd) & OFlags::ACCMODE, OFlags::RDONLY);
        assert_eq!(rustix::fs::fstat(&fd).unwrap().st_ino, ino, "same file");
        assert_eq!(fd.rights(), basic_and(Rights::READ));
        assert_eq!(
            rustix::io::write(&fd, b"x"),
            Err(Errno::BADF),
            "really read-only"
        );
        let mut buf = [0u8; 3];
        assert_eq!(
            rustix::io::read(&fd, &mut buf),
            Ok(3),
            "the offset was carried over"
        );
        assert_eq!(&buf, b"456");
        assert_ne!(
            rustix::io::fcntl_getfd(&fd).unwrap() & rustix::io::FdFlags::CLOEXEC,
            rustix::io::FdFlags::empty()
        );
    }

    #[test]
    fn unlinked_tmpfile_to_read() {
        let fd = tmpfile();
        rustix::io::write(&fd, b"tmp").unwrap();
        let fd = fd.reduce_rights(Rights::READ).unwrap();
        assert_eq!(o_flags(&fd) & OFlags::ACCMODE, OFlags::RDONLY);
        assert_eq!(read_at_start(&fd).unwrap(), b"tmp");
        assert_eq!(rustix::io::write(&fd, b"x"), Err(Errno::BADF));
    }

    #[test]
    fn file_rdwr_to_write_keeps_append() {
        let named = NamedFile::new("to-write", b"abc");
        let fd = named.open(OFlags::RDWR | OFlags::APPEND);
        let fd = fd.reduce_rights(basic_and(Rights::WRITE)).unwrap();
        let flags = o_flags(&fd);
        assert_eq!(flags & OFlags::ACCMODE, OFlags::WRONLY);
        assert!(
            flags.contains(OFlags::APPEND),
            "an append-only writer stays append-only"
        );
        assert_eq!(read_at_start(&fd), Err(Errno::BADF));
        rustix::io::write(&fd, b"d").unwrap();
        assert_eq!(std::fs::read(&named.0).unwrap(), b"abcd");
    }

    #[test]
    fn file_to_no_io_is_a_path_fd() {
        let named = NamedFile::new("to-path", b"abc");
        let fd = named
            .open(OFlags::RDWR)
            .reduce_rights(Rights::TRANSFER)
            .unwrap();
        assert!(o_flags(&fd).contains(OFlags::PATH));
        assert_eq!(read_at_start(&fd), Err(Errno::BADF));
        assert_eq!(fd.object_type(), ObjectType::FILE);
        assert_eq!(fd.rights(), PATH_BASIC);
    }

    #[test]
    fn directory_to_no_io_is_a_path_fd() {
        let dir = rustix::fs::open(
            "/tmp",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .unwrap();
        let dir = dir.reduce_rights(PATH_BASIC).unwrap();
        assert!(o_flags(&dir).contains(OFlags::PATH));
        assert_eq!(dir.object_type(), ObjectType::DIRECTORY);
    }

    #[test]
    fn sealable_memfd_losing_write_is_sealed() {
        let fd = memfd(true);
        let other = rustix::io::dup(&fd).unwrap();
        let fd = fd.reduce_rights(basic_and(Rights::READ)).unwrap();
        let seals = rustix::fs::fcntl_get_seals(&fd).unwrap();
        assert!(seals.contains(SealFlags::WRITE | SealFlags::GROW | SealFlags::SHRINK));
        assert_eq!(fd.object_type(), ObjectType::VMO);
        assert_eq!(fd.rights(), basic_and(Rights::READ));
        assert_eq!(
            rustix::io::write(&fd, b"x"),
            Err(Errno::PERM),
            "really read-only"
        );
        assert_eq!(
            rustix::io::write(&other, b"x"),
            Err(Errno::PERM),
            "the seal is object-wide"
        );
        assert_eq!(rustix::fs::ftruncate(&fd, 1), Err(Errno::PERM));
        assert_eq!(read_at_start(&fd).unwrap(), b"hello memfd");
    }

    #[test]
    fn unsealable_memfd_losing_write_is_reopened() {
        let fd = memfd(false);
        let fd = fd.reduce_rights(Rights::READ).unwrap();
        assert_eq!(o_flags(&fd) & OFlags::ACCMODE, OFlags::RDONLY);
        assert_eq!(fd.object_type(), ObjectType::VMO);
        assert_eq!(rustix::io::write(&fd, b"x"), Err(Errno::BADF));
        // The reopened fd starts where the old one was: after the 11 bytes written.
        let mut buf = [0u8; 4];
        assert_eq!(rustix::io::read(&fd, &mut buf), Ok(0));
        assert_eq!(read_at_start(&fd).unwrap(), b"hello memfd");
    }

    #[test]
    fn memfd_losing_read_is_reopened_write_only() {
        let fd = memfd(true).reduce_rights(Rights::WRITE).unwrap();
        assert_eq!(o_flags(&fd) & OFlags::ACCMODE, OFlags::WRONLY);
        assert_eq!(read_at_start(&fd), Err(Errno::BADF));
        assert_eq!(fd.rights(), basic_and(Rights::WRITE));
    }

    #[test]
    fn kernel_cannot_narrow_sockets_pipes_events_devices() {
        use rustix::net::{AddressFamily, SocketFlags, SocketType};
        let (a, _b) = rustix::net::socketpair(
            AddressFamily::UNIX,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        let err = a.reduce_rights(basic_and(Rights::READ)).unwrap_err();
        assert_eq!(err.object_type, ObjectType::SOCKET);
        assert_eq!(err.wanted, basic_and(Rights::READ));
        assert!(err.reason.contains("WRITE"), "{err}");

        let (r, _w) = rustix::pipe::pipe().unwrap();
        let err = r.reduce_rights(Rights::BASIC).unwrap_err();
        assert_eq!(err.object_type, ObjectType::PIPE);
        assert!(err.reason.contains("READ"), "{err}");

        let ev = rustix::event::eventfd(0, rustix::event::EventfdFlags::CLOEXEC).unwrap();
        assert_eq!(
            ev.reduce_rights(Rights::READ).unwrap_err().object_type,
            ObjectType::EVENT
        );

        let null = rustix::fs::open(
            "/dev/null",
            OFlags::RDWR | OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .unwrap();
        let err = null.reduce_rights(Rights::READ).unwrap_err();
        assert_eq!(err.object_type, ObjectType::CHAR_DEVICE);
    }

    #[test]
    fn superset_is_an_error() {
        let (r, _w) = rustix::pipe::pipe().unwrap();
        let err = r.reduce_rights(basic_and(Rights::IO)).unwrap_err();
        assert_eq!(err.object_type, ObjectType::PIPE);
        let fd = tmpfile();
        assert!(
            fd.reduce_rights(Rights::IO | Rights::MAP).is_err(),
            "MAP is never reported"
        );
    }

    #[test]
    fn dropping_only_basic_rights_keeps_the_fd() {
        use rustix::net::{AddressFamily, SocketFlags, SocketType};
        let (a, _b) = rustix::net::socketpair(
            AddressFamily::UNIX,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        let raw = a.as_raw_fd();
        let a = a.reduce_rights(Rights::IO).unwrap();
        assert_eq!(a.as_raw_fd(), raw);
        let a = a.reduce_rights(Rights::SAME_RIGHTS).unwrap();
        assert_eq!(a.as_raw_fd(), raw);
        assert_eq!(
            a.rights(),
            basic_and(Rights::IO),
            "BASIC cannot be taken away"
        );
    }
}
