//! The schema, as an append-only list of migrations.
//!
//! The schema version lives in SQLite's `user_version` (managed by `rusqlite_migration`).
//! Never edit a migration that has shipped: append a new `M::up` instead. A file whose version
//! is higher than this list knows is refused at open (see [`super::StoreError::TooNew`]).
//!
//! Conventions: every table is `STRICT`; instants are fixed-width RFC 3339 UTC text and dates
//! `YYYY-MM-DD` (see `columns.rs`); enums are lowercase words guarded by `CHECK`; booleans are
//! 0/1 guarded by `CHECK`. Every row is scoped by `user` (the served user's email), so one user's
//! data can never leak into another's queries and two served users who share a meeting keep
//! separate rows.

use rusqlite_migration::{Migrations, M};

/// Version 1: sync state, calendar cache, series, occurrences, action ledger.
const V1: &str = r#"
CREATE TABLE calendar_sync (
    user        TEXT NOT NULL,
    calendar_id TEXT NOT NULL,
    sync_token  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (user, calendar_id)
) STRICT;

CREATE TABLE drive_sync (
    user       TEXT NOT NULL PRIMARY KEY,
    page_token TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE calendar_events (
    user               TEXT NOT NULL,
    calendar_id        TEXT NOT NULL,
    event_id           TEXT NOT NULL,
    recurring_event_id TEXT,
    status             TEXT NOT NULL CHECK (status IN ('confirmed', 'tentative', 'cancelled')),
    updated            TEXT,
    json               TEXT NOT NULL,
    PRIMARY KEY (user, calendar_id, event_id)
) STRICT;
CREATE INDEX calendar_events_by_master
    ON calendar_events (user, calendar_id, recurring_event_id)
    WHERE recurring_event_id IS NOT NULL;

CREATE TABLE series (
    user            TEXT NOT NULL,
    series_key      TEXT NOT NULL,
    doc_id          TEXT,
    doc_url         TEXT,
    title           TEXT NOT NULL,
    organizer_email TEXT NOT NULL,
    other_email     TEXT,
    time_zone       TEXT NOT NULL,
    event_ids       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(event_ids)),
    state           TEXT NOT NULL CHECK (state IN ('active', 'not_one_on_one', 'deleted')),
    adopted         INTEGER NOT NULL CHECK (adopted IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (user, series_key)
) STRICT;

CREATE TABLE occurrences (
    user               TEXT NOT NULL,
    series_key         TEXT NOT NULL,
    occurrence_key     TEXT NOT NULL,
    start              TEXT NOT NULL,
    "end"              TEXT NOT NULL,
    original_start     TEXT NOT NULL,
    cancelled          INTEGER NOT NULL CHECK (cancelled IN (0, 1)),
    section_state      TEXT NOT NULL
        CHECK (section_state IN ('not_prepared', 'prepared', 'harvested')),
    section_at         TEXT,
    section_revision   TEXT,
    harvest_count      INTEGER NOT NULL DEFAULT 0 CHECK (harvest_count >= 0),
    PRIMARY KEY (user, series_key, occurrence_key),
    FOREIGN KEY (user, series_key) REFERENCES series (user, series_key) ON DELETE CASCADE,
    CHECK ((section_state = 'not_prepared') = (section_at IS NULL)),
    CHECK ((section_at IS NULL) = (section_revision IS NULL))
) STRICT;
CREATE INDEX occurrences_by_start ON occurrences (user, start);

CREATE TABLE action_items (
    user           TEXT NOT NULL,
    series_key     TEXT NOT NULL,
    occurrence_key TEXT NOT NULL,
    item_key       TEXT NOT NULL,
    position       INTEGER NOT NULL CHECK (position >= 0),
    owner_kind     TEXT NOT NULL CHECK (owner_kind IN ('email', 'both', 'unassigned', 'text')),
    owner          TEXT,
    task           TEXT NOT NULL,
    due            TEXT,
    done           INTEGER NOT NULL CHECK (done IN (0, 1)),
    done_at        TEXT,
    source_doc_url TEXT NOT NULL,
    heading_id     TEXT,
    first_seen     TEXT NOT NULL,
    updated        TEXT NOT NULL,
    PRIMARY KEY (user, series_key, occurrence_key, item_key),
    FOREIGN KEY (user, series_key, occurrence_key)
        REFERENCES occurrences (user, series_key, occurrence_key) ON DELETE CASCADE,
    CHECK ((owner_kind IN ('email', 'text')) = (owner IS NOT NULL)),
    CHECK (done = 1 OR done_at IS NULL)
) STRICT;
CREATE INDEX action_items_by_owner ON action_items (owner COLLATE NOCASE)
    WHERE owner_kind = 'email';
"#;

/// Version 2 (issue 9 §3, §8): what Drive search cannot be trusted with, and setup steps that
/// Google refused.
///
/// * `drive_folders`: the notes folder's id per user, so a new doc never looks its folder up
///   by a search that may not see a folder created seconds ago.
/// * `drive_creates`: a `files.create` sent and not (yet) known to have landed, per user and
///   target (`folder` or `doc:<series key>`); while it is younger than the search lag a marker
///   lookup that finds nothing proves nothing, so no second create is sent.
/// * `held_steps`: a share or attach Google refused for good, per series and step (`share`,
///   `attach:<event id>`), with when to try again, so it is not re-sent every poll.
const V2: &str = r#"
CREATE TABLE drive_folders (
    user       TEXT NOT NULL PRIMARY KEY,
    folder_id  TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE drive_creates (
    user         TEXT NOT NULL,
    target       TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    PRIMARY KEY (user, target)
) STRICT;

CREATE TABLE held_steps (
    user       TEXT NOT NULL,
    series_key TEXT NOT NULL,
    step       TEXT NOT NULL,
    not_before TEXT NOT NULL,
    error      TEXT NOT NULL,
    PRIMARY KEY (user, series_key, step)
) STRICT;
"#;

/// Version 3: the tab of each doc that holds the daemon's sections (issue 9 §5). A table of
/// its own, keyed by doc, so the tab follows the doc however many series rows point at it.
const V3_DOC_TABS: &str = r#"
CREATE TABLE doc_tabs (
    user       TEXT NOT NULL,
    doc_id     TEXT NOT NULL,
    tab_id     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user, doc_id)
) STRICT;
"#;

/// Version 4: per-user back-off across passes (issue 10 §8), so a user Google asked to wait
/// (a spent daily quota, a long `Retry-After`, repeated failures) makes no call until then —
/// also after a restart.
const V4_BACKOFF: &str = r#"
CREATE TABLE user_backoff (
    user         TEXT NOT NULL PRIMARY KEY,
    next_attempt TEXT NOT NULL,
    failures     INTEGER NOT NULL CHECK (failures >= 1),
    reason       TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
"#;

/// Version 5: open push channels (issue 12): Calendar `events.watch` channels are Google-side
/// state that outlives the process, so a restart reuses them (no second channel, no missed
/// notification) and stops those of users who left the configuration. The token is the secret
/// Google echoes in `X-Goog-Channel-Token`; the store is the daemon's private state already.
const V5_PUSH_CHANNELS: &str = r#"
CREATE TABLE push_channels (
    channel_id  TEXT NOT NULL PRIMARY KEY,
    user        TEXT NOT NULL,
    resource    TEXT NOT NULL CHECK (resource IN ('calendar', 'drive')),
    resource_id TEXT NOT NULL,
    token       TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX push_channels_by_user ON push_channels (user, resource);
"#;

/// Version 6: names from the Workspace directory (issue 11), cached so a person's name is asked
/// of the People API once per `names.refresh`, not on every pass. `name` is NULL when the
/// directory has no profile for the address (kept too, so a partner's address is not searched
/// again every pass).
const V6_DIRECTORY_NAMES: &str = r#"
CREATE TABLE directory_names (
    email      TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    name       TEXT,
    fetched_at TEXT NOT NULL
) STRICT;
"#;

/// Version 7: action items as their owners' Google Tasks (issue 13). `task_lists` remembers,
/// per served user and owner, the owner's list and when their tasks were last read (the
/// incremental `updatedMin`); `action_tasks` holds one row per (owner, item marker) — the
/// marker names the item, not the served user, so an item never gets two tasks — with the task
/// id once known (`inserting` rows are inserts whose answer was not recorded), its state and
/// the title and due date last written. `action_items.done_by_task` marks items closed because
/// their task was completed, which a re-harvest of the doc must not reopen.
const V7_TASKS: &str = r#"
CREATE TABLE task_lists (
    user       TEXT NOT NULL,
    owner      TEXT NOT NULL,
    title      TEXT NOT NULL,
    list_id    TEXT NOT NULL,
    last_read  TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user, owner)
) STRICT;

CREATE TABLE action_tasks (
    owner          TEXT NOT NULL,
    marker         TEXT NOT NULL,
    user           TEXT NOT NULL,
    series_key     TEXT NOT NULL,
    occurrence_key TEXT NOT NULL,
    item_key       TEXT NOT NULL,
    position       INTEGER NOT NULL,
    task_id        TEXT,
    state          TEXT NOT NULL CHECK (state IN ('inserting', 'open', 'completed', 'deleted')),
    title          TEXT NOT NULL,
    due            TEXT,
    attempted_at   TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (owner, marker),
    CHECK ((state = 'inserting') = (task_id IS NULL))
) STRICT;
CREATE INDEX action_tasks_by_item ON action_tasks (user, series_key, occurrence_key, item_key);

ALTER TABLE action_items ADD COLUMN done_by_task INTEGER NOT NULL DEFAULT 0
    CHECK (done_by_task IN (0, 1));
"#;

/// Every migration, oldest first. The index + 1 is the schema version it produces.
const MIGRATIONS: &[M<'static>] = &[
    M::up(V1),
    M::up(V2),
    M::up(V3_DOC_TABS),
    M::up(V4_BACKOFF),
    M::up(V5_PUSH_CHANNELS),
    M::up(V6_DIRECTORY_NAMES),
    M::up(V7_TASKS),
];

/// The migration set, ready to apply.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The schema version this build writes.
pub(crate) const LATEST_VERSION: usize = MIGRATIONS.len();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }
}
