//! A `oneonone run` in the background: its stderr read line by line, the HTTP address it
//! logged, and a SIGTERM stop.

use super::cli_support::{command, sigterm, World};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

/// How long a line the test waits for may take: a hang guard, not a measurement.
const LINE_TIMEOUT: Duration = Duration::from_secs(40);

pub struct Running {
    child: tokio::process::Child,
    lines: mpsc::UnboundedReceiver<String>,
    /// Every line read so far, for failure messages and the final assertions.
    pub seen: Vec<String>,
}

impl Running {
    pub async fn start(w: &World) -> Running {
        let config = w.config_path.display().to_string();
        let mut child = command(&["--config", &config, "run"], w.dir.path())
            .spawn()
            .expect("spawn run");
        let stderr = child.stderr.take().expect("stderr piped");
        let (tx, lines) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for the next line that satisfies `want` and returns it.
    pub async fn wait_for_line(&mut self, want: impl Fn(&str) -> bool) -> String {
        let found = tokio::time::timeout(LINE_TIMEOUT, async {
            while let Some(line) = self.lines.recv().await {
                self.seen.push(line.clone());
                if want(&line) {
                    return Some(line);
                }
            }
            None
        })
        .await;
        match found {
            Ok(Some(line)) => line,
            Ok(None) => panic!("run exited before the line: {:#?}", self.seen),
            Err(_) => panic!("no such line within {LINE_TIMEOUT:?}: {:#?}", self.seen),
        }
    }

    /// `http://ADDRESS` from the "http listening" line.
    pub async fn http_base(&mut self) -> String {
        let line = self.wait_for_line(|l| l.contains("http listening")).await;
        let address = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("address="))
            .unwrap_or_else(|| panic!("no address= in {line}"));
        format!("http://{address}")
    }

    /// SIGKILL: no clean-up at all, as after a crash.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("kill");
    }

    /// SIGTERM, then the rest of stderr once the process exited with 0.
    pub async fn stop(mut self) -> Vec<String> {
        sigterm(&self.child);
        let status = tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .expect("stops within 10 s of SIGTERM")
            .expect("wait");
        while let Some(line) = self.lines.recv().await {
            self.seen.push(line);
        }
        assert_eq!(status.code(), Some(0), "clean exit: {:#?}", self.seen);
        self.seen
    }
}
