//! The vocabulary of a plan: the typed [`Step`]s a pass can take and why ([`Why`]) each is
//! needed, with the words a dry run prints for them.

use crate::domain::occurrences::OccurrenceKey;
use crate::domain::schedule::DocChange;
use chrono::{DateTime, Utc};
use std::fmt;

/// What a departed series became; its doc is kept either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Departure {
    /// Still in the calendar, but no longer a 1-1 (a third person, a new title).
    NotOneOnOne,
    /// Gone from the calendar.
    Deleted,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    CreateDoc {
        title: String,
    },
    AdoptDoc,
    Share {
        with: String,
    },
    RecordSeries {
        adopted: bool,
    },
    Attach {
        event_id: String,
    },
    RecordOccurrences,
    SectionFound {
        occurrence: OccurrenceKey,
        revision: String,
    },
    Harvest {
        occurrence: OccurrenceKey,
        label: String,
    },
    WriteSection {
        occurrence: OccurrenceKey,
        label: String,
    },
    RecordDeparture {
        series: String,
        departure: Departure,
    },
    RememberDriveToken {
        token: String,
    },
}

/// Why a step is needed (printed after it by a dry run).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Why {
    NoDocAnywhere,
    AttachedByPeople,
    NewToTheStore,
    NotAttached,
    KeepTimings,
    AlreadyInDoc,
    InDocUnknownToStore,
    MeetingEnded,
    DocChanged(DocChange),
    MeetingSoon {
        starts: DateTime<Utc>,
    },
    LeftTheOneOnOnes,
    DriveLooked,
    /// A share that failed before is due again.
    RetryRefused,
}

/// A step and its reason.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Planned {
    pub step: Step,
    pub why: Why,
}

impl Step {
    /// Keeps the store current without changing anything people see; a dry run leaves these
    /// out of what it prints.
    pub fn is_bookkeeping(&self) -> bool {
        matches!(
            self,
            Step::RecordSeries { .. }
                | Step::RecordOccurrences
                | Step::SectionFound { .. }
                | Step::RememberDriveToken { .. }
        )
    }

    /// Work a person is about to need — the doc itself, its sharing and attachment, the next
    /// section — which may use the whole quota budget (`google::quota`); harvests and
    /// bookkeeping are background work.
    pub fn is_due_work(&self) -> bool {
        matches!(
            self,
            Step::CreateDoc { .. }
                | Step::AdoptDoc
                | Step::Share { .. }
                | Step::Attach { .. }
                | Step::WriteSection { .. }
        )
    }

    /// A step the rest of the series depends on (the doc must exist and be recorded): when it
    /// fails, the series' later steps wait for the next pass. Sharing and attaching are not
    /// setup: a doc Google will not share or attach still gets its sections and harvests
    /// (issue 9 §8); a refused share or attach is held back and tried again later. A section
    /// step failing does not hold up the other occurrences.
    pub fn is_setup(&self) -> bool {
        matches!(
            self,
            Step::CreateDoc { .. }
                | Step::AdoptDoc
                | Step::RecordSeries { .. }
                | Step::RecordOccurrences
        )
    }
}

/// Steps that need no series context to describe.
pub(crate) fn describe_step(step: &Step) -> String {
    match step {
        Step::RecordDeparture { series, departure } => match departure {
            Departure::NotOneOnOne => format!("leave series {series} alone: no longer a 1-1"),
            Departure::Deleted => format!("leave series {series} alone: deleted"),
        },
        other => format!("{other:?}"),
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::NoDocAnywhere => f.write_str("no doc remembered, attached or marked in Drive"),
            Why::AttachedByPeople => f.write_str("a Google Doc is already attached"),
            Why::NewToTheStore => f.write_str("the doc is new to the store"),
            Why::NotAttached => f.write_str("the event does not carry the doc"),
            Why::KeepTimings => f.write_str("keep the occurrences' timing"),
            Why::AlreadyInDoc => f.write_str("the section is already in the doc"),
            Why::InDocUnknownToStore => f.write_str("a past section the store did not know"),
            Why::MeetingEnded => f.write_str("the meeting ended"),
            Why::DocChanged(DocChange::Changed) => f.write_str("the doc changed since"),
            Why::DocChanged(_) => f.write_str("the doc may have changed since"),
            Why::MeetingSoon { starts } => write!(f, "the meeting starts {starts}"),
            Why::LeftTheOneOnOnes => f.write_str("the series is no longer among the 1-1s"),
            Why::DriveLooked => f.write_str("Drive's change list was read"),
            Why::RetryRefused => f.write_str("it failed before and is due again"),
        }
    }
}
