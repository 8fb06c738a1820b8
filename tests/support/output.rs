//! What a finished (or killed) run of the binary left behind, and the assertions every CLI-level
//! test makes on it (shared by `tests/cli_support` and `tests/soak_support` through `#[path]`).

/// What a finished (or killed) command left behind.
#[derive(Debug)]
pub struct Output {
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Both streams, for "never prints X" assertions and failure messages.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Asserts the exit code and that nothing panicked.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self.no_panic()
    }

    pub fn no_panic(&self) -> &Self {
        for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
            assert!(
                !self.all().contains(bad),
                "{bad} in output:\n{}",
                self.all()
            );
        }
        self
    }
}
