//! Uses the types `build.rs` generated from `fidl/greeter.fidl`.

#[allow(missing_docs, clippy::all)]
mod greeter {
    include!(concat!(env!("OUT_DIR"), "/example.greeter.rs"));
}

use greeter::{Greeting, Mood, Options, Request};
use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::{Decoded, MessageBuf};

fn main() -> Result<(), handoff::Error> {
    let space = MemSpace::new();
    let request = Request {
        greeting: Greeting {
            text: "hello from a .fidl file".into(),
            mood: Mood::Cheerful,
            repeat: 2,
        },
        options: Options {
            language: Some("en".into()),
            ..Default::default()
        },
        done: space.event(),
    };
    let mut buf = MessageBuf::<MemHandle>::new();
    buf.encode(request)?;
    println!(
        "encoded {} bytes and {} handle",
        buf.bytes().len(),
        buf.handles().len()
    );
    let (bytes, handles) = buf.take();
    let msg = Decoded::<Request, MemHandle>::decode(bytes, handles)?;
    let view = msg.view();
    println!(
        "text = {:?}, mood = {:?}, language = {:?}",
        view.greeting().text(),
        view.greeting().mood(),
        view.options().language()
    );
    let done = msg.handle(view.done()).expect("validated");
    assert_eq!(
        handoff::handle::Handle::rights(done).bits(),
        greeter::RIGHTS_BASIC.0
    );
    println!(
        "the event arrived narrowed to the declared rights {:#x}",
        greeter::RIGHTS_BASIC.0
    );
    let request = msg.into_natural();
    assert_eq!(request.greeting.repeat, 2);
    drop(request);
    assert_eq!(space.open_count(), 0);
    Ok(())
}
