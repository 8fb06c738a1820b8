//! One writer per state directory.
//!
//! Two daemons on one store (say `oneonone once` while the service runs) would each see a
//! series without a doc and each create, share and attach one; on a first start they would
//! also race the schema migration. So whoever writes holds an exclusive `flock(2)` on
//! `<state_dir>/oneonone.lock` for as long as its [`Store`](super::Store) lives, and a second
//! writer fails at once, naming the holder. The lock is advisory and tied to the open file: the
//! kernel drops it when the holder exits, however it exits, so there is no stale lock to clean
//! up. The holder's pid is written into the file only so the refusal can name it.
//!
//! Readers (`oneonone actions`, `once --dry-run`'s snapshot) need no lock: the database is in
//! WAL mode, and a reader never migrates a store whose writer is running.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::error::{Result, StoreError};

/// The lock file's name inside the state directory.
pub const LOCK_FILE_NAME: &str = "oneonone.lock";

/// The held lock; dropping it (closing the file) releases it.
#[derive(Debug)]
pub struct StateDirLock {
    /// Kept open: the lock lives exactly as long as this descriptor.
    _file: File,
}

impl StateDirLock {
    /// Takes the exclusive lock on `state_dir` (which must exist) without waiting, or fails
    /// with [`StoreError::Locked`] naming the process that holds it.
    pub fn acquire(state_dir: &Path) -> Result<StateDirLock> {
        let path = state_dir.join(LOCK_FILE_NAME);
        let io_err = |cause| StoreError::LockFile {
            path: path.clone(),
            cause,
        };
        let mut file = open_private(&path).map_err(io_err)?;
        match try_lock(&file) {
            Ok(true) => {}
            Ok(false) => {
                return Err(StoreError::Locked {
                    dir: state_dir.to_path_buf(),
                    lock_file: path.clone(),
                    pid: read_pid(&mut file),
                })
            }
            Err(cause) => return Err(io_err(cause)),
        }
        // Only the holder writes, so the pid is never a mix of two writers'.
        let record = |file: &mut File| -> std::io::Result<()> {
            file.set_len(0)?;
            file.rewind()?;
            writeln!(file, "{}", std::process::id())?;
            file.flush()
        };
        record(&mut file).map_err(io_err)?;
        Ok(StateDirLock { _file: file })
    }
}

/// The pid a holder wrote, if it has written one yet (it writes right after locking).
fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(64).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

fn open_private(path: &PathBuf) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// `Ok(false)` when another open file holds the lock.
#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Without `flock` there is no lock; the store still works for a single process.
#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid() {
        let dir = tempfile::tempdir().unwrap();
        let first = StateDirLock::acquire(dir.path()).unwrap();
        // flock belongs to the open file, so a second open in this process conflicts too.
        let err = StateDirLock::acquire(dir.path()).unwrap_err();
        assert!(
            matches!(&err, StoreError::Locked { pid: Some(p), .. } if *p == std::process::id()),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        assert!(!msg.contains("delete"), "{msg}");
        drop(first);
        StateDirLock::acquire(dir.path()).expect("free again once the holder is gone");
    }

    #[test]
    fn the_lock_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let _lock = StateDirLock::acquire(dir.path()).unwrap();
        let meta = std::fs::metadata(dir.path().join(LOCK_FILE_NAME)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
}
