//! What can go wrong in a pass, and the one policy that decides what each failure means.
//!
//! In the manner of a kube-rs controller's `error_policy`: steps do not decide whether a failure
//! is worth a retry, a warning or the end of the user's pass; they return a [`SeriesError`] and
//! [`error_policy`] turns it into an [`Action`]. Everything it decides is in one match, so a
//! reader can see every failure's consequence on one screen.

use super::UserOutcome;
use crate::domain::edit;
use crate::domain::series::SeriesKey;
use crate::domain::template::TemplateError;
use crate::google::GoogleError;
use crate::store::StoreError;
use std::time::Duration;

/// Why a user's pass stopped early. Per-series problems don't stop a pass: they are reported
/// in [`super::PassReport::problems`] and retried on the next pass.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("{user}: {step}: {source}")]
    Google {
        user: String,
        step: &'static str,
        #[source]
        source: GoogleError,
    },
    #[error("{user}: {source}")]
    Store {
        user: String,
        #[source]
        source: Box<StoreError>,
    },
    /// A series step whose failure [`error_policy`] says ends the user's pass.
    #[error("{user}: {source}")]
    Series {
        user: String,
        #[source]
        source: Box<SeriesError>,
    },
}

/// One step of one series failed.
#[derive(Debug, thiserror::Error)]
#[error("series {series}: {step}: {source}")]
pub struct SeriesError {
    pub series: String,
    /// What was being done, in words ("share the doc").
    pub step: &'static str,
    /// Boxed: a failure carries Google's or SQLite's message, and every step returns this.
    #[source]
    pub source: Box<Failure>,
}

/// The three kinds of failure a step can have.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Google(#[from] GoogleError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// A step that cannot be carried out as planned, for a reason no retry fixes by itself.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("not sharing doc {doc} with {email}: their domain is not in doc.allowed_domains")]
    SharingRefused { doc: String, email: String },
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Section(#[from] edit::PlanError),
    #[error("the planned edit is not a valid Docs request: {0}")]
    Requests(String),
    #[error("Drive returned no file id")]
    NoFileId,
    #[error("the doc kept changing while we wrote; will try again next pass")]
    KeptChanging,
    /// A `files.create` sent at `since` lost its answer; the file may exist and not be
    /// searchable yet, so nothing is created until the search has caught up.
    #[error(
        "an earlier create (at {since}) may have made the file, and Drive's search may not \
         show it yet; waiting before creating again"
    )]
    CreatePending { since: String },
    /// The served user attends a 1-1 someone else organises, and the daemon may write to the
    /// event neither as the organizer nor as a guest (issue 11).
    #[error("the doc is not attached to the event: {why}; attach it by hand from the event's Attachments: {doc_url}")]
    NotAttachable { doc_url: String, why: String },
    /// Domain-wide delegation did not let the daemon act as the event's organizer.
    #[error("the doc is not attached to the event: acting as its organizer {organizer} was refused ({message}); attach it by hand from the event's Attachments: {doc_url}")]
    OrganizerRefused {
        organizer: String,
        doc_url: String,
        message: String,
    },
    #[error(
        "the section of {date} is no longer in doc {doc} (its dated heading was deleted or \
         renamed); its action items stay in the ledger as they were last read"
    )]
    SectionMissing { date: String, doc: String },
}

/// What a failure means for the rest of the pass and the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Google said when this user's calls may work again (a long `Retry-After`, a spent
    /// quota): end the user's pass; the daemon makes no call for them until then
    /// ([`super::backoff`]), also across restarts.
    BackOffUser { after: Option<Duration> },
    /// Likely to pass by itself (a 5xx, a timeout, a busy doc): try again next poll.
    Backoff,
    /// Needs a person: report it with how to fix it; the step is tried again next poll.
    Problem { fix: &'static str },
    /// Nothing else for this user can work (signed out, store unusable): stop their pass.
    StopUser,
}

/// The one error policy.
pub fn error_policy(failure: &Failure) -> Action {
    match failure {
        Failure::Google(e) => match e {
            GoogleError::Unauthorized { .. } | GoogleError::Setup { .. } => Action::StopUser,
            // The retry layer already waited in place for short hints, so a hint that reaches
            // here is long (or kept coming): every other call of this user would be refused
            // too.
            GoogleError::RateLimited {
                retry_after: Some(after),
                ..
            } => Action::BackOffUser {
                after: Some(*after),
            },
            // A daily or project quota is spent until it resets (the back-off computes the
            // reset on the pass's clock when Google gave no hint); the adapter never retries
            // this error within a call.
            GoogleError::QuotaExhausted { retry_after, .. } => Action::BackOffUser {
                after: *retry_after,
            },
            GoogleError::RateLimited { .. }
            | GoogleError::Transient { .. }
            | GoogleError::RevisionConflict { .. }
            | GoogleError::FullSyncRequired { .. } => Action::Backoff,
            GoogleError::NotFound { .. } => Action::Problem {
                fix: "the doc or event is gone or not visible to this user; if the doc was \
                      deleted, remove it from the event and a new one is made",
            },
            GoogleError::Forbidden { reason, .. } if is_sharing_refusal(reason) => {
                Action::Problem { fix: SHARING_FIX }
            }
            GoogleError::Permanent {
                reason: Some(reason),
                ..
            } if is_sharing_refusal(reason) => Action::Problem { fix: SHARING_FIX },
            GoogleError::Forbidden { .. } => Action::Problem {
                fix: "the served user may not do this; `oneonone check` shows the missing \
                      scope or delegation",
            },
            GoogleError::Permanent { .. } => Action::Problem {
                fix: "the same request will fail again; please report this line",
            },
        },
        // The store is what every step plans from: carrying on without it risks acting on
        // a stale picture, so the user's pass stops and is redone next poll.
        Failure::Store(_) => Action::StopUser,
        Failure::Plan(PlanError::CreatePending { .. }) => Action::Backoff,
        Failure::Plan(e) => Action::Problem {
            fix: match e {
                PlanError::SharingRefused { .. } => {
                    "add their domain to doc.allowed_domains to allow sharing outside your domain"
                }
                PlanError::Template(_) | PlanError::Section(_) => {
                    "fix the template (doc.template); the section is written once it renders"
                }
                PlanError::KeptChanging => "nothing to do: people are typing right now",
                PlanError::CreatePending { .. } => {
                    "nothing to do: the doc appears, or is created, once Drive's search catches up"
                }
                PlanError::SectionMissing { .. } => {
                    "put the dated heading back (undo in Docs, or retype it as a Heading 2) to \
                     have the meeting's items read again"
                }
                PlanError::NotAttachable { .. } | PlanError::OrganizerRefused { .. } => {
                    "the doc is created, shared and prepared as usual; the organizer (or anyone \
                     allowed to edit the event) attaches it once by hand, or sets \"guests can \
                     modify event\"; the daemon looks again in a day"
                }
                PlanError::Requests(_) | PlanError::NoFileId => {
                    "the same request will fail again; please report this line"
                }
            },
        },
    }
}

