//! Writing a command's result to standard output.

use std::io::{ErrorKind, Write};

/// Writes `text` to standard output. A reader that has gone away (`coprod
/// pb count FILE | head`) has taken all it wanted, so a broken pipe ends
/// the command quietly instead of panicking as `println!` would.
pub fn write(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
