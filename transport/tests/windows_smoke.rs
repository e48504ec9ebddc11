#![cfg(windows)]
use bytes::BytesMut;
use handoff_transport::windows::{Channel, Error};

#[test]
fn smoke() {
    let (a, b) = Channel::pair().unwrap();
    a.send(b"hello", vec![]).unwrap();
    let (mut buf, mut handles) = (BytesMut::new(), Vec::new());
    b.recv(&mut buf, &mut handles).unwrap();
    assert_eq!(&buf[..], b"hello");
    drop(a);
    let e = b.recv(&mut buf, &mut handles).unwrap_err();
    assert!(matches!(e, Error::PeerClosed), "{e}");
}