/// What a person does when Drive refuses to share the doc.
const SHARING_FIX: &str = "Drive refused to share the doc (a sharing policy, or the other \
     person has no Google account); share it from the doc's Share button or ask your Workspace \
     admin to allow it; the daemon tries again in a day, and the meetings' sections are written \
     meanwhile";

/// Drive's `reason`s for a share that a policy or the other account forbids, from Drive's
/// "Resolve errors" guide (developers.google.com/drive/api/guides/handle-errors) and the
/// permissions guide: none of them passes by retrying.
fn is_sharing_refusal(reason: &str) -> bool {
    matches!(
        reason,
        "cannotShareTeamDriveWithNonGoogleAccounts"
            | "shareOutNotPermitted"
            | "shareInNotPermitted"
            | "publishOutNotPermitted"
            | "invalidSharingRequest"
            | "teamDriveDomainUsersOnlyRestriction"
            | "cannotShareTeamDriveTopFolderWithAnyoneOrDomains"
    )
}

impl ReconcileError {
    /// For a store failure outside any one series (sync, loading the series).
    pub(crate) fn store(user: &str) -> impl FnOnce(StoreError) -> ReconcileError + '_ {
        move |source| ReconcileError::Store {
            user: user.to_string(),
            source: Box::new(source),
        }
    }
}

/// `step` of `series` failed with `source`.
pub(crate) fn fail(
    series: &SeriesKey,
    step: &'static str,
    source: impl Into<Failure>,
) -> SeriesError {
    SeriesError {
        series: series.as_str().to_string(),
        step,
        source: Box::new(source.into()),
    }
}

/// Applies [`error_policy`] to a failed series step: a problem line in the report, or the end
/// of the user's pass (after which the daemon backs the user off, see [`super::backoff`]).
pub(crate) fn settle(
    out: &mut UserOutcome,
    user: &str,
    e: SeriesError,
) -> Result<(), ReconcileError> {
    let action = error_policy(&e.source);
    match &action {
        Action::StopUser | Action::BackOffUser { .. } => return Err(e.into_user_error(user)),
        Action::Backoff => out.transient_failures += 1,
        Action::Problem { .. } => {}
    }
    out.report.problems.push(e.problem_line(&action));
    Ok(())
}

impl SeriesError {
    /// The line for [`super::PassReport::problems`]: what failed and what happens or to do.
    pub(crate) fn problem_line(&self, action: &Action) -> String {
        match action {
            Action::BackOffUser { .. } => format!("{self} (backing off this user)"),
            Action::Backoff => format!("{self} (retrying next pass)"),
            Action::Problem { fix } => format!("{self} ({fix})"),
            Action::StopUser => format!("{self} (stopped this user's pass)"),
        }
    }

    /// The error that ends the user's pass when the policy says [`Action::StopUser`].
    pub(crate) fn into_user_error(self, user: &str) -> ReconcileError {
        ReconcileError::Series {
            user: user.to_string(),
            source: Box::new(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_failure_has_one_consequence() {
        let google = |e| error_policy(&Failure::Google(e));
        assert_eq!(
            google(GoogleError::Unauthorized {
                message: "revoked".into()
            }),
            Action::StopUser
        );
        assert_eq!(
            google(GoogleError::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
                message: String::new()
            }),
            Action::BackOffUser {
                after: Some(Duration::from_secs(7))
            }
        );
        assert_eq!(
            google(GoogleError::Transient {
                code: Some(503),
                message: String::new()
            }),
            Action::Backoff
        );
        assert!(matches!(
            google(GoogleError::Forbidden {
                reason: "x".into(),
                message: String::new()
            }),
            Action::Problem { .. }
        ));
        let refused = Failure::Plan(PlanError::SharingRefused {
            doc: "d".into(),
            email: "e@x.org".into(),
        });
        let Action::Problem { fix } = error_policy(&refused) else {
            panic!("sharing refused is a problem for a person");
        };
        assert!(fix.contains("allowed_domains"));
        let policy = google(GoogleError::Forbidden {
            reason: "cannotShareTeamDriveWithNonGoogleAccounts".into(),
            message: "Bad Request. User message: \"You cannot share this item\"".into(),
        });
        let Action::Problem { fix } = policy else {
            panic!("a sharing policy needs a person");
        };
        assert!(fix.contains("Share button"), "{fix}");
        let pending = Failure::Plan(PlanError::CreatePending { since: "t".into() });
        assert_eq!(error_policy(&pending), Action::Backoff);
    }
}
