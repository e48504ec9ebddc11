//! Encodes a message that carries handles, decodes it zero-copy and prints what moved
//! where: which bytes hold presence markers, which handle went to which slot of the
//! handle table, and what the decoder checked and narrowed.
//!
//! Run with `cargo run --example handles_demo`.

use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::handle::{Handle, ObjectType, Rights};
use handoff::{Decoded, Fidl, MessageBuf};

/// A value type: a plain record.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Job {
    /// What to run.
    #[fidl(max_len = 64)]
    pub name: String,
    /// Higher runs first.
    pub priority: u8,
    /// Its arguments.
    pub args: Vec<String>,
}

/// A table (every member optional, extensible).
#[derive(Debug, Default, Fidl)]
#[fidl(table, resource)]
pub struct Options {
    /// Give up after this long.
    #[fidl(ordinal = 1)]
    pub timeout_ms: Option<u32>,
    /// Signaled to cancel the job.
    #[fidl(ordinal = 2, handle(object_type = 5, rights = 0xD003))]
    pub cancel: Option<MemHandle>,
}

/// A resource type: it moves handles.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Submit {
    /// The job.
    pub job: Job,
    /// Where to report: a channel end; the receiver gets transfer, wait, inspect, read
    /// and write (a new channel also has signal rights: those are narrowed away).
    #[fidl(handle(object_type = 4, rights = 0xC00E))]
    pub reply: MemHandle,
    /// Events to signal as the job progresses (an event with basic rights each).
    #[fidl(max_len = 8, elem(handle(object_type = 5, rights = 0xC003)))]
    pub progress: Vec<MemHandle>,
    /// Optional settings.
    pub options: Options,
}

fn hex_rows(bytes: &[u8]) {
    for (i, row) in bytes.chunks(8).enumerate() {
        let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
        println!("    {:04x}  {}", i * 8, hex.join(" "));
    }
}

fn main() -> Result<(), handoff::Error> {
    let space = MemSpace::new();
    let reply = space.channel();
    let progress = vec![space.event(), space.event()];
    let cancel = space.event();
    println!(
        "created handles: reply {:?}, progress {:?} / {:?}, cancel {:?}",
        reply, progress[0], progress[1], cancel
    );

    let message = Submit {
        job: Job {
            name: "resize".into(),
            priority: 3,
            args: vec!["--width".into(), "640".into()],
        },
        reply,
        progress,
        options: Options {
            timeout_ms: Some(2500),
            cancel: Some(cancel),
        },
    };

    // Encode into a reusable buffer: handles leave the bytes and go to the table.
    let mut buf = MessageBuf::<MemHandle>::new();
    buf.encode(message)?;
    println!(
        "\nencoded {} bytes, {} handles:",
        buf.bytes().len(),
        buf.handles().len()
    );
    hex_rows(buf.bytes());
    println!("\nhandle table (traversal order) with the dispositions the schema declares:");
    for (i, (h, d)) in buf.handles().iter().zip(buf.dispositions()).enumerate() {
        println!(
            "    #{i}: raw {:#x} {:?} rights {:?} -> sent as {:?} {:?}",
            h.raw(),
            h.object_type(),
            h.rights(),
            d.object_type,
            d.rights
        );
    }

    // Decode: validate in place, then read through borrowed views.
    let (bytes, handles) = buf.take();
    let msg = Decoded::<Submit, MemHandle>::decode(bytes, handles)?;
    let view = msg.view();
    println!("\ndecoded view (strings borrowed from the message buffer):");
    println!("    job.name     = {:?}", view.job().name());
    println!("    job.priority = {}", view.job().priority());
    println!(
        "    job.args     = {:?}",
        view.job().args().iter().collect::<Vec<&str>>()
    );
    println!("    options.timeout_ms = {:?}", view.options().timeout_ms());
    let reply_ref = view.reply();
    let reply = msg.handle(reply_ref).expect("validated");
    println!(
        "    reply  -> table #{} : {:?} (rights narrowed to {:?})",
        reply_ref.index(),
        reply.object_type(),
        reply.rights()
    );
    for r in view.progress().iter() {
        let h = msg.handle(r).expect("validated");
        println!(
            "    progress -> table #{} : {:?} rights {:?}",
            r.index(),
            h.object_type(),
            h.rights()
        );
    }
    if let Some(r) = view.options().cancel() {
        let h = msg.handle(r).expect("validated");
        println!(
            "    options.cancel -> table #{} : {:?} rights {:?}",
            r.index(),
            h.object_type(),
            h.rights()
        );
    }

    // Natural conversion moves the handles into the owned value.
    let submit = msg.into_natural();
    assert_eq!(submit.reply.object_type(), ObjectType::CHANNEL);
    assert_eq!(submit.reply.rights(), Rights(0xC00E));
    println!(
        "\nconverted to natural: job {:?}, {} progress events",
        submit.job,
        submit.progress.len()
    );
    drop(submit);
    println!(
        "after drop: {} handles open, {} closes recorded (each handle exactly once)",
        space.open_count(),
        space.total_closes()
    );
    assert_eq!(space.open_count(), 0);

    // A malformed message: one handle missing. Every handle that came is closed once.
    let mut buf = MessageBuf::<MemHandle>::new();
    buf.encode(Submit {
        job: Job {
            name: "x".into(),
            priority: 0,
            args: vec![],
        },
        reply: space.channel(),
        progress: vec![space.event()],
        options: Options::default(),
    })?;
    let (bytes, mut handles) = buf.take();
    handles.pop();
    match Decoded::<Submit, MemHandle>::decode(bytes, handles) {
        Ok(_) => unreachable!("a handle is missing"),
        Err(e) => println!(
            "\nmalformed message rejected: {e} [{}]; open handles now {}",
            e.code(),
            space.open_count()
        ),
    }
    assert_eq!(space.open_count(), 0);
    Ok(())
}
