//! Progress on stderr for long commands (`import`, `verify`, `restore`, `reindex`, `gen`):
//! shown only when stderr is a terminal and `--quiet` is not given, so scripts, pipes and
//! tests see nothing; without colour when `NO_COLOR` is set (https://no-color.org).

use std::io::IsTerminal;
use std::time::Duration;

/// Whether progress is shown: a person is watching stderr and did not ask for quiet.
pub fn enabled(quiet: bool, stderr_is_terminal: bool) -> bool {
    !quiet && stderr_is_terminal
}

/// Whether colour is allowed: `NO_COLOR` set to anything but the empty string forbids it.
pub fn colour(no_color: Option<&std::ffi::OsStr>) -> bool {
    no_color.is_none_or(|v| v.is_empty())
}

/// What a display counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    /// Nothing: the work gives no count on the way (a spinner and the time).
    Nothing,
    /// Items, with no known total.
    Items,
    /// Items out of a known total.
    Of(u64),
}

/// The display's template, with or without colour.
fn template(count: Count, colour: bool) -> &'static str {
    match (count, colour) {
        (Count::Of(_), true) => "{spinner:.cyan} {msg} {human_pos}/{human_len} [{elapsed_precise}]",
        (Count::Of(_), false) => "{spinner} {msg} {human_pos}/{human_len} [{elapsed_precise}]",
        (Count::Items, true) => "{spinner:.cyan} {msg} {human_pos} [{elapsed_precise}]",
        (Count::Items, false) => "{spinner} {msg} {human_pos} [{elapsed_precise}]",
        (Count::Nothing, true) => "{spinner:.cyan} {msg} [{elapsed_precise}]",
        (Count::Nothing, false) => "{spinner} {msg} [{elapsed_precise}]",
    }
}

/// A progress display, or nothing when progress is not shown.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Progress of `msg` ("importing", "verifying"), counting as `count` says.
    pub fn new(quiet: bool, msg: &'static str, count: Count) -> Progress {
        if !enabled(quiet, std::io::stderr().is_terminal()) {
            return Progress { bar: None };
        }
        // Without colour the template names no colour, so nothing is coloured.
        let colour = colour(std::env::var_os("NO_COLOR").as_deref());
        let bar = match count {
            Count::Of(n) => indicatif::ProgressBar::new(n),
            _ => indicatif::ProgressBar::new_spinner(),
        };
        // A template of ours never fails to parse; a failure would only lose the style.
        if let Ok(style) = indicatif::ProgressStyle::with_template(template(count, colour)) {
            bar.set_style(style);
        }
        bar.set_message(msg);
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    /// `n` more done.
    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Done: the display is cleared, so what the command prints stands alone.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A writer that counts the lines written through it (for `gen`, whose output is JSONL).
pub struct CountLines<'a, W: std::io::Write> {
    pub inner: W,
    pub progress: &'a Progress,
}

impl<W: std::io::Write> std::io::Write for CountLines<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let lines = buf[..n].iter().filter(|&&b| b == b'\n').count();
        self.progress.inc(lines as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_only_to_a_watching_person() {
        assert!(enabled(false, true));
        assert!(!enabled(true, true), "--quiet");
        assert!(!enabled(false, false), "stderr is a pipe or a file");
    }

    #[test]
    fn no_color_set_to_anything_forbids_colour() {
        use std::ffi::OsStr;
        assert!(colour(None));
        assert!(colour(Some(OsStr::new(""))));
        assert!(!colour(Some(OsStr::new("1"))));
        for count in [Count::Nothing, Count::Items, Count::Of(3)] {
            assert!(!template(count, false).contains(".cyan"));
            assert!(template(count, true).contains(".cyan"));
        }
    }

    #[test]
    fn counting_lines_passes_the_bytes_through() {
        let progress = Progress { bar: None };
        let mut w = CountLines {
            inner: Vec::new(),
            progress: &progress,
        };
        std::io::Write::write_all(&mut w, b"a\nb\n").expect("write");
        assert_eq!(w.inner, b"a\nb\n");
    }
}
