//! Real handles between real processes: a parent process hands a child process three
//! file descriptors inside a typed message, and both print what crossed.
//!
//! Run with `cargo run --example pass_fds`. The parent
//!
//! 1. starts a second copy of this program as its child, with one end of a connected
//!    `SOCK_SEQPACKET` socket pair as the child's standard input (no unsafe code, no
//!    socket file: `Command::stdin` moves the fd into the child, every other fd of
//!    the parent is close-on-exec);
//! 2. waits for the child's `Ready` event, then calls `Handoff` with a file to append
//!    to (opened read-write, declared write-only: the transport narrows it for real
//!    by reopening it write-only), the write end of a pipe, and a memfd holding a
//!    payload (declared read-only: the transport seals it);
//! 3. gets the child's `Report` (matched to the call by its transaction id), checks
//!    the file, the pipe and the seal itself, says goodbye, and shows that a call to a
//!    child that has exited fails at once instead of hanging.
//!
//! The child decodes the request in place (the view borrows the received buffer), uses
//! the fds, and answers.

#[cfg(any(target_os = "linux", target_os = "android"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os(unix::CHILD_ENV).is_some() {
        unix::child()
    } else {
        unix::parent()
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() {
    println!("pass_fds moves Unix file descriptors: it runs on Linux only.");
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod unix {
    use std::error::Error;
    use std::io::{Read, Write};
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
    use std::process::{Command, Stdio};

    use handoff::handle::{ObjectType, Rights};
    use handoff::{Decoded, Fidl};
    use handoff_transport::{Channel, Client, Server};
    use rustix::fs::{MemfdFlags, OFlags, SealFlags};
    use rustix::io::{Errno, FdFlags};

    type Result<T> = core::result::Result<T, Box<dyn Error>>;

    /// Set in the child's environment: "you are the child".
    pub const CHILD_ENV: &str = "HANDOFF_PASS_FDS_CHILD";

    /// Event, child to parent: the child is up.
    const READY: u64 = 0x7061_7373_0000_0001;
    /// Two-way method, parent to child: here are the fds, use them.
    const HANDOFF: u64 = 0x7061_7373_0000_0002;
    /// One-way method, parent to child: we are done.
    const BYE: u64 = 0x7061_7373_0000_0003;

    /// The rights of a write-only and of a read-only fd.
    const BASIC_WRITE: u32 = Rights::BASIC.0 | Rights::WRITE.0;
    const BASIC_READ: u32 = Rights::BASIC.0 | Rights::READ.0;

    /// The child says hello.
    #[derive(Debug, Clone, PartialEq, Fidl)]
    pub struct Ready {
        pub pid: u32,
    }

    /// The parent's request: three fds, each with the object type and rights its slot
    /// declares, and what to do with them.
    #[derive(Debug, Fidl)]
    #[fidl(resource)]
    pub struct Handoff {
        /// Append this line to `log`.
        #[fidl(max_len = 256)]
        pub line: String,
        /// A regular file, write-only (the parent's fd is read-write).
        #[fidl(handle(object_type = ObjectType::FILE.0, rights = BASIC_WRITE))]
        pub log: OwnedFd,
        /// A pipe's write end.
        #[fidl(handle(object_type = ObjectType::PIPE.0, rights = BASIC_WRITE))]
        pub pipe: OwnedFd,
        /// A memfd of `blob_len` bytes, read-only (sealed on the way).
        #[fidl(handle(object_type = ObjectType::VMO.0, rights = BASIC_READ))]
        pub blob: OwnedFd,
        pub blob_len: u64,
    }

    /// The child's answer: what it did and saw.
    #[derive(Debug, Clone, PartialEq, Fidl)]
    pub struct Report {
        pub appended: u64,
        pub piped: u64,
        #[fidl(max_len = 4096)]
        pub blob_text: String,
        #[fidl(max_len = 16, elem(max_len = 256))]
        pub observed: Vec<String>,
    }

    /// Nothing to say.
    #[derive(Debug, Clone, PartialEq, Fidl)]
    pub struct Bye {}

    const PAYLOAD: &str = "a payload the child may read but nobody may change any more";
    const FIRST_LINE: &str = "line 1, written by the parent\n";
    const SECOND_LINE: &str = "line 2, appended by the child through the fd it was sent";

    pub fn parent() -> Result<()> {
        let started = std::time::Instant::now();
        let say = |s: String| println!("parent | {s}");
        say(format!("pid {}", std::process::id()));

        // The connection: a socketpair (both ends close-on-exec). The child's end
        // becomes its standard input.
        let (ours, theirs) = Channel::pair()?;
        let mut command = Command::new(std::env::current_exe()?);
        command
            .env(CHILD_ENV, "1")
            .stdin(Stdio::from(OwnedFd::from(theirs)));
        let mut child = command.spawn()?;
        // `command` holds the parent's copy of the child's end: close it, so that the
        // child exiting is the end of the stream for us.
        drop(command);
        say(format!(
            "spawned child pid {} with the socket as its stdin",
            child.id()
        ));
        let client = Client::new(ours);

        let ready = client.recv_event()?;
        let ready_ordinal = ready.ordinal();
        let ready = ready.decode::<Ready>()?;
        say(format!(
            "event {ready_ordinal:#x} (txid 0): Ready {{ pid: {} }}",
            ready.view().pid()
        ));

        // The three fds.
        let dir = TempDir::new()?;
        let log_path = dir.0.join("appended.log");
        std::fs::write(&log_path, FIRST_LINE)?;
        let log = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .open(&log_path)?;
        let log = OwnedFd::from(log);
        let (pipe_read, pipe_write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
        let blob = rustix::fs::memfd_create(
            "handoff-payload",
            MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING,
        )?;
        rustix::io::write(&blob, PAYLOAD.as_bytes())?;
        // The parent keeps its own fd to the memfd, to see the seal.
        let blob_kept = rustix::io::dup(&blob)?;

        say(format!("calling Handoff ({HANDOFF:#x}) with three fds:"));
        for (name, fd, declared_type, declared) in [
            ("log ", log.as_fd(), ObjectType::FILE, BASIC_WRITE),
            ("pipe", pipe_write.as_fd(), ObjectType::PIPE, BASIC_WRITE),
            ("blob", blob.as_fd(), ObjectType::VMO, BASIC_READ),
        ] {
            say(format!(
                "  {name}: fd {:>2}  {:<4} {} {:<18} -> slot declares {:<4} {:?}",
                fd.as_raw_fd(),
                object_type(fd).to_string(),
                rights_text(fd),
                access_text(fd),
                declared_type.to_string(),
                Rights(declared),
            ));
        }
        let reply: Decoded<Report, OwnedFd> = client.call(
            HANDOFF,
            Handoff {
                line: SECOND_LINE.into(),
                log,
                pipe: pipe_write,
                blob,
                blob_len: PAYLOAD.len() as u64,
            },
        )?;
        let report = reply.view();
        say(format!(
            "reply to Handoff (its txid matched the call's): appended {} bytes, piped {} bytes",
            report.appended(),
            report.piped()
        ));
        say(format!(
            "  the child read from the memfd: {:?}",
            report.blob_text()
        ));
        for line in report.observed().iter() {
            say(format!("  child observed: {line}"));
        }

        // Check for ourselves.
        let mut piped = Vec::new();
        std::fs::File::from(pipe_read).read_to_end(&mut piped)?;
        let piped = String::from_utf8(piped)?;
        say(format!("the pipe carried {} bytes: {piped:?}", piped.len()));
        let log_text = std::fs::read_to_string(&log_path)?;
        say(format!("{} now holds:", log_path.display()));
        for line in log_text.lines() {
            say(format!("  | {line}"));
        }
        let sealed = rustix::fs::fcntl_get_seals(&blob_kept)?;
        let write_after = rustix::io::write(&blob_kept, b"x");
        say(format!(
            "our own fd to the memfd: seals {sealed:?}, write -> {}",
            errno_text(write_after.map(drop))
        ));

        client.send_one_way(BYE, &Bye {})?;
        let status = child.wait()?;
        say(format!("child exited: {status}"));

        // The peer is gone: a call is an error at once, not a hang.
        let after = client.call::<_, Report>(BYE, &Bye {});
        say(format!(
            "a call after the child exited: {}",
            match &after {
                Ok(_) => "succeeded?!".to_string(),
                Err(e) => format!("error: {e}"),
            }
        ));

        let checks = [
            (
                "the file holds the parent's line, then the child's",
                log_text == format!("{FIRST_LINE}{SECOND_LINE}\n"),
            ),
            (
                "the child appended exactly its line",
                report.appended() == SECOND_LINE.len() as u64 + 1,
            ),
            (
                "the pipe carried the child's bytes",
                piped.starts_with("hello from the child, pid ")
                    && report.piped() == piped.len() as u64,
            ),
            ("the child read the payload", report.blob_text() == PAYLOAD),
            (
                "the memfd is sealed for everyone",
                sealed.contains(SealFlags::WRITE) && write_after == Err(Errno::PERM),
            ),
            (
                "the child saw a write-only file",
                report
                    .observed()
                    .iter()
                    .any(|s| s.contains("read() -> EBADF")),
            ),
            ("the child exited cleanly", status.success()),
            (
                "a call to the dead child failed",
                matches!(after, Err(handoff_transport::Error::PeerClosed)),
            ),
        ];
        println!();
        println!("summary:");
        let mut failed = 0;
        for (what, ok) in checks {
            println!("  [{}] {what}", if ok { "ok" } else { "FAILED" });
            failed += usize::from(!ok);
        }
        println!(
            "  3 fds crossed the process boundary; done in {} ms",
            started.elapsed().as_millis()
        );
        if failed > 0 {
            return Err(format!("{failed} check(s) failed").into());
        }
        Ok(())
    }

    pub fn child() -> Result<()> {
        let pid = std::process::id();
        let say = |s: String| println!("  child | {s}");
        // Our standard input is the socket: take our own fd to it (no unsafe code).
        let socket = std::io::stdin().as_fd().try_clone_to_owned()?;
        let server = Server::new(Channel::from_fd(socket)?);
        server.send_event(READY, &Ready { pid })?;
        say(format!("pid {pid}: connected, sent Ready"));

        loop {
            let request = server.recv()?;
            let incoming = request.incoming();
            say(format!(
                "request {:#x}, txid {}: {}-byte body, {} fds",
                request.ordinal(),
                request.txid(),
                incoming.body_len(),
                incoming.fd_count()
            ));
            match request.ordinal() {
                HANDOFF => {
                    say("the body as it arrived (each handle slot holds the presence marker ff ff ff ff; the fds travel beside the bytes):".into());
                    hex_rows(&say, incoming.body());
                    let (msg, responder) = request.decode::<Handoff>()?;
                    let responder = responder.ok_or("Handoff is a two-way method")?;
                    let report = use_the_fds(&say, &msg)?;
                    say("replying with Report".into());
                    responder.reply(&report)?;
                }
                BYE => {
                    let _ = request.decode::<Bye>()?;
                    say("bye".into());
                    return Ok(());
                }
                other => {
                    request.into_parts().0.reject("unknown ordinal");
                    return Err(format!("unknown ordinal {other:#x}").into());
                }
            }
        }
    }

    fn use_the_fds(say: &impl Fn(String), msg: &Decoded<Handoff, OwnedFd>) -> Result<Report> {
        let view = msg.view();
        say(format!(
            "decoded in place: line = {:?} (borrowed from the receive buffer), blob_len = {}",
            view.line(),
            view.blob_len()
        ));
        let mut observed = Vec::new();
        let slots = [
            ("log ", view.log()),
            ("pipe", view.pipe()),
            ("blob", view.blob()),
        ];
        for (name, slot) in slots {
            let fd = msg.handle(slot).ok_or("validated slot")?.as_fd();
            let cloexec = rustix::io::fcntl_getfd(fd)?.contains(FdFlags::CLOEXEC);
            say(format!(
                "  {name}: handle #{} -> fd {:>2}  {:<4} {} {:<18} FD_CLOEXEC {}",
                slot.index(),
                fd.as_raw_fd(),
                object_type(fd).to_string(),
                rights_text(fd),
                access_text(fd),
                if cloexec { "set" } else { "NOT SET" }
            ));
        }
        let log = msg.handle(view.log()).ok_or("validated slot")?;
        let pipe = msg.handle(view.pipe()).ok_or("validated slot")?;
        let blob = msg.handle(view.blob()).ok_or("validated slot")?;

        // The file: write-only now, in append mode.
        let read = rustix::io::read(log, &mut [0u8; 1]);
        observed.push(format!("log: read() -> {}", errno_text(read.map(drop))));
        let mut line = view.line().to_string();
        line.push('\n');
        let appended = std::fs::File::from(log.try_clone()?).write(line.as_bytes())?;
        say(format!("appended {appended} bytes to the file"));

        // The pipe.
        let text = format!("hello from the child, pid {}", std::process::id());
        let piped = rustix::io::write(pipe, text.as_bytes())?;
        say(format!("wrote {piped} bytes into the pipe"));

        // The memfd: read it, and try to change it.
        let len = usize::try_from(view.blob_len())?.min(4096);
        let mut contents = vec![0u8; len];
        let n = rustix::io::pread(blob, &mut contents, 0)?;
        contents.truncate(n);
        let blob_text = String::from_utf8(contents)?;
        say(format!("read {n} bytes from the memfd: {blob_text:?}"));
        let write = rustix::io::pwrite(blob, b"tampered", 0);
        let truncate = rustix::fs::ftruncate(blob, 0);
        observed.push(format!(
            "blob: seals {:?}, pwrite() -> {}, ftruncate() -> {}",
            rustix::fs::fcntl_get_seals(blob)?,
            errno_text(write.map(drop)),
            errno_text(truncate)
        ));

        Ok(Report {
            appended: appended as u64,
            piped: piped as u64,
            blob_text,
            observed,
        })
    }

    fn object_type(fd: BorrowedFd<'_>) -> ObjectType {
        handoff::handle::fd::object_type_of(fd)
    }

    fn rights_text(fd: BorrowedFd<'_>) -> String {
        format!("{:?}", handoff::handle::fd::rights_of(fd))
    }

    /// The access mode and the flags that matter here.
    fn access_text(fd: BorrowedFd<'_>) -> String {
        let Ok(flags) = rustix::fs::fcntl_getfl(fd) else {
            return "?".into();
        };
        let mode = match flags & OFlags::ACCMODE {
            m if m == OFlags::RDWR => "O_RDWR",
            m if m == OFlags::WRONLY => "O_WRONLY",
            _ => "O_RDONLY",
        };
        if flags.contains(OFlags::APPEND) {
            format!("{mode}|O_APPEND")
        } else {
            mode.into()
        }
    }

    fn errno_text(r: rustix::io::Result<()>) -> String {
        match r {
            Ok(()) => "ok".into(),
            Err(Errno::BADF) => "EBADF".into(),
            Err(Errno::PERM) => "EPERM".into(),
            Err(e) => format!("{e:?}"),
        }
    }

    fn hex_rows(say: &impl Fn(String), bytes: &[u8]) {
        for (i, row) in bytes.chunks(8).enumerate() {
            let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
            let text: String = row
                .iter()
                .map(|&b| {
                    if b.is_ascii_graphic() || b == b' ' {
                        b as char
                    } else {
                        '.'
                    }
                })
                .collect();
            say(format!("  {:04x}  {:<23}  {text}", i * 8, hex.join(" ")));
        }
    }

    /// A private temporary directory, removed with what it holds on drop.
    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new() -> Result<Self> {
            let path =
                std::env::temp_dir().join(format!("handoff-pass-fds-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir(&path)?;
            Ok(Self(path))
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
